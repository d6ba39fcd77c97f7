import { z } from 'zod';
import type { BaselineStatus } from '../speed/settle-baseline.js';
import { speedSummary } from '../speed/summary.js';
import type { MonitorReport } from '../monitor/run-report.js';
import type { Assert, Conforms } from './conforms.js';
import { comparisonRow, finding, FINDING_KINDS, jsonFloat, trainingPosition } from './finding-schema.js';
import { dependencySet } from '../deps/dependency-set.js';

// A saved run (`monitor.saveReport()`), field by field: the HTML report trusts every value it
// draws, so a file anyone can edit is checked whole. Unknown fields are allowed and dropped.

const measured = {
  min: jsonFloat.optional(),
  max: jsonFloat.optional(),
  maxAbs: jsonFloat.optional(),
  deadFraction: jsonFloat.optional(),
  zeroFraction: jsonFloat.optional(),
  updateRatio: jsonFloat.optional(),
};

const timelinePoint = z.object({ step: z.number(), toStep: z.number(), epoch: z.number(), batch: z.number(), ...measured });

const layer = z.object({
  name: z.string(),
  className: z.string(),
  weights: z.array(z.string()),
  relu: z.boolean(),
  last: z.object(measured),
  timeline: z.array(timelinePoint),
});

const lossPoint = z.object({ step: z.number(), toStep: z.number(), min: jsonFloat, max: jsonFloat });

const epochLogs = z.object({ epoch: z.number() }).catchall(jsonFloat);

const lossSpike = trainingPosition.extend({ loss: jsonFloat, mean: jsonFloat, std: jsonFloat });

export const baselineStatus = z.object({
  path: z.string(),
  status: z.enum(['recorded', 'compared', 'not-comparable', 'missing', 'not-recorded']),
  comparison: z.object({ rows: z.array(comparisonRow), regressions: z.array(comparisonRow) }).optional(),
  reason: z.string().optional(),
});

const memorySample = z.object({
  step: z.number(),
  numTensors: z.number(),
  numBytes: z.number(),
  backendBytes: z.number().optional(),
  rss: z.number().optional(),
  heapUsed: z.number().optional(),
});

const batchTimePoint = z.object({ step: z.number(), toStep: z.number(), meanMs: z.number(), maxMs: z.number() });

const msStats = z.object({ median: z.number().nullable(), mean: z.number().nullable(), p95: z.number().nullable() });

const speed = speedSummary.extend({
  monitor: z.object({ batches: z.number(), msPerBatch: msStats, shareOfStep: z.number().nullable() }),
  memorySeries: z.array(memorySample),
  batchTimeSeries: z.array(batchTimePoint),
  baseline: baselineStatus.nullable(),
});

export const monitorReportSchema = z.object({
  status: z.enum(['healthy', 'warned', 'stopped', 'failed']),
  backend: z.string(),
  strategy: z.enum(['scan', 'device']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  epochs: z.number(),
  steps: z.number(),
  checks: z.number(),
  probes: z.number(),
  lastLoss: z.number().nullable(),
  loss: z.array(lossPoint),
  epochLogs: z.array(epochLogs),
  lossSpikes: z.array(lossSpike),
  stoppedAt: trainingPosition.extend({ kind: z.enum(FINDING_KINDS) }).nullable(),
  findings: z.array(finding),
  layers: z.array(layer),
  dependencies: dependencySet.optional(),
  speed: speed.nullable(),
});

// tsc fails here when MonitorReport changes and this schema does not follow.
export type RunFileSchemaChecks = [
  Assert<Conforms<typeof monitorReportSchema, MonitorReport>>,
  Assert<Conforms<typeof baselineStatus, BaselineStatus>>,
];
