/**
 * A hand-written training loop, the kind GANs, RL and custom losses need: an MLP made of plain
 * tf.variable()s, trained with tf.variableGrads and optimizer.applyGradients. The monitor watches
 * the loop through `monitor.watch(variables)`: the loss, every gradient before it is applied, and
 * every variable after. With `--poison 40`, the gradient of step 40 gets an Infinity: the loop
 * fails at that step, naming the variable, and no weight is ever written with it.
 *   npm run example:custom-loop [-- --poison 40]
 */
import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { formatReport, TrainingInstabilityError, TrainingMonitor } from 'tfjs-monitor';
import { useFastestBackend } from './lib/backend.js';
import { loadMnist } from './lib/mnist.js';
import { runExample } from './lib/run.js';

runExample(async () => {
  const poisonAt = process.argv.includes('--poison') ? Number(process.argv[process.argv.indexOf('--poison') + 1]) : -1;
  console.log(`backend: ${await useFastestBackend()}`);
  const { xs, ys } = loadMnist(2000);
  const init = (shape: number[], seed: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / shape[0]!), 'float32', seed));
  // Named like layers (`layer/weight`): the report groups them by the part before the '/'.
  const variables = {
    'hidden/kernel': init([784, 64], 1),
    'hidden/bias': tf.variable(tf.zeros([64])),
    'logits/kernel': init([64, 10], 2),
    'logits/bias': tf.variable(tf.zeros([10])),
  };
  const v = variables;
  const forward = (x: tf.Tensor) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, v['hidden/kernel']), v['hidden/bias'])), v['logits/kernel']), v['logits/bias']);
  const optimizer = tf.train.adam(0.01);
  const monitor = new TrainingMonitor({ logger: pino({ level: 'silent' }) });
  const watch = await monitor.watch(variables);
  const batchSize = 50;
  try {
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let b = 0; b < xs.shape[0]! / batchSize; b++) {
        const [x, y] = [xs.slice([b * batchSize, 0], [batchSize, 784]), ys.slice([b * batchSize, 0], [batchSize, 10])];
        const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar);
        const step = epoch * (xs.shape[0]! / batchSize) + b;
        if (step === poisonAt) {
          const bad = tf.tidy(() => tf.mul(grads[v['logits/bias'].name]!, Infinity));
          grads[v['logits/bias'].name]!.dispose();
          grads[v['logits/bias'].name] = bad;
        }
        try {
          await watch.step({ loss: value, grads, batchSize }); // before the update: a bad gradient never lands
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        } finally {
          tf.dispose([x, y, value, ...Object.values(grads)]);
        }
      }
      await watch.epochEnd();
    }
    await watch.end();
  } catch (error) {
    if (!(error instanceof TrainingInstabilityError)) throw error;
    console.error(error.message.split('. ')[0]);
    return 1;
  }
  const accuracy = tf.tidy(() => tf.mean(tf.equal(tf.argMax(forward(xs), 1), tf.argMax(ys, 1))).dataSync()[0]!);
  console.log(`accuracy on the training digits: ${(100 * accuracy).toFixed(1)}%\n`);
  console.log(formatReport(monitor.report()));
  return 0;
});
