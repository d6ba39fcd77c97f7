// The layout shows the architecture: a framework-free core, checks, tfjs pieces, doors over them.
// These rules are checked on the sources, so a change that breaks them fails here, not in review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../../src');
const files = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') && !name.endsWith('.generated.ts') ? [path] : [];
  });
})(src);

/** Runtime imports (type-only imports are erased) of a source file, as paths under src. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms)) {
    if (m[1]) continue;
    const named = m[2]!.match(/^\{([^}]*)\}$/);
    if (named && named[1]!.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    out.push(relative(src, normalize(join(dirname(file), m[3]!.replace(/\.js$/, '.ts')))));
  }
  return out;
}

const graph = new Map(files.map((f) => [relative(src, f), runtimeImports(f)]));
const area = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '(root)');

// What each area may import at run time, besides itself. Read top to bottom: lower areas never
// reach up. `core` and `stability` (the checks) are framework-free: no tfjs, no Node.
const ALLOWED: Record<string, string[]> = {
  core: [],
  options: [],
  common: ['options'],
  inspect: [],
  stability: ['core', 'inspect'],
  speed: ['core', 'common', 'deps', 'options'],
  storage: [],
  staleness: ['options', 'storage'],
  parity: ['common', 'options', 'storage'],
  quality: ['core', 'common', 'options'],
  tfjs: ['core', 'inspect'],
  deps: [],
  serving: ['common', 'core', 'deps', 'inspect', 'options', 'speed', 'tfjs'],
  report: ['core', 'deps', 'quality', 'speed', 'staleness'],
  monitor: ['core', 'common', 'deps', 'inspect', 'options', 'report', 'speed', 'stability', 'tfjs'],
  '(root)': ['core', 'deps', 'inspect', 'monitor', 'options', 'quality', 'report', 'serving', 'stability', 'tfjs'],
  exporters: ['core', 'monitor', 'options', 'storage'],
  node: ['(root)', 'common', 'deps', 'exporters', 'monitor', 'parity', 'quality', 'report', 'serving', 'speed', 'staleness', 'storage'],
  cli: ['common', 'deps', 'node', 'options', 'parity', 'quality', 'report', 'serving', 'speed', 'staleness', 'storage'],
};

describe('the source layout', () => {
  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open') cycles.push([...path.slice(path.indexOf(dep)), file, dep].join(' -> '));
        else if (!state.has(dep)) visit(dep, [...path, file]);
      }
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('imports point one way, from the doors down to the framework-free core', () => {
    const wrong = [...graph].flatMap(([file, deps]) =>
      deps.filter((dep) => area(dep) !== area(file) && !(ALLOWED[area(file)] ?? []).includes(area(dep))).map((dep) => `${file} -> ${dep}`),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps Node built-ins out of everything the browser root reaches', () => {
    const reached = new Set<string>();
    const walk = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const dep of graph.get(file) ?? []) walk(dep);
    };
    walk('index.ts');
    const node = [...reached].filter((f) => /from 'node:|import\('node:/.test(readFileSync(join(src, f), 'utf8')));
    expect(node).toEqual([]);
  });

  it('has no source file over 250 lines', () => {
    const long = files.map((f) => [relative(src, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 250);
    expect(long).toEqual([]);
  });
});
