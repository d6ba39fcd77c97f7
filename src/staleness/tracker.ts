import { z } from 'zod';
import { InvalidOptionsError, parseOptions } from '../options/validate.js';
import { DurationError, formatDuration, parseDuration } from './duration.js';
import { openStore } from './open-store.js';
import { DEFAULT_STAGES, Pipeline } from './pipeline.js';
import { computeStaleness, type StalenessReport } from './staleness-report.js';
import type { RecordOutcome, StageStore } from './store.js';

/** Clock skew tolerated between the machines of a pipeline before a timestamp counts as future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const timestamp = z.union([z.date(), z.number(), z.string()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${JSON.stringify(v)} as a time; use a Date, ms since the epoch, or ISO 8601` });
    return z.NEVER;
  }
  return ms;
});

const recordInput = z
  .object({
    model: z.string().min(1),
    version: z.string().min(1),
    stage: z.string().min(1),
    at: timestamp.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type StageRecord = z.input<typeof recordInput>;

const stalenessInput = z
  .object({
    model: z.string().min(1),
    now: timestamp.optional(),
    /** Per stage, the longest a stage may wait: '26h', '8d', or milliseconds. */
    slo: z.record(z.string(), z.union([z.string(), z.number().positive()])).optional(),
  })
  .strict();
export type StalenessQuery = z.input<typeof stalenessInput>;

/**
 * Records when each stage of the pipeline completes for each model version, and reports the
 * model's age in production, the age at each stage, and which stage is stalled.
 */
export class StalenessTracker {
  readonly pipeline: Pipeline;

  constructor(
    readonly store: StageStore,
    { stages = DEFAULT_STAGES }: { stages?: readonly string[] } = {},
  ) {
    this.pipeline = new Pipeline(stages);
  }

  /** A tracker on the store a spec names: a SQLite file path or a postgres:// URL. */
  static async open(spec: string, options: { stages?: readonly string[]; create?: boolean } = {}): Promise<StalenessTracker> {
    return new StalenessTracker(await openStore(spec, { create: options.create ?? true }), options);
  }

  /**
   * Records that `stage` completed for `model`@`version` at `at` (default: now). One event is
   * kept per (model, version, stage): a retry with the same or an older time changes nothing,
   * a re-run with a newer time replaces it.
   */
  async record(input: StageRecord): Promise<RecordOutcome> {
    const e = parseOptions(recordInput, input, 'stage record');
    this.pipeline.indexOf(e.stage);
    const now = Date.now();
    const at = e.at ?? now;
    if (at > now + FUTURE_TOLERANCE_MS) {
      throw new InvalidOptionsError(
        `Invalid stage record: at ${new Date(at).toISOString()} is ${formatDuration(at - now)} in the future; check the clock or the time given`,
        ['at: in the future'],
      );
    }
    return this.store.record({ model: e.model, version: e.version, stage: e.stage, at, meta: e.meta ?? null });
  }

  async staleness(query: StalenessQuery): Promise<StalenessReport> {
    const q = parseOptions(stalenessInput, query, 'staleness query');
    const slo: Record<string, number> = {};
    for (const [stage, value] of Object.entries(q.slo ?? {})) {
      this.pipeline.indexOf(stage);
      slo[stage] = typeof value === 'number' ? value : parseDuration(value, `slo.${stage}`);
    }
    return computeStaleness(q.model, await this.store.events(q.model), this.pipeline, q.now ?? Date.now(), slo);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

export { DurationError };
