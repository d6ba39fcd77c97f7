import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { formatTable } from '../common/text-table.js';
import { formatDuration, parseDuration } from '../staleness/duration.js';
import { alertingRules, stalenessRegistry } from '../staleness/prometheus.js';
import type { StalenessReport } from '../staleness/staleness-report.js';
import { StalenessTracker } from '../staleness/tracker.js';
import { UsageError, type Io } from './io.js';

const common = {
  store: { type: 'string' },
  model: { type: 'string', multiple: true },
  stages: { type: 'string' },
} as const;

function required(value: string | undefined, flag: string, usage: string): string {
  if (!value) throw new UsageError(`missing --${flag}\n${usage}`);
  return value;
}

const stagesOf = (value: string | undefined) => (value ? value.split(',').map((s) => s.trim()) : undefined);

/** `--slo train_end=26h,deploy=8d` */
function parseSlo(value: string | undefined): Record<string, string> {
  if (!value) return {};
  const slo: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const [stage, duration, ...rest] = pair.split('=');
    if (!stage || !duration || rest.length) throw new UsageError(`--slo: expected stage=duration pairs separated by commas, e.g. train_end=26h,deploy=8d; got ${JSON.stringify(pair)}`);
    parseDuration(duration, `--slo ${stage}`);
    slo[stage.trim()] = duration.trim();
  }
  return slo;
}

const RECORD_USAGE = 'usage: tfjs-monitor stage record --store <path|postgres://…> --model M --version V --stage S [--at ISO-time] [--meta JSON] [--stages a,b,…]';

/** `tfjs-monitor stage record …`, for shell steps of a pipeline. */
export async function stageRecord(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...common, version: { type: 'string' }, stage: { type: 'string' }, at: { type: 'string' }, meta: { type: 'string' } },
  });
  const model = required(values.model?.[0], 'model', RECORD_USAGE);
  let meta: Record<string, unknown> | undefined;
  if (values.meta !== undefined) {
    try {
      meta = JSON.parse(values.meta);
    } catch (e) {
      throw new UsageError(`--meta must be a JSON object: ${(e as Error).message}`);
    }
  }
  const stages = stagesOf(values.stages);
  const tracker = await StalenessTracker.open(required(values.store, 'store', RECORD_USAGE), stages ? { stages } : {});
  try {
    const outcome = await tracker.record({
      model,
      version: required(values.version, 'version', RECORD_USAGE),
      stage: required(values.stage, 'stage', RECORD_USAGE),
      ...(values.at ? { at: values.at } : {}),
      ...(meta ? { meta } : {}),
    });
    const said = { inserted: 'recorded', updated: 'recorded (replacing an older run of the same stage)', unchanged: 'already recorded with the same or a newer time: unchanged' };
    io.out(`${model} ${values.version} ${values.stage}: ${said[outcome]}`);
    return 0;
  } finally {
    await tracker.close();
  }
}

function formatReport(r: StalenessReport): string {
  const lines = [`model ${r.model}, now ${r.now}`];
  const p = r.production;
  lines.push(
    p
      ? `in production: ${p.version}, deployed ${formatDuration(p.deployedAgeMs)} ago; model age ${formatDuration(p.modelAgeMs)} (since its ${p.stages[0]!.stage})`
      : 'in production: nothing deployed yet',
    '',
  );
  const stalled = new Map(r.stalled.map((s) => [s.stage, s]));
  lines.push(
    formatTable([
      ['stage', 'last success', 'version', 'age', 'SLO', 'status'],
      ...r.perStage.map((s) => [
        s.stage,
        s.lastSuccess ?? 'never',
        s.version ?? '-',
        s.ageMs === null ? '-' : formatDuration(s.ageMs),
        s.sloMs === null ? '-' : formatDuration(s.sloMs),
        stalled.has(s.stage) ? `STALLED: ${stalled.get(s.stage)!.version} waiting ${formatDuration(stalled.get(s.stage)!.ageMs)}` : s.sloMs === null ? '' : 'ok',
      ]),
    ]),
  );
  if (p) lines.push('', `production ${p.version} by stage: ${p.stages.map((s) => `${s.stage} ${formatDuration(s.ageMs)} ago`).join(', ')}`);
  for (const v of r.inFlight) lines.push(`in flight: ${v.version}, last stage ${v.lastStage} ${formatDuration(v.ageMs)} ago`);
  lines.push('', r.stalled.length ? r.stalled.map((s) => `STALLED ${s.message}`).join('\n') : 'no stage stalled');
  return lines.join('\n');
}

const STALENESS_USAGE = 'usage: tfjs-monitor staleness --store <path|postgres://…> --model M [--slo stage=dur,…] [--json] [--now ISO-time] [--stages a,b,…]';

/** `tfjs-monitor staleness …`: exit 1 when a stage is stalled. */
export async function staleness(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { ...common, slo: { type: 'string' }, json: { type: 'boolean' }, now: { type: 'string' } } });
  const models = values.model ?? [];
  if (models.length === 0) throw new UsageError(`missing --model\n${STALENESS_USAGE}`);
  const slo = parseSlo(values.slo);
  const stages = stagesOf(values.stages);
  const tracker = await StalenessTracker.open(required(values.store, 'store', STALENESS_USAGE), { create: false, ...(stages ? { stages } : {}) });
  try {
    const reports = [];
    for (const model of models) reports.push(await tracker.staleness({ model, slo, ...(values.now ? { now: values.now } : {}) }));
    io.out(values.json ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) : reports.map(formatReport).join('\n\n'));
    return reports.some((r) => r.stalled.length > 0) ? 1 : 0;
  } finally {
    await tracker.close();
  }
}

/** `tfjs-monitor staleness rules --model M --slo …`: Prometheus alerting rules on stdout. */
export async function stalenessRules(args: string[], io: Io): Promise<number> {
  const usage = 'usage: tfjs-monitor staleness rules --model M --slo stage=dur,… [--stages a,b,…]';
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, slo: { type: 'string' }, stages: { type: 'string' } } });
  const model = required(values.model, 'model', usage);
  const slo = parseSlo(required(values.slo, 'slo', usage));
  const tracker = new StalenessTracker({} as never, stagesOf(values.stages) ? { stages: stagesOf(values.stages)! } : {});
  const sloMs = Object.fromEntries(Object.entries(slo).map(([stage, d]) => [tracker.pipeline.stages[tracker.pipeline.indexOf(stage)]!, parseDuration(d)]));
  io.out(alertingRules(model, tracker.pipeline.stages, sloMs).trimEnd());
  return 0;
}

/** `tfjs-monitor staleness serve …`: a /metrics endpoint for Prometheus; runs until stopped. */
export async function stalenessServe(args: string[], io: Io, stop?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args, options: { ...common, port: { type: 'string' }, host: { type: 'string' } } });
  const port = Number(values.port ?? 9464);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
  const host = values.host ?? '127.0.0.1';
  const stages = stagesOf(values.stages);
  const tracker = await StalenessTracker.open(required(values.store, 'store', 'usage: tfjs-monitor staleness serve --store S [--model M …] [--port 9464] [--host 127.0.0.1]'), {
    create: false,
    ...(stages ? { stages } : {}),
  });
  const registry = await stalenessRegistry(tracker, values.model ?? []);
  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot read the store: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  io.out(`serving staleness metrics on http://${host}:${typeof address === 'object' && address ? address.port : port}/metrics`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    stop?.addEventListener('abort', done);
  });
  await new Promise((resolve) => server.close(resolve));
  await tracker.close();
  return 0;
}
