/// <reference lib="dom" />
// The code of the browser test page: bundled by esbuild for the browser from the package root,
// as a user's bundler would, then run in Chromium. It trains a real MLP on MNIST digits handed in
// by the test, with a NaN planted after a given batch, and shows the monitor's HTML report.
import * as tf from '@tensorflow/tfjs';
import { TrainingInstabilityError, TrainingMonitor, type NonFiniteFinding } from 'tfjs-monitor';

interface Outcome {
  backend: string;
  rejectedWith: string | null;
  finding: Pick<NonFiniteFinding, 'kind' | 'step' | 'batch' | 'layer' | 'weight'> | null;
  leaked: number;
  status: string;
  logged: number;
}

async function run(backend: string, pixels: number[], labels: number[], nanAfterBatch: number): Promise<Outcome | null> {
  if (!(await tf.setBackend(backend))) return null;
  await tf.ready();
  const xs = tf.tensor2d(pixels, [labels.length, 784]);
  const ys = tf.tensor2d(labels.flatMap((d) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0))), [labels.length, 10]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 32, activation: 'relu' }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  let logged = 0;
  const logger = { debug: () => {}, info: () => void logged++, warn: () => void logged++, error: () => void logged++ };
  const monitor = new TrainingMonitor({ logger });
  const plant = new tf.CustomCallback({
    onBatchEnd: async (batch) => {
      if (batch !== nanAfterBatch) return;
      const kernel = model.getLayer('hidden1').getWeights()[0] as tf.Variable;
      const values = kernel.dataSync().slice();
      values[5] = NaN;
      tf.tidy(() => kernel.assign(tf.tensor(values, kernel.shape)));
    },
  });
  const before = tf.memory().numTensors;
  let rejectedWith: string | null = null;
  try {
    await model.fit(xs, ys, { epochs: 1, batchSize: 20, shuffle: false, verbose: 0, callbacks: [plant, monitor] });
  } catch (e) {
    rejectedWith = e instanceof TrainingInstabilityError ? `TrainingInstabilityError: ${e.message}` : String(e);
  }
  const leaked = tf.memory().numTensors - before;
  const report = monitor.report();
  const frame = document.createElement('iframe');
  frame.id = 'report';
  frame.style.width = '1200px';
  frame.style.height = '900px';
  frame.srcdoc = monitor.renderReport({ title: `tfjs-monitor in the browser (${backend})` });
  document.body.replaceChildren(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const f = report.findings[0] as NonFiniteFinding | undefined;
  tf.dispose([xs, ys]);
  model.dispose();
  return {
    backend: tf.getBackend(),
    rejectedWith,
    finding: f ? { kind: f.kind, step: f.step, batch: f.batch, layer: f.layer, weight: f.weight } : null,
    leaked,
    status: report.status,
    logged,
  };
}

(window as unknown as { runMonitored: typeof run }).runMonitored = run;
