import * as tf from '@tensorflow/tfjs-core';
import type { WeightRef } from './model-weights.js';

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
   * Per group of weights (a layer): ‖W − snapshot‖ and ‖snapshot‖ over all of them (the size of
   * the change and of the weights before it), in one read-back. `groups` lists weight indices.
   */
  async changeNorms(weights: readonly WeightRef[], groups: readonly number[][]): Promise<{ delta: number; before: number }[]> {
    const packed = tf.tidy(() =>
      tf.stack(
        groups.flatMap((group) => {
          const sums = group.map((i) => {
            const before = this.copies[i]!;
            return [tf.sum(tf.square(tf.sub(weights[i]!.read(), before))), tf.sum(tf.square(before))] as const;
          });
          return [tf.addN(sums.map((s) => s[0])), tf.addN(sums.map((s) => s[1]))];
        }),
      ),
    );
    try {
      const v = (await packed.data()) as Float32Array;
      return groups.map((_, g) => ({ delta: Math.sqrt(v[2 * g]!), before: Math.sqrt(v[2 * g + 1]!) }));
    } finally {
      packed.dispose();
    }
  }

  dispose(): void {
    tf.dispose(this.copies);
  }
}
