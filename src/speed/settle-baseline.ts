import type { Logger } from 'pino';
import { findBaseline, readBaselineFile, recordBaseline } from './baseline-file.js';
import { comparabilityProblems, compareSpeed, unusableAsBaseline, type SpeedComparison } from './compare.js';
import type { ResolvedSpeedOptions } from './options.js';
import type { SpeedSummary } from './summary.js';

/** What happened with the speed baseline at the end of the run. */
export interface BaselineStatus {
  path: string;
  status: 'recorded' | 'compared' | 'not-comparable' | 'missing' | 'not-recorded';
  comparison?: SpeedComparison;
  /** Why a run was not recorded as the baseline, or is not comparable with it. */
  reason?: string;
}

/**
 * Records the run as the baseline, or compares it with the recorded one, as configured. A run
 * that failed, stopped early, ran no batch or measured a judged figure as 0 is never recorded: it
 * would replace a trusted baseline with a wrong one. A comparison with missing or zero figures is
 * 'not-comparable', never 'compared'.
 */
export function settleBaseline(
  options: NonNullable<ResolvedSpeedOptions['baseline']>,
  summary: SpeedSummary,
  unhealthy: string | null,
  logger: Logger,
): BaselineStatus {
  const path = options.path;
  if (options.record) {
    const reason = unhealthy ?? unusableAsBaseline(summary);
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
  const comparison = compareSpeed(baseline, summary, options.tolerance);
  // Missing or zero figures are not a pass. Regressions among the figures that were compared still count.
  const problems = comparabilityProblems(comparison);
  if (problems.length === 0) return { path, status: 'compared', comparison };
  const reason = problems.join('; ');
  logger.warn(
    { event: 'tfjs-monitor.baseline-not-comparable', path, key: summary.key, problems },
    `speed baseline in ${path} is not comparable with this run (${reason}): nothing judged on those figures; ` +
      'record a new baseline from a complete run',
  );
  return { path, status: 'not-comparable', comparison, reason };
}
