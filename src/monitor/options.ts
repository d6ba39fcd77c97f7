import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import type { MonitorSink } from './sink.js';
import { dataSource } from '../deps/dependency-set.js';
import { parseOptions } from '../options/validate.js';
import { speedOptions } from '../speed/options.js';
import { deadReluOptions } from '../stability/dead-relu.js';
import { lossSpikeOptions } from '../stability/loss-spikes.js';
import { nonFiniteOptions } from '../stability/non-finite.js';
import { updateRatioOptions } from '../stability/update-ratio.js';
import { DEFAULT_WEIGHT_BOUNDS, weightBoundRule } from '../stability/weight-bounds.js';

export { ACTIONS, type Action } from '../core/actions.js';

const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;
const tensorOrTensors = z.custom<tf.Tensor | tf.Tensor[]>(
  (v) => isTensor(v) || (Array.isArray(v) && v.length > 0 && v.every(isTensor)),
  {
    message:
      'expected a tf.Tensor, or an array of one tf.Tensor per model input, created by the same ' +
      '@tensorflow/tfjs-core that tfjs-monitor uses',
  },
);

const logger = z.custom<Logger>(
  (v) => {
    const l = v as Record<string, unknown> | null;
    return l != null && ['info', 'warn', 'error', 'debug'].every((m) => typeof l[m] === 'function');
  },
  { message: 'expected a pino logger (an object with debug, info, warn and error methods)' },
);

/** Where the monitor records the pipeline stages train_start and train_end: a StalenessTracker, or anything with its `record`. */
export interface StageRecorder {
  record(event: { model: string; version: string; stage: string; meta?: Record<string, unknown> }): Promise<unknown>;
}
const stageRecorder = z.custom<StageRecorder>((v) => typeof (v as { record?: unknown } | null)?.record === 'function', {
  message: 'expected a StalenessTracker (from StalenessTracker.open)',
});

export const trainingMonitorOptions = z
  .object({
    /** Run the non-finite and weight-bound checks every this many batches. Default 1: NaN is caught in the batch it appears. */
    checkEvery: z.number().int().positive().default(1),
    /** Default `{ action: 'fail' }`. */
    nonFinite: nonFiniteOptions.default({ action: 'fail' }),
    /**
     * Checks between weight snapshots for `rollback-and-stop` and `locate: 'on-detect'` (taken only
     * when one of them is on; a snapshot is one more copy of the weights). Default 10.
     */
    snapshotEvery: z.number().int().positive().default(10),
    /** ‖ΔW‖/‖W‖ per update and layer. Default: off. */
    updateRatio: updateRatioOptions.optional(),
    /**
     * 'kernel': trap every kernel to name the first one that produced a NaN/Infinity, its pass and
     * layer (costs a read of every kernel output: for debugging runs). 'on-detect': train untrapped
     * and, when a NaN is found, replay the deadRelu probe batch on the last finite weights with the
     * trap on. Default 'auto': 'on-detect' when a probe batch is given, else 'off'.
     */
    locate: z.enum(['auto', 'off', 'kernel', 'on-detect']).default('auto'),
    /** Loss spikes, Lightning's SpikeDetection. Default: recorded in the report, no finding. */
    lossSpike: lossSpikeOptions.default({ window: 50, sigmas: 4, minRatio: 1.5 }),
    /** Default: DEFAULT_WEIGHT_BOUNDS, |w| ≤ 1e4 for every weight but BatchNorm's moving variance. */
    weightBounds: z.array(weightBoundRule).default(() => DEFAULT_WEIGHT_BOUNDS.map((r) => ({ ...r }))),
    /** Dead ReLU units. Default: off. */
    deadRelu: deadReluOptions(tensorOrTensors).optional(),
    /**
     * Default: readable lines at a terminal and in a browser console, JSON lines on stderr in Node
     * otherwise (CI logs, pipes). A logger given receives every event as JSON, whatever `verbose`.
     */
    logger: logger.optional(),
    /**
     * tfjs's convention, for the default logger: 0 shows only findings and warnings; 1 also one line
     * per epoch, and progress every 10 s on long epochs (left to tfjs-node's own progress bar when
     * `fit`'s verbose is on there). Default 1.
     */
    verbose: z.union([z.literal(0), z.literal(1)]).default(1),
    /** How weights are read. Default 'auto': a host scan on cpu/wasm, a reduction on the device elsewhere. */
    strategy: z.enum(['auto', 'scan', 'device']).default('auto'),
    /** Points kept per layer timeline (and memory series); older points are merged pairwise, keeping extremes. Default 512. */
    timelinePoints: z.number().int().min(2).default(512),
    /** Records the pipeline stages train_start and train_end of this model version. Default: off. */
    staleness: z.object({ tracker: stageRecorder, model: z.string().min(1), version: z.string().min(1) }).strict().optional(),
    /** Where the run's figures go as they are made (TensorBoard, a Pushgateway, your own). Default: none. */
    sinks: z
      .array(
        z.custom<MonitorSink>((v) => v !== null && typeof v === 'object', { message: 'expected a sink: an object with step, epoch, finding or end methods' }),
      )
      .default([]),
    /** The data sources this run reads, recorded with its dependency set (`[{ name, version }]`). Default: none. */
    dataSources: z.array(dataSource).default([]),
    /** Training speed and memory: per-batch timings, leak detection, baselines. Always recorded. */
    speed: speedOptions.default(() => speedOptions.parse({})),
  })
  .strict();

export type TrainingMonitorOptions = z.input<typeof trainingMonitorOptions>;
export type ResolvedOptions = z.output<typeof trainingMonitorOptions>;

export function resolveOptions(options: unknown): ResolvedOptions {
  return parseOptions(trainingMonitorOptions, options ?? {}, 'TrainingMonitor options');
}
