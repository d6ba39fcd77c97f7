import * as tf from '@tensorflow/tfjs';

/** The Dense MLP of the benchmarks, on flat MNIST digits (784-128-64-10), trained with SGD. */
export function mlp(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

/** A small CNN on 28×28×1 digits: two conv + pool stages, then a dense softmax. */
export function cnn(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}
