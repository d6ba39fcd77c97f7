import { getHeapStatistics } from 'node:v8';
import { ServedModel } from '../serving/served-model.js';
import type { ServingPlatform } from '../serving/served-call.js';
import type { ServableModel } from '../serving/model-kind.js';
import type { ServingOptions } from '../serving/options.js';
import { collectDependencies } from './dependencies.js';
import { readServingRun, saveServingRun } from './serving-file.js';

/** Node's additions to serving: the process's RSS and JS heap, and every loaded tfjs package and the lockfile's hash. */
export const NODE_SERVING_PLATFORM: ServingPlatform = {
  // rss() alone: a full process.memoryUsage() walks the JS heap (~70 µs between calls, measured);
  // V8's heap statistics cost ~2 µs.
  processRss: () => process.memoryUsage.rss(),
  heapUsed: () => getHeapStatistics().used_heap_size,
  collectDependencies,
};

export type NodeServingOptions = Omit<ServingOptions, 'baseline'> & {
  /** The run of the version served before: a saved run file's path, or the run itself. */
  baseline?: string | ServingOptions['baseline'];
};

/** A served model whose run can be written to a file, for `tfjs-monitor serving compare`. */
export class NodeServedModel<M extends ServableModel = ServableModel> extends ServedModel<M> {
  /** Writes `run()` as JSON (atomically). */
  saveRun(path: string): void {
    saveServingRun(path, this.run());
  }
}

/**
 * Wraps a loaded LayersModel or GraphModel in the serving monitor, with process memory and the
 * full dependency set. `baseline` may be a saved run's path: a missing or corrupt file is an
 * error now, not a silently skipped comparison.
 */
export function monitorServing<M extends ServableModel>(model: M, options: NodeServingOptions = {}): NodeServedModel<M> {
  const { baseline, ...rest } = options;
  const resolved: ServingOptions = { ...rest };
  if (typeof baseline === 'string') resolved.baseline = readServingRun(baseline, 'baseline run');
  else if (baseline !== undefined) resolved.baseline = baseline;
  return new NodeServedModel(model, resolved, NODE_SERVING_PLATFORM);
}
