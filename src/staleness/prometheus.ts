import type { MetricsRegistry } from '../common/metrics-registry.js';
import { formatDuration } from './duration.js';
import { loadPromClient } from '../storage/prom-client.js';
import type { StalenessReport } from './staleness-report.js';
import type { StalenessTracker } from './tracker.js';

export const STAGE_METRIC = 'tfjs_monitor_pipeline_stage_last_success_timestamp_seconds';
export const PRODUCTION_METRIC = 'tfjs_monitor_model_in_production_timestamp_seconds';
export const DATA_METRIC = 'tfjs_monitor_model_in_production_data_timestamp_seconds';
export const UNREADABLE_METRIC = 'tfjs_monitor_store_unreadable_events';

/**
 * A prom-client registry whose gauges are read from the store at each scrape. Following
 * Prometheus practice it exports timestamps, not ages: `time() - metric` is the age, computed by
 * the server, so a stalled exporter cannot make a stale model look fresh.
 */
export async function stalenessRegistry(tracker: StalenessTracker, models: string[]): Promise<MetricsRegistry> {
  const client = await loadPromClient();
  const registry = new client.Registry();
  // One read of the store per scrape, shared by every gauge (the registry collects them all at
  // once), and by a scrape that comes while an earlier one still waits on a slow store.
  let reading: Promise<StalenessReport[]> | null = null;
  const reports = () =>
    (reading ??= (async () => {
      const out: StalenessReport[] = [];
      for (const model of models.length ? models : await tracker.store.models()) out.push(await tracker.staleness({ model }));
      return out;
    })().finally(() => {
      reading = null;
    }));
  /** A gauge refilled from each model's staleness report at every scrape. */
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (set: (labels: Record<string, string>, value: number) => void, report: StalenessReport) => void,
  ) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const all = await reports();
        this.reset();
        for (const report of all) fill((labels, value) => this.set(labels, value), report);
      },
    });
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  gauge(STAGE_METRIC, 'Unix time of the latest success of each pipeline stage, for any version of the model.', ['model', 'stage'], (set, r) => {
    for (const s of r.perStage) if (s.lastSuccess) set({ model: r.model, stage: s.stage }, seconds(s.lastSuccess));
  });
  gauge(PRODUCTION_METRIC, 'Unix time at which the model version now in production was deployed.', ['model', 'version'], (set, r) => {
    if (r.production) set({ model: r.model, version: r.production.version }, seconds(r.production.deployedAt));
  });
  gauge(
    DATA_METRIC,
    "Unix time of the first stage (the data) of the model version in production: time() minus it is the model's age.",
    ['model', 'version'],
    (set, r) => {
      if (r.production) set({ model: r.model, version: r.production.version }, seconds(r.production.stages[0]!.at));
    },
  );
  gauge(UNREADABLE_METRIC, 'Stored events of the model that cannot be read, left out of the other metrics: fix or delete them.', ['model'], (set, r) => {
    set({ model: r.model }, r.problems.filter((p) => p.kind === 'unreadable-event').length);
  });
  return registry;
}

/**
 * Prometheus alerting rules for the SLOs. Prometheus has only the latest success per stage, so a
 * stage is stalled when the stage before it succeeded after it last did, longer ago than its SLO
 * (the first stage: when its own last success is older than its SLO).
 */
export function alertingRules(model: string, stages: readonly string[], sloMs: Record<string, number>): string {
  const m = JSON.stringify(model);
  const last = (stage: string) => `max by (model) (${STAGE_METRIC}{model=${m},stage="${stage}"})`;
  const rules = Object.entries(sloMs)
    .sort(([a], [b]) => stages.indexOf(a) - stages.indexOf(b))
    .map(([stage, ms]) => {
      const i = stages.indexOf(stage);
      const seconds = Math.round(ms / 1000);
      const prev = stages[i - 1];
      const expr = prev
        ? `(${last(prev)} > on (model) (${last(stage)} or on (model) (0 * ${last(prev)})))\n` +
          `and on (model)\n(time() - ${last(prev)} > ${seconds})`
        : `time() - ${last(stage)} > ${seconds}`;
      const description = prev
        ? `${prev} succeeded after ${stage} last did, and ${stage} has not caught up within its SLO of ${formatDuration(ms)}.`
        : `${stage} last succeeded longer ago than its SLO of ${formatDuration(ms)}.`;
      return [
        `      - alert: TfjsMonitorStageStalled`,
        `        expr: |`,
        ...expr.split('\n').map((line) => `          ${line}`),
        `        labels:`,
        `          severity: warning`,
        `          model: ${m}`,
        `          stage: "${stage}"`,
        `        annotations:`,
        `          summary: ${JSON.stringify(`${model}: pipeline stage ${stage} is stalled`)}`,
        `          description: ${JSON.stringify(description.replace('{{ $value | humanizeDuration }} ago... ', 'and '))}`,
      ].join('\n');
    });
  return ['groups:', `  - name: tfjs-monitor-staleness-${model.replace(/[^A-Za-z0-9_-]/g, '_')}`, '    rules:', ...rules].join('\n') + '\n';
}
