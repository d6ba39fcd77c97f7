import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';

const action = z.enum(ACTIONS);
const fraction = z.number().positive();

export const speedOptions = z
  .object({
    /**
     * Sample the process's RSS and heap every this many batches in Node (tf.memory() is sampled every batch).
     * Default 50: the RSS is a /proc read, about 0.1 ms inside a fit, 6% of the default checks' own
     * time on a small model when taken every 10 batches.
     */
    processMemoryEvery: z.number().int().positive().default(50),
    leak: z
      .object({
        /** Batches the growth trend is judged over. Default 50 (at least 10). */
        window: z.number().int().min(10).default(50),
        /** Sustained growth above this many tensors per batch is a `tensor-leak`. Default 0.1: one leaked tensor every 10 batches. */
        tensorsPerBatch: z.number().nonnegative().default(0.1),
        /** Sustained growth above this many tensor bytes per batch (with a steady count) is `memory-growth`. Default 1024. */
        bytesPerBatch: z.number().nonnegative().default(1024),
        /** Default 'warn'. */
        action: action.default('warn'),
      })
      .strict()
      .default({ window: 50, tensorsPerBatch: 0.1, bytesPerBatch: 1024, action: 'warn' }),
    /** What this run is, for baselines: runs are compared only when all three and the backend match. Default 'unversioned' each. */
    versions: z
      .object({
        codeVersion: z.string().min(1).default('unversioned'),
        modelVersion: z.string().min(1).default('unversioned'),
        dataVersion: z.string().min(1).default('unversioned'),
      })
      .strict()
      .default({ codeVersion: 'unversioned', modelVersion: 'unversioned', dataVersion: 'unversioned' }),
    baseline: z
      .object({
        /** A JSON baseline file, as written by `tfjs-monitor speed record` or `record: true`. Required; Node only. */
        path: z.string().min(1),
        /** Write this run as the baseline for its versions instead of comparing with it. Default false. */
        record: z.boolean().default(false),
        /** Allowed drop in throughput and rise in memory peaks, as fractions. Default 0.2 each. */
        tolerance: z
          .object({ throughput: fraction.default(0.2), memory: fraction.default(0.2) })
          .strict()
          .default({ throughput: 0.2, memory: 0.2 }),
        /** For `speed-regression`. Default 'warn'. */
        action: action.default('warn'),
        /**
         * For `dependency-change`: the baseline for this run's versions and backend was recorded
         * with other dependencies (tfjs packages, backend flags, runtime, lockfile, data sources).
         * Raised when the run starts; 'stop' and 'fail' end it after its first batch. Default 'warn'.
         */
        dependencyAction: action.default('warn'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SpeedOptions = z.input<typeof speedOptions>;
export type ResolvedSpeedOptions = z.output<typeof speedOptions>;
