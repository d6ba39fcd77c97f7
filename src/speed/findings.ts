import type { FindingBase } from '../core/findings.js';
import type { DependencyChange } from '../deps/diff.js';
import type { ComparisonRow } from './compare.js';
import type { BaselineKey } from './summary.js';

/** A figure that kept growing over the leak window: tensors (`tensor-leak`) or tensor bytes (`memory-growth`). */
export interface MemoryGrowthFinding extends FindingBase {
  kind: 'tensor-leak' | 'memory-growth';
  figure: 'numTensors' | 'numBytes';
  /** Net growth per batch over the window, and the tolerance it exceeded. */
  perBatch: number;
  tolerance: number;
  /** Batches in the window at which the figure rose. */
  rises: number;
  from: number;
  to: number;
  window: number;
}

/** The run was slower, or used more memory, than its baseline allows. */
export interface SpeedRegressionFinding extends FindingBase {
  kind: 'speed-regression';
  baselinePath: string;
  key: BaselineKey;
  regressions: ComparisonRow[];
}

/** The run's dependency set differs from the one its speed baseline was recorded with (ML Test Score Monitor 1). */
export interface TrainingDependencyChangeFinding extends FindingBase {
  kind: 'dependency-change';
  baselinePath: string;
  key: BaselineKey;
  /** Each dependency that differs, baseline → this run. */
  changes: DependencyChange[];
}
