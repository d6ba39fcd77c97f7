import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseOptions } from '../options/validate.js';
import type { Logger } from 'pino';

import { speedOptions } from '../speed/options.js';
import { StalenessTracker } from '../staleness/tracker.js';
import { ACTIONS, type Action } from './actions.js';

export { ACTIONS, type Action };
const action = z.enum(ACTIONS);

const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;
const tensorOrTensors = z.custom<tf.Tensor | tf.Tensor[]>(
  (v) => isTensor(v) || (Array.isArray(v) && v.length > 0 && v.every(isTensor)),
  {
    message:
      'expected a tf.Tensor, or an array of one tf.Tensor per model input, created by the same ' +
      '@tensorflow/tfjs-core that tfjs-monitor uses',
  },
);

const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');

const weightBoundRule = z
  .object({
    /** Layer name, exact or glob (`dense_*`). Default: every layer. */
    layer: z.string().min(1).optional(),
    /** Weight name, exact or glob: `kernel` matches the part after the layer, `dense_1/kernel` the full name. */
    weight: z.string().min(1).optional(),
    min: finiteNumber.optional(),
    max: finiteNumber.optional(),
    maxAbs: finiteNumber.refine((v) => v > 0, 'expected a number > 0').optional(),
    action: action.default('warn'),
  })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined || r.maxAbs !== undefined, {
    message: 'a weight-bound rule needs at least one of min, max or maxAbs',
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: 'min must not be greater than max',
  });

export type WeightBoundRule = z.input<typeof weightBoundRule>;
export type ResolvedWeightBoundRule = z.output<typeof weightBoundRule>;

/**
 * The default bound: |w| ≤ 1e4 for every weight but BatchNorm's moving variance (a statistic of
 * the data, which is legitimately large on unnormalised inputs). Initialisers put weights well
 * under 1, and trained weights of healthy models rarely pass 100; a weight past 1e4 means the
 * updates are diverging, usually a few steps before the first Infinity. The action is 'warn',
 * since a bound is a heuristic while NaN is a fact.
 */
export const DEFAULT_WEIGHT_BOUNDS: readonly ResolvedWeightBoundRule[] = Object.freeze([
  { weight: '!moving_variance', maxAbs: 1e4, action: 'warn' },
]);

const deadRelu = z
  .object({
    /**
     * A fixed batch of inputs (or one tensor per model input) run through the ReLU layers. Without
     * one, dead units are measured on the training batches themselves, at no extra forward pass.
     */
    probe: tensorOrTensors.optional(),
    /** Probe every this many batches (global steps, counted from the first batch). */
    every: z.number().int().positive().default(100),
    /** A layer with more than this fraction of dead units is reported. */
    maxDeadFraction: z.number().min(0).max(1).default(0.5),
    action: action.default('warn'),
  })
  .strict();

const logger = z.custom<Logger>(
  (v) => {
    const l = v as Record<string, unknown> | null;
    return l != null && ['info', 'warn', 'error', 'debug'].every((m) => typeof l[m] === 'function');
  },
  { message: 'expected a pino logger (an object with debug, info, warn and error methods)' },
);

export const trainingMonitorOptions = z
  .object({
    /** Run the non-finite and weight-bound checks every this many batches. 1 catches NaN in the batch it appears. */
    checkEvery: z.number().int().positive().default(1),
    nonFinite: z
      .object({ action: z.enum([...ACTIONS, 'rollback-and-stop']).default('fail') })
      .strict()
      .default({ action: 'fail' }),
    /**
     * Checks between weight snapshots, for `rollback-and-stop` and update ratios (only taken when
     * one of them is on; a snapshot is one more copy of the weights).
     */
    snapshotEvery: z.number().int().positive().default(10),
    /** ‖ΔW‖/‖W‖ per step and layer between snapshots; off unless given. cs231n's heuristic is ~1e-3. */
    updateRatio: z
      .object({
        min: z.number().nonnegative().default(1e-8),
        max: z.number().positive().default(10),
        action: action.default('warn'),
      })
      .strict()
      .optional(),
    /**
     * 'kernel': trap every kernel to name the first one that produced a NaN/Infinity, its pass and
     * layer (costs a read of every kernel output: for debugging runs). 'on-detect': train untrapped
     * and, when a NaN is found, replay the deadRelu probe batch on the last finite weights with the
     * trap on. 'auto' (default): 'on-detect' when a probe batch is given, else 'off'.
     */
    locate: z.enum(['auto', 'off', 'kernel', 'on-detect']).default('auto'),
    /** Loss spikes: recorded in the report always; a finding only when `action` is given. */
    lossSpike: z
      .object({
        window: z.number().int().min(5).default(50),
        sigmas: z.number().positive().default(4),
        minRatio: z.number().min(1).default(1.5),
        action: action.optional(),
      })
      .strict()
      .default({ window: 50, sigmas: 4, minRatio: 1.5 }),
    weightBounds: z.array(weightBoundRule).default(() => DEFAULT_WEIGHT_BOUNDS.map((r) => ({ ...r }))),
    deadRelu: deadRelu.optional(),
    logger: logger.optional(),
    /** How weights are read: 'auto' scans host memory on cpu/wasm and reduces on the device elsewhere. */
    strategy: z.enum(['auto', 'scan', 'device']).default('auto'),
    /** Points kept per layer timeline (and memory series); older points are merged pairwise, keeping extremes. */
    timelinePoints: z.number().int().min(2).default(512),
    /** Records the pipeline stages train_start and train_end of this model version in a staleness tracker. */
    staleness: z
      .object({
        tracker: z.custom<StalenessTracker>((v) => v instanceof StalenessTracker, {
          message: 'expected a StalenessTracker (from StalenessTracker.open)',
        }),
        model: z.string().min(1),
        version: z.string().min(1),
      })
      .strict()
      .optional(),
    /** Training speed and memory: per-batch timings, leak detection, baselines. Always recorded. */
    speed: speedOptions.default(() => speedOptions.parse({})),
  })
  .strict();

export type TrainingMonitorOptions = z.input<typeof trainingMonitorOptions>;
export type ResolvedOptions = z.output<typeof trainingMonitorOptions>;

export function resolveOptions(options: unknown): ResolvedOptions {
  return parseOptions(trainingMonitorOptions, options ?? {}, 'TrainingMonitor options');
}
