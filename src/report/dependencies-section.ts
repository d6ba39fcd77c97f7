import type { DependencySet } from '../deps/dependency-set.js';
import type { MonitorReport } from '../monitor/run-report.js';
import { escapeHtml as e } from './escape.js';

/** Each changed dependency's name, and what the baseline had, from the run's dependency-change finding. */
function baselineValues(run: MonitorReport): Map<string, string | null> {
  const change = run.findings.find((f) => f.kind === 'dependency-change');
  return new Map(change?.kind === 'dependency-change' ? change.changes.map((c) => [c.dependency, c.from] as const) : []);
}

/** Named as diffDependencies names them, so that a change finds its row. */
function rows(deps: DependencySet): [string, string][] {
  return [
    ...Object.entries(deps.packages),
    ['backend', deps.backend.name] as [string, string],
    ...Object.entries(deps.backend.flags).map(([k, v]) => [`backend flag ${k}`, String(v)] as [string, string]),
    ...(deps.runtime ? [['runtime', `${deps.runtime.name} ${deps.runtime.version}`] as [string, string]] : []),
    ...(deps.lockfile ? [['lockfile', `${deps.lockfile.file} sha256:${deps.lockfile.sha256.slice(0, 12)}`] as [string, string]] : []),
    ...deps.dataSources.map((d) => [`data ${d.name}`, d.version] as [string, string]),
  ];
}

/**
 * What the run depended on (ML Test Score Monitor 1), one row per package, backend flag, runtime,
 * lockfile and data source; rows that differ from the speed baseline's show its value beside.
 */
export function dependenciesSection(run: MonitorReport): string {
  const deps = run.dependencies;
  if (!deps) return '';
  const before = baselineValues(run);
  const now = rows(deps);
  const body = now
    .map(([name, value]) => {
      const changed = before.has(name);
      const was = changed ? (before.get(name) ?? '(absent)') : '';
      return `<tr class="${changed ? 'bad' : ''}"><td>${e(name)}</td><td>${e(value)}</td><td>${e(was)}</td></tr>`;
    })
    .join('');
  // A dependency the baseline had and this run lacks has no row of its own above.
  const gone = [...before].filter(([name]) => !now.some(([n]) => n === name));
  const goneRows = gone.map(([name, was]) => `<tr class="bad"><td>${e(name)}</td><td>(absent)</td><td>${e(was ?? '(absent)')}</td></tr>`).join('');
  const note = before.size ? `<p class="bad">${e(before.size)} dependency(ies) differ from the speed baseline's.</p>` : '';
  return `<section id="dependencies"><h2>Dependencies</h2>${note}<table><tr><th>dependency</th><th>this run</th><th>baseline (where it differs)</th></tr>${body}${goneRows}</table></section>`;
}
