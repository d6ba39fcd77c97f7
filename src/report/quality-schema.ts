import { z } from 'zod';
import type { QualityReport } from '../quality/report-types.js';
import type { Assert, Conforms } from './conforms.js';
import { jsonNumber } from './json-number.js';

// What `tfjs-monitor quality --json` writes, checked whole before the HTML report draws it. Any
// number may be NaN or ±Infinity there, written as a tag: every number is a jsonNumber.

const num = jsonNumber;
const numOrNull = jsonNumber.nullable();
const metric = z.enum(['accuracy', 'logLoss', 'mae', 'rmse']);
const metricStatus = z.enum(['regression', 'ok', 'not-enough-labels', 'no-labels', 'no-reference', 'small-reference']);
const counts = z.object({ reference: num, served: num });
const interval = z.tuple([num, num]);
const span = { start: z.string().nullable(), end: z.string().nullable() };

const featureDrift = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  statistic: z.enum(['jensen-shannon', 'l-infinity']),
  value: numOrNull,
  threshold: num,
  pValue: numOrNull,
  alpha: numOrNull,
  psi: numOrNull,
  category: z.string().nullable(),
  n: counts,
  status: z.enum(['drift', 'ok', 'not-enough-data', 'no-data', 'not-judged']),
  reason: z.string().nullable(),
  histograms: z.object({ labels: z.array(z.string()), reference: z.array(num), served: z.array(num) }),
});

const metricVerdict = z.object({
  metric,
  reference: numOrNull,
  served: numOrNull,
  interval: interval.nullable(),
  change: numOrNull,
  changeInterval: interval.nullable(),
  tolerance: num,
  n: counts,
  status: metricStatus,
});

const driftFinding = {
  window: z.object(span),
  statistic: z.enum(['jensen-shannon', 'l-infinity']),
  value: num,
  threshold: num,
  pValue: num,
  alpha: num,
  psi: numOrNull,
  category: z.string().nullable(),
  n: counts,
  message: z.string(),
};

const finding = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('input-drift'), feature: z.string(), ...driftFinding }),
  z.object({ kind: z.literal('output-drift'), version: z.string(), ...driftFinding }),
  z.object({
    kind: z.literal('quality-regression'),
    window: z.object(span),
    version: z.string(),
    slice: z.object({ feature: z.string(), value: z.string() }).nullable(),
    metric,
    reference: num,
    served: num,
    change: num,
    changeInterval: interval,
    tolerance: num,
    n: counts,
    message: z.string(),
  }),
]);

const lines = z.object({ count: num, lines: z.array(z.object({ line: num, error: z.string() })) });
const logSummary = z.object({ path: z.string(), records: num, malformed: lines, invalid: lines, outside: num }).nullable();

export const qualityReportSchema = z.object({
  format: z.literal('tfjs-monitor-quality-report'),
  reference: z.object({
    path: z.string().nullable(),
    model: z.string().nullable(),
    version: z.string().nullable(),
    task: z.enum(['classification', 'regression']),
    classes: z.array(z.string()).nullable(),
    trainingExamples: num,
    validationExamples: num,
    metrics: z.partialRecord(metric, num),
  }),
  options: z.object({
    windowMs: numOrNull,
    jensenShannon: num,
    lInfinity: num,
    thresholds: z.record(z.string(), num),
    falseAlarmRate: num,
    minExamples: num,
    minLabelled: num,
    tolerance: z.record(metric, num),
    slices: z.array(z.string()),
  }),
  logs: z.object({ features: logSummary, predictions: logSummary, labels: logSummary }),
  labels: z
    .object({ records: num, joined: num, unknownIds: num, sampleUnknownIds: z.array(z.string()), duplicates: num, passes: num })
    .nullable(),
  inputDrift: z.array(
    z.object({ ...span, examples: num, violations: num, status: z.enum(['drift', 'ok', 'not-enough-data', 'no-data']), features: z.array(featureDrift) }),
  ),
  outputDrift: z.array(
    z.object({ ...span, version: z.string(), status: z.enum(['drift', 'ok', 'not-enough-data', 'no-data', 'not-judged']), output: featureDrift }),
  ),
  quality: z.array(
    z.object({
      ...span,
      version: z.string(),
      predictions: num,
      labelled: num,
      status: z.union([metricStatus, z.literal('no-data')]),
      confidence: num,
      metrics: z.array(metricVerdict),
      slices: z.array(z.object({ feature: z.string(), value: z.string(), labelled: num, status: metricStatus, metrics: z.array(metricVerdict) })),
      slicesJudged: num,
      slicesRegressed: num,
    }),
  ),
  findings: z.array(finding),
  status: z.enum(['finding', 'ok', 'no-data']),
});

// tsc fails here when QualityReport changes and this schema does not follow.
export type QualitySchemaCheck = Assert<Conforms<typeof qualityReportSchema, QualityReport>>;
