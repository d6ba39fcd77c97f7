import { ExactSum } from './exact-sum.js';

export type Task = 'classification' | 'regression';
export type MetricName = 'accuracy' | 'logLoss' | 'mae' | 'rmse';
export const TASK_METRICS: Record<Task, MetricName[]> = { classification: ['accuracy', 'logLoss'], regression: ['mae', 'rmse'] };

/**
 * Probabilities are clipped to [1e-7, 1] before the log, as Keras and tfjs do (their epsilon),
 * so one confident mistake costs at most −ln(1e-7) ≈ 16.1 instead of infinity.
 */
export const LOG_LOSS_EPSILON = 1e-7;
/** How far from 1 a probability vector may sum (float32 softmax outputs are not exact). */
const SUM_TOLERANCE = 1e-3;

/** A model output: class probabilities (or P(class 1) for a binary classifier), or a score. */
export type ModelOutput = number | readonly number[];
/** A label: a class name or index, or the true value of a regression. */
export type Label = number | string;

/** What one example contributes: the predicted class (or the score), and its losses once labelled. */
export interface Outcome {
  predicted: string | number;
  correct?: boolean;
  logLoss?: number;
  error?: number;
}

/** Class probabilities of an output, or a problem with it. */
export function probabilities(output: unknown, classes: readonly string[]): number[] | string {
  const probs = typeof output === 'number' && classes.length === 2 ? [1 - output, output] : output;
  if (!Array.isArray(probs)) return `must be an array of ${classes.length} class probabilities${classes.length === 2 ? ' or P(class 1)' : ''}, got ${JSON.stringify(output)}`;
  if (probs.length !== classes.length) return `has ${probs.length} probabilities, the reference has ${classes.length} classes (${classes.join(', ')})`;
  let sum = 0;
  for (const p of probs) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) return `probabilities must be numbers in [0, 1], got ${JSON.stringify(p)}`;
    sum += p;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) return `probabilities sum to ${sum}, not 1 (logits? apply softmax first)`;
  return probs as number[];
}

/** The index of a label among the classes, or a problem with it. */
export function classIndex(label: unknown, classes: readonly string[]): number | string {
  if (typeof label === 'string') {
    const i = classes.indexOf(label);
    return i >= 0 ? i : `label ${JSON.stringify(label)} is not one of the classes (${classes.join(', ')})`;
  }
  if (typeof label === 'number' && Number.isInteger(label) && label >= 0 && label < classes.length) return label;
  return `label must be a class name or an index from 0 to ${classes.length - 1}, got ${JSON.stringify(label)}`;
}

/** One example's outcome (label may be absent), or what is wrong with its output or label. */
export function outcome(task: Task, classes: readonly string[] | null, output: unknown, label?: unknown): Outcome | string {
  if (task === 'regression') {
    if (typeof output !== 'number' || !Number.isFinite(output)) return `output must be a finite number, got ${JSON.stringify(output)}`;
    if (label === undefined) return { predicted: output };
    if (typeof label !== 'number' || !Number.isFinite(label)) return `label must be a finite number, got ${JSON.stringify(label)}`;
    const error = output - label;
    if (!Number.isFinite(error ** 4)) return `output ${output} and label ${label} differ by too much to sum their squared errors exactly`;
    return { predicted: output, error };
  }
  const probs = probabilities(output, classes!);
  if (typeof probs === 'string') return `output ${probs}`;
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
  if (label === undefined) return { predicted: classes![best]! };
  const y = classIndex(label, classes!);
  if (typeof y === 'string') return y;
  return { predicted: classes![best]!, correct: best === y, logLoss: -Math.log(Math.max(probs[y]!, LOG_LOSS_EPSILON)) };
}

/** The sums behind every metric, exact so that they merge (see ExactSum). */
export interface MetricsJson {
  n: number;
  correct: number;
  logLoss: number[];
  logLoss2: number[];
  absError: number[];
  sqError: number[];
  sqError2: number[];
}

const SUMS = ['logLoss', 'logLoss2', 'absError', 'sqError', 'sqError2'] as const;

/** A mean with its sample variance and count. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

/** Labelled outcomes of one group (a data set, a slice, a version in a window). */
export class MetricsAccumulator {
  n = 0;
  correct = 0;
  private sums = Object.fromEntries(SUMS.map((s) => [s, new ExactSum()])) as Record<(typeof SUMS)[number], ExactSum>;

  add(o: Outcome): void {
    if (o.logLoss !== undefined) {
      this.n++;
      if (o.correct) this.correct++;
      this.sums.logLoss.add(o.logLoss);
      this.sums.logLoss2.add(o.logLoss * o.logLoss);
    } else if (o.error !== undefined) {
      this.n++;
      const a = Math.abs(o.error);
      const sq = a * a;
      this.sums.absError.add(a);
      this.sums.sqError.add(sq);
      this.sums.sqError2.add(sq * sq);
    }
  }

  merge(o: MetricsAccumulator): void {
    this.n += o.n;
    this.correct += o.correct;
    for (const s of SUMS) this.sums[s].merge(o.sums[s]);
  }

  private moments(sum: (typeof SUMS)[number], sum2: (typeof SUMS)[number]): Moments {
    const n = this.n;
    const s = this.sums[sum].value();
    const mean = n ? s / n : NaN;
    const variance = n > 1 ? Math.max(0, (this.sums[sum2].value() - s * mean) / (n - 1)) : NaN;
    return { n, mean, variance };
  }

  logLoss = () => this.moments('logLoss', 'logLoss2');
  absError = () => this.moments('absError', 'sqError'); // |e|² = e²
  sqError = () => this.moments('sqError', 'sqError2');
  accuracy = () => (this.n ? this.correct / this.n : NaN);

  toJSON(): MetricsJson {
    const sums = Object.fromEntries(SUMS.map((s) => [s, this.sums[s].toJSON()])) as Record<(typeof SUMS)[number], number[]>;
    return { n: this.n, correct: this.correct, ...sums };
  }

  static from(j: MetricsJson): MetricsAccumulator {
    const m = new MetricsAccumulator();
    m.n = j.n;
    m.correct = j.correct;
    for (const s of SUMS) m.sums[s] = ExactSum.from(j[s]);
    return m;
  }
}
