import type { Platform } from '../monitor/door.js';
import { TrainingMonitor as CoreTrainingMonitor } from '../monitor/training-monitor.js';
import type { HtmlReportInput } from '../report/html-report.js';
import { findBaseline, readBaselineFile } from '../speed/baseline-file.js';
import { settleBaseline } from '../speed/settle-baseline.js';
import { withExporters, type NodeTrainingMonitorOptions } from '../exporters/monitor-options.js';
import { writeHtmlReport, writeJsonReport } from './write-report.js';
import { collectDependencies } from './dependencies.js';

/** Node's additions: speed baselines in JSON files, and the process's RSS and heap. */
export const NODE_PLATFORM: Platform = {
  baselines: {
    find: (path, key) => findBaseline(readBaselineFile(path, { missingIsEmpty: true }), key),
    settle: settleBaseline,
  },
  dependencies: ({ dataSources }) => collectDependencies({ dataSources }),
  processMemory: () => {
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed };
  },
};

/**
 * The training monitor with what Node adds: speed baselines kept in files, process memory in the
 * speed figures, reports written to files, and the exporters: `tensorBoard: { logdir }` writes
 * TensorBoard event files, `pushgateway: { url, job }` pushes to a Prometheus Pushgateway.
 * Everything else is the same monitor as in a browser.
 */
export class TrainingMonitor extends CoreTrainingMonitor {
  constructor(options: NodeTrainingMonitorOptions = {}) {
    const exporters = withExporters(options);
    super(exporters.core, NODE_PLATFORM);
    exporters.useLogger(this.logger);
  }

  /** Writes the report as one self-contained HTML file, with the staleness and parity reports when given. */
  writeReport(path: string, extra: Omit<HtmlReportInput, 'run'> = {}): void {
    writeHtmlReport(path, { ...extra, run: this.report() });
  }

  /** Writes `report()` as JSON, e.g. for `tfjs-monitor report`, `speed compare` or `speed record`. */
  saveReport(path: string): void {
    writeJsonReport(path, this.report());
  }
}
