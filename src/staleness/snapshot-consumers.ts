import { z } from 'zod';
import { parseOptions } from '../options/validate.js';
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

const usable = (e: StageEvent) => !e.problem && typeof e.version === 'string' && typeof e.at === 'number' && Number.isFinite(e.at);

/**
 * The model versions that consumed data snapshot `snapshot`: those whose first stage (default
 * `data_snapshot`) was recorded with `meta: { snapshot }`. Oldest first; of every model in the
 * store, or of one. Events the store cannot read are skipped, as the staleness report skips them.
 */
export async function snapshotConsumers(store: StageStore, pipeline: Pipeline, input: SnapshotQuery): Promise<SnapshotConsumer[]> {
  const q = parseOptions(query, input, 'snapshot query');
  const first = pipeline.stages[0]!;
  const out: SnapshotConsumer[] = [];
  for (const model of q.model ? [q.model] : await store.models()) {
    const events = (await store.events(model)).filter(usable);
    const deploys = events.filter((e) => e.stage === 'deploy').sort((a, b) => a.at - b.at);
    const production = deploys.at(-1)?.version;
    for (const e of events) {
      if (e.stage !== first || e.meta?.['snapshot'] !== q.snapshot) continue;
      const own = events.filter((x) => x.version === e.version && pipeline.stages.includes(x.stage));
      const last = own.reduce((a, b) => (pipeline.stages.indexOf(b.stage) > pipeline.stages.indexOf(a.stage) ? b : a), e);
      out.push({
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
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.model.localeCompare(b.model));
}
