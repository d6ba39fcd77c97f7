import { z } from 'zod';
import { InvalidOptionsError, parseOptions } from '../options/validate.js';
import { DurationError, formatDuration, parseDuration } from './duration.js';
import { openStore, type OpenStoreOptions } from './open-store.js';
import { DEFAULT_STAGES, Pipeline } from './pipeline.js';
import { unprintable } from './printable.js';
import { computeStaleness, type StalenessReport } from './staleness-report.js';
import { screenEvents } from './event-problems.js';
import { snapshotConsumers, type SnapshotConsumer, type SnapshotConsumersReport, type SnapshotQuery } from './snapshot-consumers.js';
import type { RecordOutcome, StageEvent, StageStore } from './store.js';
import { parseTime } from './time.js';

/** Clock skew tolerated between the machines of a pipeline before a timestamp counts as future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const timestamp = z.unknown().transform((v, ctx) => {
  try {
    return parseTime(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** A model or version name: one printable line, so that it cannot break a report or a table. */
const name = z
  .string()
  .min(1)
  .superRefine((v, ctx) => {
    const bad = unprintable(v);
    if (bad) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} contains a control character (${bad}); use printable characters` });
  });

const recordInput = z
  .object({
    model: name,
    version: name,
    stage: z.string().min(1),
    at: timestamp.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type StageRecord = Omit<z.input<typeof recordInput>, 'at'> & {
  /** When the stage completed (default: now): a Date, whole ms since the epoch, or ISO 8601 with a time zone. */
  at?: Date | number | string;
};

const stalenessInput = z
  .object({
    model: z.string().min(1),
    now: timestamp.optional(),
    /** Per stage, the longest a stage may wait: '26h', '8d', or milliseconds. */
    slo: z.record(z.string(), z.union([z.string(), z.number().positive()])).optional(),
  })
  .strict();
export type StalenessQuery = Omit<z.input<typeof stalenessInput>, 'now'> & { now?: Date | number | string };

/**
 * The event a record stands for, checked: each bad field is named, an unknown stage and a time
 * in the future are refused. Nothing is stored, so a caller can check before opening a store.
 */
export function parseStageRecord(input: StageRecord, pipeline: Pipeline, now = Date.now()): StageEvent {
  const e = parseOptions(recordInput, input, 'stage record');
  pipeline.indexOf(e.stage);
  const at = e.at ?? now;
  if (at > now + FUTURE_TOLERANCE_MS) {
    throw new InvalidOptionsError(
      `Invalid stage record: at ${new Date(at).toISOString()} is ${formatDuration(at - now)} in the future; check the clock or the time given`,
      ['at: in the future'],
    );
  }
  return { model: e.model, version: e.version, stage: e.stage, at, meta: e.meta ?? null };
}

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
  static async open(spec: string, options: { stages?: readonly string[] } & OpenStoreOptions = {}): Promise<StalenessTracker> {
    const pipeline = new Pipeline(options.stages); // a bad pipeline is refused before the store is opened or created
    return new StalenessTracker(await openStore(spec, options), { stages: pipeline.stages });
  }

  /**
   * Records that `stage` completed for `model`@`version` at `at` (default: now). One event is
   * kept per (model, version, stage): a retry with the same or an older time changes nothing,
   * a re-run with a newer time replaces it.
   */
  async record(input: StageRecord): Promise<RecordOutcome> {
    return this.store.record(parseStageRecord(input, this.pipeline));
  }

  async staleness(query: StalenessQuery): Promise<StalenessReport> {
    const q = parseOptions(stalenessInput, query, 'staleness query');
    const slo: Record<string, number> = {};
    for (const [stage, value] of Object.entries(q.slo ?? {})) {
      this.pipeline.indexOf(stage);
      slo[stage] = typeof value === 'number' ? value : parseDuration(value, `slo.${stage}`);
    }
    const events = await this.store.events(q.model);
    const models = events.length === 0 ? await this.store.models() : [];
    const { usable, problems } = screenEvents(q.model, events, this.pipeline, this.store.where, models);
    return computeStaleness(q.model, usable, this.pipeline, q.now ?? Date.now(), slo, problems);
  }

  /**
   * Which model versions consumed data snapshot `snapshot` (recorded as the first stage's
   * `meta: { snapshot }`), how far each got, and which is in production: e.g. the versions to
   * retrain when a snapshot turns out bad. `model` limits it to one model. `problems` says what
   * the answer may miss, as in `staleness()`: stored events it could not read (left out), and a
   * model asked about that has no events of this pipeline.
   */
  async consumersReport(query: SnapshotQuery): Promise<SnapshotConsumersReport> {
    return snapshotConsumers(this.store, this.pipeline, query);
  }

  /**
   * The versions of `consumersReport`, without its problems: stored events that cannot be read
   * are left out silently here; use `consumersReport` to be told.
   */
  async consumersOf(query: SnapshotQuery): Promise<SnapshotConsumer[]> {
    return (await this.consumersReport(query)).consumers;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

export { DurationError };
