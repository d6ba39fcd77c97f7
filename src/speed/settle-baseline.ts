import type { Logger } from 'pino';
import { findBaseline, readBaselineFile, recordBaseline } from './baseline-file.js';
import { compareSpeed, type SpeedComparison } from './compare.js';
import type { ResolvedSpeedOptions } from './options.js';
import type { SpeedSummary } from './summary.js';

/** What happened with the speed baseline at the end of the run. */
export interface BaselineStatus {
  path: string;
  status: 'recorded' | 'compared' | 'missing' | 'not-recorded';
  comparison?: SpeedComparison;
  /** Why a run was not recorded as the baseline. */
  reason?: string;
}

/**
 * Records the run as the baseline, or compares it with the recorded one, as configured. A run
 * that failed, stopped early or ran no batch is never recorded: it would replace a trusted
 * baseline with a wrong one.
 */
export function settleBaseline(
  options: NonNullable<ResolvedSpeedOptions['baseline']>,
  summary: SpeedSummary,
  unhealthy: string | null,
  logger: Logger,
): BaselineStatus {
  const path = options.path;
  if (options.record) {
    const reason = unhealthy ?? (summary.batches === 0 ? 'it ran no batch' : null);
    if (reason) {
      logger.warn({ event: 'tfjs-monitor.baseline-not-recorded', path, reason }, `speed baseline not recorded in ${path}: ${reason}`);
      return { path, status: 'not-recorded', reason };
    }
    recordBaseline(path, summary);
    logger.info({ event: 'tfjs-monitor.baseline-recorded', path, key: summary.key }, `speed baseline recorded in ${path}`);
    return { path, status: 'recorded' };
  }
  const baseline = findBaseline(readBaselineFile(path, { missingIsEmpty: true }), summary.key);
  if (!baseline) {
    logger.warn(
      { event: 'tfjs-monitor.no-baseline', path, key: summary.key },
      `no speed baseline in ${path} for this run's versions and backend: nothing compared; ` +
        'record one with speed.baseline.record or `tfjs-monitor speed record`',
    );
    return { path, status: 'missing' };
  }
  return { path, status: 'compared', comparison: compareSpeed(baseline, summary, options.tolerance) };
}
