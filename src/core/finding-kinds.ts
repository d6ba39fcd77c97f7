/**
 * Every kind of finding the training monitor raises, as values: for the report schema's enum and
 * the exporters that emit one series per kind (0 when none). monitor/findings.ts checks at
 * compile time that this list and the Finding union name the same kinds.
 */
export const TRAINING_FINDING_KINDS = [
  'non-finite',
  'weight-bound',
  'dead-relu',
  'tensor-leak',
  'memory-growth',
  'speed-regression',
  'update-ratio',
  'loss-spike',
  'dependency-change',
] as const;
