import type { FindingBase } from '../core/findings.js';
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
