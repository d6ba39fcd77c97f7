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
  };
}

function withoutUndefined(p: TimelinePoint): TimelinePoint {
  for (const key of Object.keys(p) as (keyof TimelinePoint)[]) if (p[key] === undefined) delete p[key];
  return p;
}

/**
 * A per-layer series with bounded memory for runs of any length. When full, adjacent points
 * are merged pairwise and each later point covers twice as many steps, so the series stays
 * evenly spaced and never loses a maximum or minimum.
 */
export class Timeline {
  private points: TimelinePoint[] = [];
  private pending: TimelinePoint | null = null;
  private pendingCount = 0;
  private stride = 1;

  constructor(private readonly capacity: number) {}

  add(at: { step: number; epoch: number; batch: number }, measured: Measured): void {
    const point: TimelinePoint = { step: at.step, toStep: at.step, epoch: at.epoch, batch: at.batch, ...measured };
    this.pending = this.pending ? merge(this.pending, point) : point;
    if (++this.pendingCount < this.stride) return;
    this.points.push(this.pending);
    this.pending = null;
    this.pendingCount = 0;
    if (this.points.length >= this.capacity) {
      const merged: TimelinePoint[] = [];
      for (let i = 0; i < this.points.length; i += 2) {
        const next = this.points[i + 1];
        merged.push(next ? merge(this.points[i]!, next) : this.points[i]!);
      }
      this.points = merged;
      this.stride *= 2;
    }
  }

  toJSON(): TimelinePoint[] {
    const all = this.pending ? [...this.points, this.pending] : this.points;
    return all.map((p) => withoutUndefined({ ...p }));
  }
}
