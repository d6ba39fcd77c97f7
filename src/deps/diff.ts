import type { DependencySet } from './dependency-set.js';

/** One dependency that differs between two runs; null: absent from that run. */
export interface DependencyChange {
  /** `@tensorflow/tfjs-core`, `backend`, `backend flag WASM_HAS_SIMD_SUPPORT`, `runtime`, `lockfile`, `data mnist`. */
  dependency: string;
  kind: 'package' | 'backend' | 'backend-flag' | 'runtime' | 'lockfile' | 'data-source';
  from: string | null;
  to: string | null;
}

export interface DependencyDiff {
  /** True when nothing that both runs recorded differs. */
  same: boolean;
  changes: DependencyChange[];
  /** The backend in use changed (`wasm → cpu`): latency across it says little about the model. */
  backendChanged: boolean;
}

const str = (v: unknown) => (v === undefined || v === null ? null : String(v));

function keyed(
  kind: DependencyChange['kind'],
  prefix: string,
  a: Record<string, string>,
  b: Record<string, string>,
  onlyCommon = false,
): DependencyChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names
    .filter((n) => a[n] !== b[n] && (!onlyCommon || (n in a && n in b)))
    .map((n) => ({ dependency: `${prefix}${n}`, kind, from: str(a[n]), to: str(b[n]) }));
}

/**
 * What changed from run `a` (the baseline) to run `b`: each tfjs package old → new (or added,
 * removed), the backend, its capability flags (only those both runs evaluated), the runtime,
 * the lockfile's hash (when both runs found one) and the declared data sources.
 */
export function diffDependencies(a: DependencySet, b: DependencySet): DependencyDiff {
  const changes: DependencyChange[] = keyed('package', '', a.packages, b.packages);
  const backendChanged = a.backend.name !== b.backend.name;
  if (backendChanged) changes.push({ dependency: 'backend', kind: 'backend', from: a.backend.name, to: b.backend.name });
  else {
    const flags = (s: DependencySet) => Object.fromEntries(Object.entries(s.backend.flags).map(([k, v]) => [k, String(v)]));
    changes.push(...keyed('backend-flag', 'backend flag ', flags(a), flags(b), true));
  }
  if (a.runtime && b.runtime && (a.runtime.name !== b.runtime.name || a.runtime.version !== b.runtime.version)) {
    changes.push({ dependency: 'runtime', kind: 'runtime', from: `${a.runtime.name} ${a.runtime.version}`, to: `${b.runtime.name} ${b.runtime.version}` });
  }
  if (a.lockfile && b.lockfile && (a.lockfile.sha256 !== b.lockfile.sha256 || a.lockfile.file !== b.lockfile.file)) {
    const show = (l: NonNullable<DependencySet['lockfile']>) => `${l.file} sha256:${l.sha256.slice(0, 12)}`;
    changes.push({ dependency: 'lockfile', kind: 'lockfile', from: show(a.lockfile), to: show(b.lockfile) });
  }
  const sources = (s: DependencySet) => Object.fromEntries(s.dataSources.map((d) => [d.name, d.version]));
  changes.push(...keyed('data-source', 'data ', sources(a), sources(b)));
  return { same: changes.length === 0, changes, backendChanged };
}

/** One line per change, `name  old → new`, as `tfjs-monitor deps diff` prints it. */
export function formatDependencyDiff(diff: DependencyDiff): string {
  if (diff.same) return 'no dependency changed';
  const width = Math.max(...diff.changes.map((c) => c.dependency.length));
  return diff.changes.map((c) => `${c.dependency.padEnd(width)}  ${c.from ?? '(absent)'} → ${c.to ?? '(absent)'}`).join('\n');
}

/** `@tensorflow/tfjs-core 4.21.0 → 4.22.0, backend wasm → cpu`: for a finding's message. */
export function describeChanges(diff: DependencyDiff): string {
  return diff.changes.map((c) => `${c.dependency} ${c.from ?? '(absent)'} → ${c.to ?? '(absent)'}`).join(', ');
}
