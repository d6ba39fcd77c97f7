import { describePosition } from '../core/findings.js';
import type { Finding } from './findings.js';

const ADVICE: Record<Finding['kind'], string> = {
  'non-finite':
    'The weights now hold NaN/Infinity: do not save this model. Lower the learning rate, clip gradients ' +
    '(optimizer clipNorm/clipValue), and check the inputs and labels for NaN/Infinity.',
  'weight-bound':
    'The weights are growing past a plausible range, which usually precedes NaN. Lower the learning rate, ' +
    'add weight decay or clipping, or widen the rule if this layer legitimately needs larger values.',
  'dead-relu':
    'Too many ReLU units output 0 for every probe example and get no gradient. Lower the learning rate, ' +
    'check the bias initialisation, or use LeakyReLU/ELU.',
  'tensor-leak':
    'Something creates tensors every batch and never disposes them: wrap per-batch tensor code in tf.tidy() ' +
    'or dispose() what it returns; tf.memory().numTensors before and after a suspect call finds it.',
  'memory-growth':
    'Tensor bytes keep growing while the tensor count is steady: something keeps larger tensors each batch ' +
    '(a concatenated history, a growing cache). Bound it or dispose the old value.',
  'update-ratio':
    'A layer whose weights change by more than ~1e-2 of their size per step is heading for divergence (lower ' +
    'the learning rate); one that does not change at all is frozen (check trainable and its gradients).',
  'loss-spike':
    'The loss jumped far above its recent average: a bad batch, or the learning rate too high. Check the batch, ' +
    'lower the learning rate or clip gradients before it turns into NaN.',
  'speed-regression':
    'This run is slower or heavier than its baseline for the same code, model, data and backend. Compare ' +
    'the changes since the baseline, or record a new baseline if the change is intended.',
  'dependency-change':
    'This run depends on other package versions, backend flags, runtime, lockfile or data than its speed ' +
    'baseline did: its speed and results may differ for that reason alone. Review the change; record a new ' +
    'baseline once it is intended (speed.baseline.record, or `tfjs-monitor speed record`).',
};

/**
 * Thrown by `model.fit`, by a custom loop's `step`, and by `monitor.assertHealthy()` when
 * training became unstable. `findings` holds every finding of the run, the first failing one first.
 */
export class TrainingInstabilityError extends Error {
  override name = 'TrainingInstabilityError';
  readonly findings: Finding[];

  constructor(findings: Finding[]) {
    const [first] = findings;
    const more = findings.length > 1 ? ` (${findings.length - 1} more finding(s) in error.findings)` : '';
    super(
      first
        ? `Training became numerically unstable at ${describePosition(first)}: ${first.message}.${more} ${ADVICE[first.kind]}`
        : 'Training became numerically unstable.',
    );
    this.findings = findings;
  }
}
