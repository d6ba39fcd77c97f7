import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { dataSource, dependencySet } from '../deps/dependency-set.js';
import { parseOptions } from '../options/validate.js';

const logger = z.custom<Logger>(
  (v) => {
    const l = v as Record<string, unknown> | null;
    return l != null && ['info', 'warn', 'error', 'debug'].every((m) => typeof l[m] === 'function');
  },
  { message: 'expected a pino logger (an object with debug, info, warn and error methods)' },
);

const namespace = z.custom<object>((v) => typeof v === 'object' && v !== null, { message: 'expected a tfjs module namespace, e.g. the tf of @tensorflow/tfjs' });

const version = z.string().min(1).default('unversioned');

export const servingOptions = z
  .object({
    /** The served model's name: a label on every metric, and runs of different models are never compared. */
    model: z.string().min(1).default('model'),
    modelVersion: version,
    codeVersion: version,
    dataVersion: version,
    outputs: z
      .object({
        /**
         * Which calls' outputs are checked for NaN/±Infinity. A number N: one call in N. Default
         * 'auto': on cpu and wasm (a host scan) as many calls as keep the checks' own time within
         * `budget` of the model's time, and at least one call in 100, so that a model with large
         * outputs is not slowed by its checks; on other backends (three reductions on the device
         * and one read back per check) one call in 10.
         */
        every: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
        /**
         * With every: 'auto', the checks' share of the model's time (0.001 = 0.1%). 0.1% leaves
         * room for the rest of the monitor within 0.5% of a batch-32 call of the MNIST MLP.
         */
        budget: z.number().positive().max(1).default(0.001),
        /** How outputs are read: 'auto' scans on cpu/wasm and reduces on the device elsewhere. */
        strategy: z.enum(['auto', 'scan', 'device']).default('auto'),
      })
      .strict()
      .default({ every: 'auto', budget: 0.001, strategy: 'auto' }),
    /**
     * Read the process's RSS every this many calls (Node). A read costs 10–35 µs between model
     * calls (measured), so 1,000 keeps it under 0.05 µs a call; RSS leaks are then judged over
     * `leak.window` reads, 50,000 calls. Lower it for a server with little traffic.
     */
    processMemoryEvery: z.number().int().positive().default(1000),
    leak: z
      .object({
        /**
         * Calls per memory sample: each sample is the lowest figure seen over its calls (robust to
         * concurrent calls). Default 100: a sample costs ~4 µs between model calls (measured: every
         * 20 calls it was 0.2 µs a call, 40% of the monitor's own time at batch 32), and a leak is
         * judged over `window` samples, 5,000 calls. Lower it for a server with little traffic.
         */
        every: z.number().int().positive().default(100),
        /** Samples the growth trend is judged over (the same rule as training's leak check); RSS samples come every `processMemoryEvery` calls. */
        window: z.number().int().min(10).default(50),
        /** Calls ignored at first: the first calls compile kernels and grow caches. */
        warmup: z.number().int().nonnegative().default(50),
        /** Sustained growth above this many tensors per call is a `tensor-leak`. */
        tensorsPerCall: z.number().nonnegative().default(0.05),
        /** … above this many tensor bytes per call (with a steady count) is `memory-growth`. */
        bytesPerCall: z.number().nonnegative().default(1024),
        /** … above this many bytes of process RSS per call is `rss-growth` (Node only). */
        rssBytesPerCall: z.number().nonnegative().default(16384),
      })
      .strict()
      .default({ every: 100, window: 50, warmup: 50, tensorsPerCall: 0.05, bytesPerCall: 1024, rssBytesPerCall: 16384 }),
    /** The data sources this version was trained on, recorded with the dependencies. */
    dataSources: z.array(dataSource).default([]),
    /** Loaded tfjs namespaces to read versions from (e.g. the `tf` of @tensorflow/tfjs); tfjs-core and tfjs-layers are always read. */
    tfjs: z.union([namespace, z.array(namespace)]).optional(),
    /**
     * The run of the version served before (a saved run, `served.run()` of it): a `dependency-change`
     * finding is raised at once when this run's dependencies differ from its.
     */
    baseline: z.object({ dependencies: dependencySet }).passthrough().optional(),
    /** Default: JSON lines on stderr in Node, the console in a browser. */
    logger: logger.optional(),
  })
  .strict();

export type ServingOptions = z.input<typeof servingOptions>;
export type ResolvedServingOptions = z.output<typeof servingOptions>;

export function resolveServingOptions(options: unknown): ResolvedServingOptions {
  return parseOptions(servingOptions, options ?? {}, 'monitorServing options');
}
