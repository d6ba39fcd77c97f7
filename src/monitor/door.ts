import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Logger } from '../core/logger.js';
import type { ProcessMemory } from '../speed/memory.js';
import type { ResolvedSpeedOptions } from '../speed/options.js';
import type { BaselineStatus } from '../speed/settle-baseline.js';
import type { BaselineKey, SpeedSummary } from '../speed/summary.js';
import type { LayerRef, WeightRef } from '../tfjs/model-weights.js';
import type { DataSource, DependencySet } from '../deps/dependency-set.js';

/** Reads and writes speed baselines: files, so only where the platform has them (tfjs-monitor/node). */
export interface BaselineHandler {
  /**
   * The baseline recorded for `key`, or null. Throws when the file is corrupt: reported before
   * hours of training, not at the end.
   */
  find(path: string, key: BaselineKey): SpeedSummary | null;
  settle(options: NonNullable<ResolvedSpeedOptions['baseline']>, summary: SpeedSummary, unhealthy: string | null, logger: Logger): BaselineStatus;
}

/** What a platform gives the monitor beyond tfjs: baseline files, the process's memory and a fuller dependency set (Node). */
export interface Platform {
  baselines: BaselineHandler | null;
  processMemory: ProcessMemory | null;
  /** The run's dependency set (ML Test Score Monitor 1). Default: what tfjs itself says (versions, backend). */
  dependencies?: (options: { dataSources: readonly DataSource[] }) => DependencySet;
}

/** What one way in (the fit callback, the loop hook) gives a run. */
export interface Door extends Platform {
  logger: Logger;
  /** Asks training to stop after the current batch. */
  requestStop(): void;
}

/** What is watched: a model's layers and weights, or plain variables grouped as layers. */
export interface Target {
  layers: LayerRef[];
  weights: WeightRef[];
  /** The model, when there is one: dead-ReLU probes and on-detect replays need it. */
  model: LayersModel | null;
}
