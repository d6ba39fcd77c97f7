/// <reference lib="dom" />
// The serving browser test's page: bundled by esbuild for the browser from the browser-safe
// serving module, then run in Chromium. It serves a real MLP on MNIST digits handed in by the
// test, one call at a time, with one NaN planted in the logits' bias after `healthyCalls` calls.
import * as tf from '@tensorflow/tfjs';
import { monitorServing } from '../../src/serving/index.js';

async function serve(backend: string, pixels: number[], calls: number, healthyCalls: number) {
  if (!(await tf.setBackend(backend))) return null;
  await tf.ready();
  const before = tf.memory().numTensors;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 32, activation: 'relu' }),
      tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
    ],
  });
  const logs: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: (_: object, msg?: string) => void logs.push(msg ?? ''), error: (_: object, msg?: string) => void logs.push(msg ?? '') };
  const served = monitorServing(model, { modelVersion: 'browser-1', outputs: { every: 1 }, logger, tfjs: tf });
  const images = tf.tensor2d(pixels, [pixels.length / 784, 784]);
  let predicted = 0;
  for (let i = 0; i < calls; i++) {
    if (i === healthyCalls) {
      const [kernel, bias] = model.getLayer('logits').getWeights();
      const b = bias!.dataSync().slice();
      b[0] = NaN;
      const planted = tf.tensor(b, bias!.shape);
      model.getLayer('logits').setWeights([kernel!, planted]);
      planted.dispose();
    }
    const x = tf.slice(images, [i % images.shape[0], 0], [1, 784]);
    const y = served.predict(x) as tf.Tensor;
    const digit = y.argMax(-1);
    predicted += (await digit.data())[0]! >= 0 ? 1 : 0;
    tf.dispose([x, y, digit]);
  }
  await served.settled();
  const run = served.run();
  images.dispose();
  model.dispose();
  return {
    backend: tf.getBackend(),
    predicted,
    leaked: tf.memory().numTensors - before,
    run: { calls: run.calls, latencyCount: run.latency.count, outputs: run.outputs, memory: run.memory, dependencies: run.dependencies, p50: run.latencySeconds.p50 },
    findings: served.findings.map((f) => ({ kind: f.kind, call: f.call, occurrences: f.occurrences })),
    logs,
  };
}

(window as unknown as { serve: typeof serve }).serve = serve;
