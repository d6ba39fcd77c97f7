import { z } from 'zod';
import { TRAINING_FINDING_KINDS } from '../core/finding-kinds.js';
import type { ComparisonRow } from '../speed/compare.js';
import { baselineKey } from '../speed/summary.js';
import type { Finding } from '../monitor/findings.js';
import type { Assert, Conforms } from './conforms.js';

/**
 * A measured float. `JSON.stringify` writes NaN and ±Infinity as null, so a saved report holds null
 * where a value was non-finite; it is read back as NaN (not finite, value unknown).
 */
export const jsonFloat = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);

export const trainingPosition = z.object({ epoch: z.number(), batch: z.number(), step: z.number() });

export const comparisonRow = z.object({
  metric: z.string(),
  baseline: z.number().nullable(),
  run: z.number().nullable(),
  change: z.number().nullable(),
  better: z.enum(['higher', 'lower']),
  tolerance: z.number().nullable(),
  regressed: z.boolean(),
});

const base = trainingPosition.extend({
  layer: z.string().optional(),
  weight: z.string().optional(),
  action: z.enum(['warn', 'stop', 'fail', 'rollback-and-stop']),
  message: z.string(),
  occurrences: z.number(),
  lastStep: z.number(),
});

const nonFiniteValues = z.object({
  layer: z.string().optional(),
  weight: z.string(),
  gradient: z.literal(true).optional(),
  nanCount: z.number(),
  infCount: z.number(),
  size: z.number(),
});

const kernelFault = z.object({
  kernel: z.string(),
  pass: z.enum(['forward', 'backward']),
  layerClass: z.string().nullable(),
  inputsFinite: z.boolean(),
  nanCount: z.number(),
  infCount: z.number(),
  size: z.number(),
});

const nonFinite = base.extend({
  kind: z.literal('non-finite'),
  weight: z.string(),
  nanCount: z.number(),
  infCount: z.number(),
  size: z.number(),
  affected: z.array(nonFiniteValues),
  largestWeight: z.object({ layer: z.string(), weight: z.string(), maxAbs: jsonFloat }).optional(),
  rolledBackTo: z.number().optional(),
  origin: kernelFault.optional(),
  originError: z.string().optional(),
});

const updateRatio = base.extend({
  kind: z.literal('update-ratio'),
  layer: z.string(),
  perStep: jsonFloat,
  steps: z.number(),
  bound: z.enum(['min', 'max']),
  limit: jsonFloat,
});

const lossSpike = base.extend({ kind: z.literal('loss-spike'), loss: jsonFloat, mean: jsonFloat, std: jsonFloat });

const weightBound = base.extend({
  kind: z.literal('weight-bound'),
  layer: z.string(),
  weight: z.string(),
  bound: z.enum(['min', 'max', 'maxAbs']),
  observed: jsonFloat,
  limit: jsonFloat,
  fractionOutOfBounds: jsonFloat,
  rule: z.number(),
});

const deadRelu = base.extend({
  kind: z.literal('dead-relu'),
  layer: z.string(),
  deadFraction: jsonFloat,
  deadUnits: z.number(),
  units: z.number(),
  zeroFraction: jsonFloat,
  maxDeadFraction: z.number(),
  probeSize: z.number(),
  source: z.enum(['probe', 'training']),
});

const memoryGrowth = base.extend({
  kind: z.enum(['tensor-leak', 'memory-growth']),
  figure: z.enum(['numTensors', 'numBytes']),
  perBatch: jsonFloat,
  tolerance: z.number(),
  rises: z.number(),
  from: z.number(),
  to: z.number(),
  window: z.number(),
});

const speedRegression = base.extend({
  kind: z.literal('speed-regression'),
  baselinePath: z.string(),
  key: baselineKey,
  regressions: z.array(comparisonRow),
});

const dependencyChange = base.extend({
  kind: z.literal('dependency-change'),
  baselinePath: z.string(),
  key: baselineKey,
  changes: z.array(
    z.object({
      dependency: z.string(),
      kind: z.enum(['package', 'backend', 'backend-flag', 'runtime', 'lockfile', 'data-source']),
      from: z.string().nullable(),
      to: z.string().nullable(),
    }),
  ),
});

/** Any finding of a saved report; an unknown `kind` is named with the kinds allowed. */
export const finding = z.discriminatedUnion('kind', [nonFinite, weightBound, deadRelu, memoryGrowth, speedRegression, updateRatio, lossSpike, dependencyChange]);

export const FINDING_KINDS = TRAINING_FINDING_KINDS;

// tsc fails here when a finding type changes and this schema does not follow.
export type FindingSchemaChecks = [Assert<Conforms<typeof finding, Finding>>, Assert<Conforms<typeof comparisonRow, ComparisonRow>>];
