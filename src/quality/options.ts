import { z } from 'zod';
import { parseOptions } from '../options/validate.js';

/**
 * The defaults, and why:
 * - jensenShannon 0.02 (bits): for a small shift JS ≈ PSI / 5.5, so 0.02 is PSI ≈ 0.11, the
 *   lower end of the band credit-risk practice calls a moderate shift (0.1–0.25); for a normal
 *   feature it is a mean shift of about a third of a standard deviation.
 * - lInfinity 0.05: some category's share moved by five points (a class at 33% falling to 28%).
 * - falseAlarmRate 0.01: a window that matches the reference raises a drift finding at most 1%
 *   of the time (and, separately, a quality finding at most 1%): a drift statistic's p-value
 *   must be under 0.01 / (2 × statistics judged in the window), a quality test is one-sided at
 *   0.01 / (tests in the version's window); measured in test/quality/false-alarms.test.ts.
 * - minExamples 100: below it a window's histograms are too coarse to judge (reported as such).
 * - minLabelled 100: fewer labelled examples say "not enough labelled examples", never a verdict.
 * - tolerance: the smallest worsening worth a finding even when it is certain (large windows
 *   make tiny changes significant): accuracy one point (absolute); log-loss, MAE and RMSE 5%
 *   of the reference value.
 */
export const qualityOptions = z
  .object({
    /** Window length in ms (windows are aligned to the Unix epoch, UTC); none: one window over all the data. */
    windowMs: z.number().positive().optional(),
    /** Only records with since ≤ ts < until (ms since the epoch). */
    since: z.number().optional(),
    until: z.number().optional(),
    jensenShannon: z.number().min(0).max(1).default(0.02),
    lInfinity: z.number().min(0).max(1).default(0.05),
    /** Per-feature threshold of its statistic (JS for numbers, L∞ for categories); '(output)' for the outputs. */
    thresholds: z.record(z.string(), z.number().min(0)).default({}),
    falseAlarmRate: z.number().gt(0).lt(1).default(0.01),
    minExamples: z.number().int().min(1).default(100),
    minLabelled: z.number().int().min(1).default(100),
    tolerance: z
      .object({
        accuracy: z.number().min(0).default(0.01),
        logLoss: z.number().min(0).default(0.05),
        mae: z.number().min(0).default(0.05),
        rmse: z.number().min(0).default(0.05),
      })
      .strict()
      .default({ accuracy: 0.01, logLoss: 0.05, mae: 0.05, rmse: 0.05 }),
    /** Slice keys: features the reference profile was sliced by. Default: all of them. */
    slices: z.array(z.string()).optional(),
    /** How many of the worst slices the report keeps per version and window. */
    worstSlices: z.number().int().min(0).default(5),
    /** Served values of one categorical feature kept apart beyond the reference's; the rest are pooled. */
    maxCategories: z.number().int().min(1).default(1000),
    /** Labels held in memory at once; more are joined in several passes over the logs (memory stays bounded). */
    maxLabelsInMemory: z.number().int().min(1).default(500_000),
  })
  .strict();

export type QualityOptions = z.input<typeof qualityOptions>;
export type ResolvedQualityOptions = z.output<typeof qualityOptions>;

export const resolveQualityOptions = (options: QualityOptions = {}): ResolvedQualityOptions => parseOptions(qualityOptions, options, 'quality options');
