import { z } from 'zod';
import type { StalenessReport } from '../staleness/staleness-report.js';
import type { Assert, Conforms } from './conforms.js';

// What `tfjs-monitor staleness --json` writes, checked whole before the HTML report draws it.

const stageAt = z.object({ stage: z.string(), at: z.string(), ageMs: z.number() });

const versionProgress = z.object({
  version: z.string(),
  lastStage: z.string(),
  lastStageAt: z.string(),
  ageMs: z.number(),
  stages: z.array(stageAt),
});

const stageStatus = z.object({
  stage: z.string(),
  lastSuccess: z.string().nullable(),
  version: z.string().nullable(),
  ageMs: z.number().nullable(),
  sloMs: z.number().nullable(),
  stalled: z.boolean(),
});

const stalledStage = z.object({
  kind: z.literal('stage-stalled'),
  model: z.string(),
  version: z.string(),
  stage: z.string(),
  ageMs: z.number(),
  sloMs: z.number(),
  waitingSince: z.string(),
  message: z.string(),
});

export const stalenessReportSchema = z.object({
  model: z.string(),
  now: z.string(),
  stages: z.array(z.string()).readonly(),
  production: versionProgress.extend({ deployedAt: z.string(), deployedAgeMs: z.number(), modelAgeMs: z.number() }).nullable(),
  inFlight: z.array(versionProgress),
  perStage: z.array(stageStatus),
  stalled: z.array(stalledStage),
  /** Older files have none. */
  problems: z
    .array(
      z.object({
        kind: z.enum(['no-events', 'unreadable-event']),
        model: z.string(),
        version: z.string().optional(),
        stage: z.string().optional(),
        message: z.string(),
      }),
    )
    .default([]),
});

/** One model's report, or the list `--model a --model b` writes. */
export const stalenessFileSchema = z.union([z.array(stalenessReportSchema), stalenessReportSchema]);

// tsc fails here when StalenessReport changes and this schema does not follow.
export type StalenessSchemaCheck = Assert<Conforms<typeof stalenessReportSchema, StalenessReport>>;
