import { BoundedSeries } from '../common/bounded-series.js';

/** What was measured for one layer at one step, or over a merged span of steps. */
export interface TimelinePoint {
  /** First and last global step the point covers (equal until points are merged). */
  step: number;
  toStep: number;
  epoch: number;
  batch: number;
  min?: number;
  max?: number;
  maxAbs?: number;
  deadFraction?: number;
  zeroFraction?: number;
  /** ‖ΔW‖/‖W‖ per step since the previous snapshot. */
  updateRatio?: number;
}

type Measured = Omit<TimelinePoint, 'step' | 'toStep' | 'epoch' | 'batch'>;

function pick(a: number | undefined, b: number | undefined, f: (x: number, y: number) => number) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return f(a, b);
}

/** Merges two adjacent points so that extremes survive: the lowest min, the highest of the rest. */
function merge(a: TimelinePoint, b: TimelinePoint): TimelinePoint {
  return {
    step: a.step,
    toStep: b.toStep,
    epoch: a.epoch,
    batch: a.batch,
    min: pick(a.min, b.min, Math.min),
    max: pick(a.max, b.max, Math.max),
    maxAbs: pick(a.maxAbs, b.maxAbs, Math.max),
    deadFraction: pick(a.deadFraction, b.deadFraction, Math.max),
    zeroFraction: pick(a.zeroFraction, b.zeroFraction, Math.max),
    updateRatio: pick(a.updateRatio, b.updateRatio, Math.max),
  };
}

function withoutUndefined(p: TimelinePoint): TimelinePoint {
  for (const key of Object.keys(p) as (keyof TimelinePoint)[]) if (p[key] === undefined) delete p[key];
  return p;
}

/** A layer's measurements over training, bounded in memory, never losing a maximum or minimum. */
export class Timeline {
  private readonly series: BoundedSeries<TimelinePoint>;

  constructor(capacity: number) {
    this.series = new BoundedSeries(capacity, merge);
  }

  add(at: { step: number; epoch: number; batch: number }, measured: Measured): void {
    this.series.add({ step: at.step, toStep: at.step, epoch: at.epoch, batch: at.batch, ...measured });
  }

  toJSON(): TimelinePoint[] {
    return this.series.toArray().map((p) => withoutUndefined({ ...p }));
  }
}
