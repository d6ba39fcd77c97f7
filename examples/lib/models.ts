import * as tf from '@tensorflow/tfjs';

export interface MlpOptions {
  /** SGD learning rate. */
  lr?: number;
  /**
   * 'classifier': softmax + categorical cross-entropy (the usual MNIST model).
   * 'regression': linear outputs + mean squared error onto the one-hot targets. Its loss is
   * unbounded, so too high a learning rate overflows to Infinity; tfjs clips cross-entropy, so
   * there an excessive learning rate kills the ReLUs instead.
   */
  head?: 'classifier' | 'regression';
  /** Initial bias of `hidden2`: a large negative value starts that layer dead. */
  hidden2Bias?: number;
  seed?: number;
}

/** The MLP every example uses: 784 → hidden1 (ReLU) → hidden2 (ReLU) → logits, with seeded weights. */
export function buildMlp(options: MlpOptions = {}): tf.Sequential {
  const { lr = 0.1, head = 'classifier', hidden2Bias = 0, seed = 1 } = options;
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed + i });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 32, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({
        name: 'hidden2',
        units: 16,
        activation: 'relu',
        kernelInitializer: init(2),
        biasInitializer: tf.initializers.constant({ value: hidden2Bias }),
      }),
      tf.layers.dense({
        name: 'logits',
        units: 10,
        activation: head === 'classifier' ? 'softmax' : 'linear',
        kernelInitializer: init(3),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.sgd(lr),
    loss: head === 'classifier' ? 'categoricalCrossentropy' : 'meanSquaredError',
    metrics: ['accuracy'],
  });
  return model;
}
