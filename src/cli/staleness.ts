import { parseArgs } from 'node:util';
import { parseDuration } from '../staleness/duration.js';
import { Pipeline } from '../staleness/pipeline.js';
import { printable } from '../staleness/printable.js';
import { alertingRules } from '../staleness/prometheus.js';
import { parseStageRecord, StalenessTracker } from '../staleness/tracker.js';
import { UsageError, type Io } from './io.js';
import { required, sloOf, stagesOf, storeFlags, storeOf, timeOf, timeoutOf } from './staleness-flags.js';
import { formatConsumers, formatReport } from './staleness-format.js';

export { stalenessServe } from './staleness-serve.js';

const RECORD_USAGE =
  'usage: tfjs-monitor stage record --store <path|postgres://…> --model M --version V --stage S [--at ISO-time|ms] [--meta JSON] [--stages a,b,…] [--timeout 10s]';

/** `tfjs-monitor stage record …`, for shell steps of a pipeline. */
export async function stageRecord(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...storeFlags, version: { type: 'string' }, stage: { type: 'string' }, at: { type: 'string' }, meta: { type: 'string' } },
  });
  const store = storeOf(values.store, RECORD_USAGE);
  const model = required(values.model?.[0], 'model', RECORD_USAGE);
  if (values.model!.length > 1) throw new UsageError(`stage record takes one --model, got ${values.model!.length}\n${RECORD_USAGE}`);
  let meta: Record<string, unknown> | undefined;
  if (values.meta !== undefined) {
    try {
      meta = JSON.parse(values.meta);
    } catch (e) {
      throw new UsageError(`--meta must be a JSON object: ${(e as Error).message}`);
    }
  }
  const at = timeOf(values.at, '--at');
  const stages = stagesOf(values.stages);
  const timeoutMs = timeoutOf(values.timeout);
  // Everything is checked before the store is opened: a refused record creates no store file.
  const event = parseStageRecord(
    {
      model,
      version: required(values.version, 'version', RECORD_USAGE),
      stage: required(values.stage, 'stage', RECORD_USAGE),
      ...(at !== undefined ? { at } : {}),
      ...(meta ? { meta } : {}),
    },
    new Pipeline(stages),
  );
  const tracker = await StalenessTracker.open(store, { timeoutMs, ...(stages ? { stages } : {}) });
  try {
    const outcome = await tracker.store.record(event);
    const said = { inserted: 'recorded', updated: 'recorded (replacing an older run of the same stage)', unchanged: 'already recorded with the same or a newer time: unchanged' };
    io.out(`${event.model} ${event.version} ${event.stage}: ${said[outcome]}`);
    return 0;
  } finally {
    await tracker.close();
  }
}

const STALENESS_USAGE =
  'usage: tfjs-monitor staleness --store <path|postgres://…> --model M [--slo stage=dur,…] [--json] [--now ISO-time|ms] [--stages a,b,…] [--timeout 10s]';

/** `tfjs-monitor staleness …`: exit 1 when a stage is stalled, a model has no events, or a stored event is unreadable. */
export async function staleness(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { ...storeFlags, slo: { type: 'string' }, json: { type: 'boolean' }, now: { type: 'string' } } });
  const store = storeOf(values.store, STALENESS_USAGE);
  const models = values.model ?? [];
  if (models.length === 0) throw new UsageError(`missing --model\n${STALENESS_USAGE}`);
  const slo = sloOf(values.slo);
  const now = timeOf(values.now, '--now');
  const stages = stagesOf(values.stages);
  const tracker = await StalenessTracker.open(store, { create: false, timeoutMs: timeoutOf(values.timeout), ...(stages ? { stages } : {}) });
  try {
    const reports = [];
    for (const model of models) reports.push(await tracker.staleness({ model, slo, ...(now !== undefined ? { now } : {}) }));
    io.out(values.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(formatReport).join('\n\n'));
    return reports.some((r) => r.stalled.length > 0 || r.problems.length > 0) ? 1 : 0;
  } finally {
    await tracker.close();
  }
}

const CONSUMERS_USAGE =
  'usage: tfjs-monitor stage consumers --store <path|postgres://…> --snapshot X [--model M …] [--json] [--stages a,b,…] [--timeout 10s]';

/**
 * `tfjs-monitor stage consumers …`: the model versions built from data snapshot X. Exit 0 also
 * when there are none: that answers the question, it is not a finding. Only reads the store.
 */
export async function stageConsumers(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { ...storeFlags, snapshot: { type: 'string' }, json: { type: 'boolean' } } });
  const store = storeOf(values.store, CONSUMERS_USAGE);
  const snapshot = required(values.snapshot, 'snapshot', CONSUMERS_USAGE);
  const models = [...new Set(values.model ?? [])];
  const stages = stagesOf(values.stages);
  const tracker = await StalenessTracker.open(store, { create: false, timeoutMs: timeoutOf(values.timeout), ...(stages ? { stages } : {}) });
  try {
    const reports = [];
    for (const model of models.length ? models : [undefined]) reports.push(await tracker.consumersReport({ snapshot, ...(model ? { model } : {}) }));
    const found = reports.flatMap((r) => r.consumers);
    found.sort((a, b) => a.at.localeCompare(b.at) || a.model.localeCompare(b.model)); // as consumersReport orders one model's
    // What could make the answer wrong: a typo'd --model, a stored event left out of the answer.
    for (const p of reports.flatMap((r) => r.problems)) {
      io.err(`warning: ${printable(p.message)}${p.kind === 'unreadable-event' ? ' (the answer leaves it out)' : ''}`);
    }
    const where = tracker.store.where;
    io.out(values.json ? JSON.stringify(found, null, 2) : formatConsumers(found, { snapshot, models, where, firstStage: tracker.pipeline.stages[0]! }));
    return 0;
  } finally {
    await tracker.close();
  }
}

/** `tfjs-monitor staleness rules --model M --slo …`: Prometheus alerting rules on stdout. */
export async function stalenessRules(args: string[], io: Io): Promise<number> {
  const usage = 'usage: tfjs-monitor staleness rules --model M --slo stage=dur,… [--stages a,b,…]';
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, slo: { type: 'string' }, stages: { type: 'string' } } });
  const model = required(values.model, 'model', usage);
  const slo = sloOf(required(values.slo, 'slo', usage));
  const pipeline = new Pipeline(stagesOf(values.stages));
  const sloMs = Object.fromEntries(Object.entries(slo).map(([stage, d]) => [pipeline.stages[pipeline.indexOf(stage)]!, parseDuration(d)]));
  io.out(alertingRules(model, pipeline.stages, sloMs).trimEnd());
  return 0;
}
