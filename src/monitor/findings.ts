import type { TRAINING_FINDING_KINDS } from '../core/finding-kinds.js';
import type { MemoryGrowthFinding, SpeedRegressionFinding, TrainingDependencyChangeFinding } from '../speed/findings.js';
import type { DeadReluFinding } from '../stability/dead-relu.js';
import type { LossSpikeFinding } from '../stability/loss-spikes.js';
import type { NonFiniteFinding } from '../stability/non-finite.js';
import type { UpdateRatioFinding } from '../stability/update-ratio.js';
import type { WeightBoundFinding } from '../stability/weight-bounds.js';

/** Every finding the training monitor raises. */
export type Finding =
  | NonFiniteFinding
  | WeightBoundFinding
  | DeadReluFinding
  | MemoryGrowthFinding
  | SpeedRegressionFinding
  | UpdateRatioFinding
  | LossSpikeFinding
  | TrainingDependencyChangeFinding;
export type FindingKind = Finding['kind'];

// tsc fails here when a kind is added to the union and not to TRAINING_FINDING_KINDS, or the reverse.
type Listed = (typeof TRAINING_FINDING_KINDS)[number];
export type FindingKindsListed = [Exclude<FindingKind, Listed> | Exclude<Listed, FindingKind>] extends [never] ? true : never;
const listed: FindingKindsListed = true;
void listed;
