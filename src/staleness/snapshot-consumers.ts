import { z } from 'zod';
import { parseOptions } from '../options/validate.js';
import { screenEvents, type StoreProblemFinding } from './event-problems.js';
import type { Pipeline } from './pipeline.js';
import type { StageEvent, StageStore } from './store.js';

const query = z.object({ snapshot: z.string().min(1), model: z.string().min(1).optional() }).strict();
export type SnapshotQuery = z.input<typeof query>;

/** A model version built from a data snapshot, and how far it got. */
export interface SnapshotConsumer {
  model: string;
  version: string;
  /** When the version recorded the snapshot (its first stage), ISO 8601. */
  at: string;
  /** The last pipeline stage it completed, and when, ISO 8601. */
  lastStage: string;
  lastStageAt: string;
  deployed: boolean;
  /** It is the version in production now: the latest `deploy` of its model. */
  inProduction: boolean;
}

/** The answer to a snapshot query, and what it may miss. */
export interface SnapshotConsumersReport {
  snapshot: string;
  /** The model asked about; null: every model in the store. */
  model: string | null;
  /** Oldest first. */
  consumers: SnapshotConsumer[];
  /**
   * Why the answer may be incomplete or wrong, as in the staleness report: each stored event that
   * cannot be read ('unreadable-event', left out of the answer) and, for a model asked about by
   * name, no events of this pipeline ('no-events': a typo'd name, the wrong store or stages).
   */
  problems: StoreProblemFinding[];
}

/**
 * The model versions that consumed data snapshot `snapshot`: those whose first stage (default
 * `data_snapshot`) was recorded with `meta: { snapshot }`. Oldest first; of every model in the
 * store, or of one. Events the store cannot read are left out and named in `problems`, as the
 * staleness report does: one bad row must not take the answer down, nor go unsaid.
 */
export async function snapshotConsumers(store: StageStore, pipeline: Pipeline, input: SnapshotQuery): Promise<SnapshotConsumersReport> {
  const q = parseOptions(query, input, 'snapshot query');
  const first = pipeline.stages[0]!;
  const consumers: SnapshotConsumer[] = [];
  const problems: StoreProblemFinding[] = [];
  const every = q.model ? null : await store.models();
  for (const model of every ?? [q.model!]) {
    const stored = await store.events(model);
    // Every model's name helps with a typo'd one, which has no events; not needed otherwise.
    const screened = screenEvents(model, stored, pipeline, store.where, every ?? (stored.length === 0 ? await store.models() : []));
    // Asked about every model, one of another pipeline is no problem: a store may hold several.
    problems.push(...(every ? screened.problems.filter((p) => p.kind === 'unreadable-event') : screened.problems));
    const events = screened.usable;
    const deploys = events.filter((e) => e.stage === 'deploy').sort((a, b) => a.at - b.at);
    const production = deploys.at(-1)?.version;
    for (const e of events) {
      if (e.stage !== first || e.meta?.['snapshot'] !== q.snapshot) continue;
      const own = events.filter((x) => x.version === e.version && pipeline.stages.includes(x.stage));
      const last = own.reduce((a, b) => (pipeline.stages.indexOf(b.stage) > pipeline.stages.indexOf(a.stage) ? b : a), e);
      consumers.push({
        model,
        version: e.version,
        at: new Date(e.at).toISOString(),
        lastStage: last.stage,
        lastStageAt: new Date(last.at).toISOString(),
        deployed: deploys.some((d) => d.version === e.version),
        inProduction: production === e.version,
      });
    }
  }
  consumers.sort((a, b) => a.at.localeCompare(b.at) || a.model.localeCompare(b.model));
  return { snapshot: q.snapshot, model: q.model ?? null, consumers, problems };
}
