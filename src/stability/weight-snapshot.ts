import * as tf from '@tensorflow/tfjs-core';
import type { WeightRef } from '../inspect/model-weights.js';

/**
 * A copy of every weight at one step: what `rollback-and-stop` restores, and what update ratios
 * are measured against. Holds one extra copy of the weights; `dispose` frees it.
 */
export class WeightSnapshot {
  private constructor(
    readonly step: number,
    private readonly copies: tf.Tensor[],
  ) {}

  static take(weights: readonly WeightRef[], step: number): WeightSnapshot {
    return new WeightSnapshot(step, weights.map((w) => tf.clone(w.read())));
  }

  /** Writes the copies back into the live variables. The snapshot stays valid. */
  restore(weights: readonly WeightRef[]): void {
    weights.forEach((w, i) => w.read().assign(this.copies[i]!));
  }

  /**
   * Per group of weights (a layer), ‖W − snapshot‖ / ‖W‖ over all of them, in one read-back.
   * `groups` lists weight indices; a group with ‖W‖ = 0 gets 0.
   */
  async updateRatios(weights: readonly WeightRef[], groups: readonly number[][]): Promise<number[]> {
    const packed = tf.tidy(() =>
      tf.stack(
        groups.flatMap((group) => {
          const sums = group.map((i) => {
            const w = weights[i]!.read();
            return [tf.sum(tf.square(tf.sub(w, this.copies[i]!))), tf.sum(tf.square(w))] as const;
          });
          return [tf.addN(sums.map((s) => s[0])), tf.addN(sums.map((s) => s[1]))];
        }),
      ),
    );
    try {
      const v = (await packed.data()) as Float32Array;
      return groups.map((_, g) => (v[2 * g + 1]! > 0 ? Math.sqrt(v[2 * g]! / v[2 * g + 1]!) : 0));
    } finally {
      packed.dispose();
    }
  }

  dispose(): void {
    tf.dispose(this.copies);
  }
}
