import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { MonitorReport } from '../monitor/run-report.js';
import { writeHtmlReport } from '../node/write-report.js';
import type { ParityReport } from '../parity/check-parity.js';
import type { QualityReport } from '../quality/report-types.js';
import type { StalenessReport } from '../staleness/staleness-report.js';
import { UsageError, type Io } from './io.js';

const USAGE = 'usage: tfjs-monitor report <run.json> -o <run.html> [--staleness staleness.json] [--parity parity.json] [--quality quality.json] [--title T]';

// The shapes the renderer relies on; anything else in the files is carried along untouched.
const num = z.number();
const runShape = z.looseObject({
  status: z.string(),
  epochs: num,
  steps: num,
  findings: z.array(z.looseObject({ kind: z.string(), message: z.string(), step: num, epoch: num, batch: num, occurrences: num })),
  layers: z.array(
    z.looseObject({ name: z.string(), className: z.string(), weights: z.array(z.string()), last: z.looseObject({}), timeline: z.array(z.looseObject({ step: num })) }),
  ),
  speed: z
    .looseObject({
      msPerBatch: z.looseObject({ median: num.nullable(), p95: num.nullable() }),
      memory: z.looseObject({ peakNumTensors: num, peakNumBytes: num }),
    })
    .nullable()
    .optional(),
});
const stalenessShape = z.looseObject({ model: z.string(), perStage: z.array(z.looseObject({ stage: z.string() })), stalled: z.array(z.unknown()) });
const parityShape = z.looseObject({
  features: z.array(
    z.looseObject({ feature: z.string(), base: num, test: num, match: num, mismatch: num, baseOnly: num, testOnly: num, skewed: z.boolean(), examples: z.array(z.unknown()) }),
  ),
  summary: z.looseObject({ skewedFeatures: num }),
  ids: z.looseObject({ joined: num, trainingOnly: num, servingOnly: num }),
});
const qualityShape = z.looseObject({
  format: z.literal('tfjs-monitor-quality-report'),
  reference: z.looseObject({ task: z.string(), metrics: z.looseObject({}) }),
  inputDrift: z.array(z.looseObject({ features: z.array(z.looseObject({ feature: z.string(), histograms: z.looseObject({ labels: z.array(z.string()) }) })) })),
  outputDrift: z.array(z.looseObject({ version: z.string(), output: z.looseObject({}) })),
  quality: z.array(z.looseObject({ version: z.string(), metrics: z.array(z.looseObject({ metric: z.string() })), slices: z.array(z.unknown()) })),
  findings: z.array(z.looseObject({ kind: z.string(), message: z.string() })),
});

function readJson<T>(path: string, shape: z.ZodType, what: string, makeWith: string): T {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON (${(e as Error).message})`);
  }
  const items = Array.isArray(json) && what === 'staleness report' ? json : [json];
  for (const item of items) {
    const parsed = shape.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`${what} ${path} is not what ${makeWith} writes: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
  }
  return json as T;
}

/** `tfjs-monitor report <run.json> -o run.html`: the HTML report from a saved run. */
export function report(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, staleness: { type: 'string' }, parity: { type: 'string' }, quality: { type: 'string' }, title: { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.output) throw new UsageError(USAGE);
  const run = readJson<MonitorReport>(positionals[0]!, runShape, 'run file', 'monitor.saveReport()');
  const staleness = values.staleness ? readJson<StalenessReport | StalenessReport[]>(values.staleness, stalenessShape, 'staleness report', '`tfjs-monitor staleness --json`') : undefined;
  const parity = values.parity ? readJson<ParityReport>(values.parity, parityShape, 'parity report', '`tfjs-monitor parity --json`') : undefined;
  const quality = values.quality ? readJson<QualityReport>(values.quality, qualityShape, 'quality report', '`tfjs-monitor quality --json`') : undefined;
  writeHtmlReport(values.output, {
    run,
    ...(staleness ? { staleness } : {}),
    ...(parity ? { parity } : {}),
    ...(quality ? { quality } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  io.out(`wrote ${values.output}`);
  return 0;
}
