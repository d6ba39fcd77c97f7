import { formatTable } from '../common/text-table.js';
import { describePosition } from '../core/findings.js';
import type { MonitorReport } from './run-report.js';

function cell(v: number | undefined, scale = 1): string {
  if (v === undefined) return '-';
  const x = v * scale;
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(scale === 1 ? 4 : 1);
}


/** A monitor report as text for a terminal or a CI log: status, a per-layer table, the findings. */
export function formatReport(report: MonitorReport): string {
  const head =
    `status: ${report.status} (${report.epochs} epoch(s), ${report.steps} step(s), ${report.checks} check(s), ` +
    `${report.probes} probe(s); backend ${report.backend}, ${report.strategy})`;
  const rows = [
    ['layer', 'class', 'min', 'max', 'max|w|', 'dead %', 'zero %'],
    ...report.layers.map((l) => [
      l.name,
      l.className,
      cell(l.last.min),
      cell(l.last.max),
      cell(l.last.maxAbs),
      cell(l.last.deadFraction, 100),
      cell(l.last.zeroFraction, 100),
    ]),
  ];
  const findings = report.findings.length
    ? report.findings.map(
        (f) =>
          `  [${f.action}] ${f.kind} at ${describePosition(f)}: ${f.message}` +
          (f.occurrences > 1 ? ` (seen at ${f.occurrences} checks, last at step ${f.lastStep})` : ''),
      )
    : ['  none'];
  return [head, '', formatTable(rows), '', 'findings:', ...findings].join('\n');
}
