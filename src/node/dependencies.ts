import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { addVersion, collectDependencies as collectInBrowser, sortKeys, versionsOf, type CollectOptions } from '../deps/collect.js';
import type { DependencySet } from '../deps/dependency-set.js';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];

export interface NodeCollectOptions extends CollectOptions {
  /** Where to start looking up for a lockfile (default: the working directory); false: record none. */
  lockfileFrom?: string | false;
}

/** The first lockfile in `dir` or a directory above it, and the SHA-256 of its bytes. */
export function findLockfile(dir: string): DependencySet['lockfile'] {
  for (let d = dir; ; d = dirname(d)) {
    for (const file of LOCKFILES) {
      const path = join(d, file);
      if (existsSync(path)) return { file, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
    }
    if (dirname(d) === d) return null;
  }
}

/**
 * Every @tensorflow package loaded in this process through require (tfjs's Node builds are
 * CommonJS, so `import '@tensorflow/tfjs'` lands here too): the version the loaded module
 * exports (`version_core`, `tf.version`…), or else the version in that loaded copy's own
 * package.json. Two copies of a package in different directories both show.
 */
function loadedTfjsPackages(into: Record<string, string>): void {
  // require.cache is Node's one module cache, whichever require reads it (and no import.meta,
  // which the CommonJS build lacks).
  const cache = createRequire(join(process.cwd(), 'index.js')).cache;
  const dirs = new Map<string, { name: string; exports: unknown[] }>();
  for (const [file, mod] of Object.entries(cache)) {
    const m = /^(.*[\\/]node_modules[\\/](@tensorflow[\\/][^\\/]+))[\\/]/.exec(file);
    if (!m) continue;
    const entry = dirs.get(m[1]!) ?? { name: m[2]!.replace('\\', '/'), exports: [] };
    entry.exports.push(mod?.exports);
    dirs.set(m[1]!, entry);
  }
  for (const [dir, { name, exports }] of dirs) {
    const found: Record<string, string> = {};
    for (const e of exports) if (e && typeof e === 'object') versionsOf(e, found);
    const version = found[name] ?? packageVersion(dir);
    if (version) for (const v of version.split(' + ')) addVersion(into, name, v);
  }
}

function packageVersion(dir: string): string | null {
  try {
    const v = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * The dependency set of this run in Node: what `collectDependencies` finds in a browser, plus
 * every loaded @tensorflow package (tfjs-node, backends, converter…), the Node version, and the
 * SHA-256 of the lockfile found from the working directory up.
 */
export function collectDependencies(options: NodeCollectOptions = {}): DependencySet {
  const set = collectInBrowser(options);
  const packages = { ...set.packages };
  loadedTfjsPackages(packages);
  const from = options.lockfileFrom ?? process.cwd();
  return { ...set, packages: sortKeys(packages), lockfile: from === false ? null : findLockfile(from) };
}
