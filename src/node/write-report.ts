import { writeFileSync } from 'node:fs';
import type { MonitorReport } from '../monitor/run-report.js';
import { renderHtmlReport, type HtmlReportInput } from '../report/html-report.js';

/** Writes the self-contained HTML report to `path`. */
export function writeHtmlReport(path: string, input: HtmlReportInput): void {
  writeFileSync(path, renderHtmlReport(input));
}

/** Writes a monitor report as JSON, for `tfjs-monitor report`, `speed compare` or `speed record`. */
export function writeJsonReport(path: string, report: MonitorReport): void {
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}
