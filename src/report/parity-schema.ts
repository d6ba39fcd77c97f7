import { z } from 'zod';
import type { ParityReport } from '../parity/check-parity.js';
import type { Assert, Conforms } from './conforms.js';
import { jsonNumber } from './json-number.js';

// What `tfjs-monitor parity --json` writes, checked whole before the HTML report draws it.

const counts = z.record(z.string(), z.number());

const side = z.object({
  path: z.string(),
  records: z.number(),
  malformed: z.object({ count: z.number(), lines: z.array(z.object({ line: z.number(), error: z.string() })) }),
  duplicateIds: z.number(),
  fingerprints: counts,
  violations: z.object({ records: z.number(), rate: z.number(), fields: counts }),
});

const featureValue = z.union([jsonNumber, z.string(), z.boolean(), z.array(jsonNumber)]);
const cut = z.object({ length: z.number(), from: z.number() });

const featureSkew = z.object({
  feature: z.string(),
  base: z.number(),
  test: z.number(),
  match: z.number(),
  mismatch: z.number(),
  baseOnly: z.number(),
  testOnly: z.number(),
  mismatchRate: z.number(),
  skewed: z.boolean(),
  examples: z.array(
    z.object({
      id: z.string(),
      training: featureValue.nullable(),
      serving: featureValue.nullable(),
      cut: z.object({ training: cut.optional(), serving: cut.optional() }).optional(),
    }),
  ),
});

export const parityReportSchema = z.object({
  training: side,
  serving: side,
  empty: z.boolean(),
  ids: z.object({
    joined: z.number(),
    trainingOnly: z.number(),
    servingOnly: z.number(),
    sampleTrainingOnly: z.array(z.string()),
    sampleServingOnly: z.array(z.string()),
  }),
  fingerprintMismatches: z.object({ records: z.number(), servingFingerprints: z.array(z.string()), trainingFingerprints: z.array(z.string()) }),
  features: z.array(featureSkew),
  summary: z.object({ skewedFeatures: z.number(), examplesPerSkewedFeature: counts }),
  invariants: z.array(
    z.object({ kind: z.literal('invariant-violation'), field: z.string().nullable(), trainingRate: z.number(), servingRate: z.number(), message: z.string() }),
  ),
  ok: z.boolean(),
});

// tsc fails here when ParityReport changes and this schema does not follow.
export type ParitySchemaCheck = Assert<Conforms<typeof parityReportSchema, ParityReport>>;
