/// <reference lib="dom" />
/**
 * The browser example's page code: the package root, bundled for the browser. It trains on the
 * digits the build wrote into mnist-data.js, shows every epoch, and the monitor's HTML report.
 */
import * as tf from '@tensorflow/tfjs';
import { TrainingInstabilityError, TrainingMonitor } from 'tfjs-monitor';

declare const MNIST: { pixels: number[]; labels: number[] };
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function train(): Promise<void> {
  const status = $<HTMLDivElement>('status');
  const backend = $<HTMLSelectElement>('backend').value;
  if (!(await tf.setBackend(backend))) {
    status.textContent = `the ${backend} backend is not available in this browser`;
    return;
  }
  const start = tf.memory().numTensors;
  const n = MNIST.labels.length;
  const xs = tf.tensor2d(MNIST.pixels, [n, 784]);
  const ys = tf.tensor2d(MNIST.labels.flatMap((d) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0))), [n, 10]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 64, activation: 'relu' }),
      tf.layers.dense({ name: 'hidden2', units: 32, activation: 'relu' }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const monitor = new TrainingMonitor({ deadRelu: { every: 10 } });
  const poison = new tf.CustomCallback({
    onBatchEnd: async (batch) => {
      if (!$<HTMLInputElement>('poison').checked || batch !== 20) return;
      const kernel = model.getLayer('hidden2').getWeights()[0] as tf.Variable;
      const values = kernel.dataSync().slice();
      values[0] = NaN;
      tf.tidy(() => kernel.assign(tf.tensor(values, kernel.shape)));
    },
  });
  const progress = new tf.CustomCallback({
    onEpochEnd: async (epoch, logs) => void (status.textContent = `epoch ${epoch + 1}: loss ${logs?.['loss']?.toFixed(4)}, accuracy ${logs?.['acc']?.toFixed(3)}`),
  });
  try {
    await model.fit(xs, ys, { epochs: 5, batchSize: 32, callbacks: [progress, poison, monitor] });
    status.textContent += ` · monitor: ${monitor.report().status}`;
  } catch (e) {
    status.textContent = e instanceof TrainingInstabilityError ? e.message : `error: ${String(e)}`;
  }
  $<HTMLIFrameElement>('report').srcdoc = monitor.renderReport({ title: `tfjs-monitor: MLP on MNIST (${tf.getBackend()})` });
  tf.dispose([xs, ys]);
  model.optimizer.dispose();
  model.dispose();
  status.textContent += ` · tensors left after disposing the data and the model: ${tf.memory().numTensors - start}`;
}

$<HTMLButtonElement>('train').addEventListener('click', () => void train());
