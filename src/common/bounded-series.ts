/**
 * A series with bounded memory for runs of any length. When full, adjacent points are merged
 * pairwise and each later point covers twice as many samples, so the series stays evenly spaced.
 * `merge` decides what survives a merge (for extremes: min of mins, max of maxes).
 */
export class BoundedSeries<T> {
  private points: T[] = [];
  private pending: T | null = null;
  private pendingCount = 0;
  private stride = 1;

  constructor(
    private readonly capacity: number,
    private readonly merge: (earlier: T, later: T) => T,
  ) {}

  add(point: T): void {
    this.pending = this.pending ? this.merge(this.pending, point) : point;
    if (++this.pendingCount < this.stride) return;
    this.points.push(this.pending);
    this.pending = null;
    this.pendingCount = 0;
    if (this.points.length >= this.capacity) {
      const merged: T[] = [];
      for (let i = 0; i < this.points.length; i += 2) {
        const next = this.points[i + 1];
        merged.push(next ? this.merge(this.points[i]!, next) : this.points[i]!);
      }
      this.points = merged;
      this.stride *= 2;
    }
  }

  toArray(): T[] {
    return this.pending ? [...this.points, this.pending] : [...this.points];
  }
}
