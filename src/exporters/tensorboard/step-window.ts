import type { Measured } from '../../monitor/run-report.js';
import type { StepRecord } from '../../monitor/sink.js';
import type { SummaryValue } from './records.js';

/** The per-layer figures written as scalars, in this order: `hidden1/maxAbs`. */
const LAYER_FIGURES = ['min', 'max', 'maxAbs', 'deadFraction', 'zeroFraction', 'updateRatio'] as const;

/**
 * The step figures since the last write, merged the way the report's timelines merge points:
 * the lowest min and the highest of every other layer figure, the peak tensors and bytes, the
 * throughput over the whole span, and the last checked loss.
 */
export class StepWindow {
  lastStep: number | null = null;
  private loss: number | null = null;
  private ms = 0;
  private timed = 0;
  private batches = 0;
  private examples = 0;
  private timedWithSize = 0;
  private numTensors = 0;
  private numBytes = 0;
  private readonly layers = new Map<string, Measured>();

  get steps(): number {
    return this.batches;
  }

  /** Adds a step's record, written at `step` (the sink's global step). */
  add(step: number, r: StepRecord): void {
    this.lastStep = step;
    this.batches++;
    if (r.loss !== null) this.loss = r.loss;
    if (r.ms !== null) {
      this.ms += r.ms;
      this.timed++;
      // examples/s × ms: the batch's size, so the window's throughput weighs every batch by its time.
      if (r.examplesPerSecond !== null) {
        this.examples += (r.examplesPerSecond * r.ms) / 1000;
        this.timedWithSize += r.ms;
      }
    }
    this.numTensors = Math.max(this.numTensors, r.numTensors);
    this.numBytes = Math.max(this.numBytes, r.numBytes);
    for (const { name, measured } of r.layers) {
      const into = this.layers.get(name) ?? {};
      for (const key of LAYER_FIGURES) {
        const v = measured[key];
        if (v === undefined) continue;
        const was = into[key];
        into[key] = was === undefined ? v : key === 'min' ? Math.min(was, v) : Math.max(was, v);
      }
      this.layers.set(name, into);
    }
  }

  /** The window as scalars, and a fresh window. */
  take(): SummaryValue[] {
    const out: SummaryValue[] = [];
    const scalar = (tag: string, v: number | null | undefined) => {
      if (v !== null && v !== undefined && Number.isFinite(v)) out.push({ tag, simple_value: v });
    };
    scalar('loss', this.loss);
    scalar('speed/msPerBatch', this.timed > 0 ? this.ms / this.timed : null);
    scalar('speed/examplesPerSecond', this.timedWithSize > 0 ? (this.examples * 1000) / this.timedWithSize : null);
    if (this.batches > 0) {
      scalar('memory/numTensors', this.numTensors);
      scalar('memory/numBytes', this.numBytes);
    }
    for (const [name, measured] of this.layers) for (const key of LAYER_FIGURES) scalar(`${name}/${key}`, measured[key]);
    Object.assign(this, { lastStep: null, loss: null, ms: 0, timed: 0, batches: 0, examples: 0, timedWithSize: 0, numTensors: 0, numBytes: 0 });
    this.layers.clear();
    return out;
  }
}
