import { sustainedGrowth, type Growth } from '../speed/growth.js';

/**
 * The last `size` samples of a figure, in a ring: a sample costs a store, with no allocation, as
 * it is taken on the serving path. The window is judged by sustainedGrowth, training's trend
 * rule; its first condition (net growth per sample above the tolerance) is checked first, from the
 * oldest and newest samples alone, so the full rule runs only when the figure did grow.
 */
export class TrendWindow {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private readonly size: number) {
    this.ring = new Float64Array(size);
  }

  push(value: number): void {
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** sustainedGrowth over the full window, or null while it is not full or not growing. */
  growth(tolerance: number): Growth | null {
    if (this.count < this.size) return null;
    const oldest = this.ring[this.next]!;
    const newest = this.ring[(this.next + this.size - 1) % this.size]!;
    if ((newest - oldest) / (this.size - 1) <= tolerance) return null;
    return sustainedGrowth(Array.from({ length: this.size }, (_, i) => this.ring[(this.next + i) % this.size]!), tolerance);
  }
}
