import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { KernelTrap, type KernelFault } from './kernel-trap.js';
import type { WeightRef } from './model-weights.js';
import type { WeightSnapshot } from './weight-snapshot.js';

/**
 * Replays `probe` forward and backward on the snapshot's weights with every kernel trapped, then
 * puts the current weights back. Returns the first kernel that produced NaN/Infinity, or null.
 * The sum of every output stands in for the loss: the probe has no labels, a model may have
 * several outputs, and any gradient runs every backward kernel on the way to the weights.
 */
export async function replayForFault(model: LayersModel, probe: tf.Tensor | tf.Tensor[], weights: readonly WeightRef[], snapshot: WeightSnapshot): Promise<KernelFault | null> {
  const current = weights.map((w) => tf.clone(w.read()));
  snapshot.restore(weights);
  const trap = KernelTrap.install();
  try {
    const trainable = weights.filter((w) => w.trainable).map((w) => w.read());
    tf.tidy(() => {
      const total = () => {
        const out = model.apply(probe, { training: true }) as tf.Tensor | tf.Tensor[];
        return tf.addN((Array.isArray(out) ? out : [out]).map((o) => tf.sum(o))) as tf.Scalar;
      };
      if (trainable.length > 0) tf.variableGrads(total, trainable);
      else total();
    });
  } finally {
    trap.uninstall();
    weights.forEach((w, i) => w.read().assign(current[i]!));
    tf.dispose(current);
  }
  return trap.fault;
}
