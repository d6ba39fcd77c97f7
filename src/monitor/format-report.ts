import { formatTable } from '../common/text-table.js';
import { describePosition } from '../core/findings.js';
import { cell } from '../core/format-number.js';
import type { MonitorReport } from './run-report.js';

/** A per-layer figure (scaled: 100 for percentages) aligned for the table. */
const figure = (v: number | undefined, scale = 1) => cell(v === undefined ? v : v * scale, { digits: scale === 1 ? 4 : 1, trim: false, exponentDigits: 2 });

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
      figure(l.last.min),
      figure(l.last.max),
      figure(l.last.maxAbs),
      figure(l.last.deadFraction, 100),
      figure(l.last.zeroFraction, 100),
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
