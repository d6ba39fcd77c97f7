import * as tf from '@tensorflow/tfjs';
import { loadMnist } from './mnist.js';
import { buildMlp } from './models.js';

/** Version 1: the examples' MLP, trained for three epochs on 3,000 real digits. */
export async function trainV1(): Promise<tf.LayersModel> {
  const model = buildMlp({ lr: 0.1 });
  const { xs, ys } = loadMnist(3000);
  await model.fit(xs, ys, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  return model;
}

/**
 * Version 2, with a planted slowdown: v1's weights behind `layers` 784-wide Dense layers
 * initialised to the identity. It predicts exactly what v1 predicts (x·I = x), and each call
 * does `layers` × 784² more multiply-adds: a latency regression with no accuracy change, as a
 * refactor that adds a needless block would make.
 */
export function plantSlowdown(v1: tf.LayersModel, layers = 16): tf.LayersModel {
  const copy = buildMlp();
  copy.setWeights(v1.getWeights());
  const identity = Array.from({ length: layers }, (_, i) =>
    tf.layers.dense({ name: `identity${i}`, ...(i === 0 ? { inputShape: [784] } : {}), units: 784, useBias: false, kernelInitializer: 'identity' }),
  );
  return tf.sequential({ layers: [...identity, ...copy.layers] });
}
