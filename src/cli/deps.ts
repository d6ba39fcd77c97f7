import { parseArgs } from 'node:util';
import { dependencySet, type DependencySet } from '../deps/dependency-set.js';
import { diffDependencies, formatDependencyDiff } from '../deps/diff.js';
import { InputFileError, readJsonFile } from '../common/files.js';
import { formatIssues } from '../options/validate.js';
import { UsageError, type Io } from './io.js';

/** A file holds no dependency set (saved before they were recorded): nothing to compare, exit 3. */
class NoDependenciesError extends Error {}

/** The dependency set in a saved serving run, training report (its `dependencies`), or a bare set. */
function readDependencies(path: string): DependencySet {
  const json = readJsonFile(path, 'run file') as Record<string, unknown> | null;
  const bare = dependencySet.safeParse(json);
  if (bare.success) return bare.data;
  if (!json || typeof json !== 'object' || !('dependencies' in json)) {
    throw new NoDependenciesError(`${path} records no dependencies (a run or report saved before tfjs-monitor recorded them, or not a run at all): nothing to compare`);
  }
  const parsed = dependencySet.safeParse(json['dependencies']);
  if (!parsed.success) {
    throw new InputFileError(`${path} has a dependency set that cannot be read (dependencies: ${formatIssues(parsed.error)})`);
  }
  return parsed.data;
}

/** `tfjs-monitor deps diff <a.json> <b.json>`: 0 nothing changed, 1 a dependency changed, 3 a file records none. */
export function depsDiff(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 2) throw new UsageError('usage: tfjs-monitor deps diff <baseline.json> <run.json> [--json]');
  let a: DependencySet;
  let b: DependencySet;
  try {
    a = readDependencies(positionals[0]!);
    b = readDependencies(positionals[1]!);
  } catch (e) {
    if (!(e instanceof NoDependenciesError)) throw e;
    io.err(e.message);
    return 3;
  }
  const diff = diffDependencies(a, b);
  io.out(values.json ? JSON.stringify(diff, null, 2) : formatDependencyDiff(diff));
  return diff.same ? 0 : 1;
}
