/**
 * The demo: trains an MLP on real MNIST digits with the monitor on, then prints its report.
 *   npm run demo
 */
import { resolve } from 'node:path';
import { TrainingMonitor, formatReport } from 'tfjs-monitor';
import { tf, useFastestBackend } from './lib/backend.js';
import { loadMnist } from './lib/mnist.js';
import { buildMlp } from './lib/models.js';
import { runExample } from './lib/run.js';

runExample(async () => {
  const backend = await useFastestBackend();
  console.log(`backend: ${backend}`);

  const train = loadMnist(5000);
  const probe = loadMnist(64, { offset: 5000 }).xs; // held-out digits for the dead-ReLU probe
  const test = loadMnist(2000, { offset: 6000 });

  const model = buildMlp({ lr: 0.1 });
  const monitor = new TrainingMonitor({
    deadRelu: { probe, every: 50 },
    // Findings only (on stderr): this script prints its own epoch lines, and the report below.
    verbose: 0,
  });
  const progress = new tf.CustomCallback({
    onEpochEnd: async (epoch, logs) =>
      console.log(`epoch ${epoch + 1}: loss ${logs?.['loss']?.toFixed(4)}, accuracy ${logs?.['acc']?.toFixed(3)}`),
  });

  const started = performance.now();
  // No shuffling: the digits are already interleaved, and the demo then prints the same numbers every run.
  await model.fit(train.xs, train.ys, { epochs: 5, batchSize: 32, shuffle: false, verbose: 0, callbacks: [progress, monitor] });
  const seconds = (performance.now() - started) / 1000;

  const [, accuracy] = model.evaluate(test.xs, test.ys) as tf.Scalar[];
  const percent = ((await accuracy!.data())[0]! * 100).toFixed(1);
  console.log(`trained on 5000 real digits in ${seconds.toFixed(1)} s; accuracy on 2000 held-out digits: ${percent}%\n`);
  console.log(formatReport(monitor.report()));
  const html = resolve('mnist-report.html');
  monitor.writeReport(html, { title: 'tfjs-monitor: MLP on MNIST' });
  console.log(`\nHTML report: ${html}`);
});
