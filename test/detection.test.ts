import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingInstabilityError, TrainingMonitor, type NonFiniteFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const fitArgs = (callbacks: unknown[], epochs = 1) => ({ epochs, batchSize: 20, shuffle: false, verbose: 0, callbacks }) as tf.ModelFitArgs;

/** A log whose input goes negative at the 4th batch: a NaN produced inside the layer's own tidy. */
class TidyLogLayer extends tf.layers.Layer {
  static className = 'TidyLogLayer';
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return tf.tidy(() => tf.log(tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, 0)));
  }
}

describe('detection on real models', () => {
  it('keeps the NaN of a two-input, two-output model with a nested model when a probe is given (on-detect replay)', async () => {
    const image = tf.input({ shape: [784], name: 'image' });
    const aux = tf.input({ shape: [4], name: 'aux' });
    const trunk = tf.sequential({ name: 'trunk', layers: [tf.layers.dense({ name: 'trunk1', inputShape: [784], units: 16, activation: 'relu' })] });
    const features = tf.layers.concatenate().apply([trunk.apply(image) as tf.SymbolicTensor, aux]) as tf.SymbolicTensor;
    const digit = tf.layers.dense({ name: 'digit', units: 10, activation: 'softmax' }).apply(features) as tf.SymbolicTensor;
    const real = tf.layers.dense({ name: 'real', units: 1, activation: 'sigmoid' }).apply(features) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [image, aux], outputs: [digit, real] });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: ['categoricalCrossentropy', 'binaryCrossentropy'] });
    const auxData = tf.ones([200, 4]);
    const realData = tf.ones([200, 1]);
    const probe = [data.xs.slice([0, 0], [16, 784]), auxData.slice([0, 0], [16, 4])];
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 50 }, logger: memoryLogger().logger });
    const error = await expectNoLeak(() =>
      model.fit([data.xs, auxData], [data.ys, realData], fitArgs([injectNaN(model, 'trunk1/kernel', 2), monitor])).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(TrainingInstabilityError);
    const finding = monitor.findings[0] as NonFiniteFinding;
    expect(finding).toMatchObject({ kind: 'non-finite', step: 2, layer: 'trunk1', weight: 'trunk1/kernel' });
    // The replay ran over both outputs: a NaN written into a weight is reproduced by no kernel, and it says so.
    expect(finding.originError).toBeUndefined();
    expect(finding.message).toMatch(/replaying the probe batch on the last finite weights did not reproduce it$/);
    expect(monitor.report().status).toBe('failed');
    tf.dispose([auxData, realData, ...probe]);
    disposeModel(model);
  });

  it('does not report dead ReLUs measured in the batch of a NaN (wasm maps NaN to 0 in Relu)', async () => {
    const model = mlp();
    const probe = data.xs.slice([0, 0], [32, 784]);
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 1 }, locate: 'off', logger: memoryLogger().logger });
    const error = (await model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden1/kernel', 3), monitor])).catch((e) => e)) as TrainingInstabilityError;
    expect(error).toBeInstanceOf(TrainingInstabilityError);
    expect(error.findings.map((f) => f.kind)).toEqual(['non-finite']);
    expect(monitor.report().probes).toBe(3); // steps 0, 1 and 2; not step 3, whose weights held the NaN
    // Without a probe, the training batches' own activations since the last measure are dropped too.
    const model2 = mlp();
    const monitor2 = new TrainingMonitor({ deadRelu: { every: 2 }, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    await model2.fit(data.xs, data.ys, fitArgs([injectNaN(model2, 'hidden1/kernel', 2), monitor2]));
    expect(monitor2.findings.filter((f) => f.kind === 'dead-relu')).toEqual([]);
    probe.dispose();
    disposeModel(model);
    disposeModel(model2);
  });

  it("names the layer class for a custom layer whose call uses tf.tidy, and for Dense's fused matmul", async () => {
    const tidy = tf.sequential({
      layers: [tf.layers.dense({ name: 'before', inputShape: [4], units: 3, kernelInitializer: 'ones' }), new TidyLogLayer({ name: 'log' }), tf.layers.dense({ name: 'after', units: 2 })],
    });
    tidy.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.tensor2d([[1, 1, 1, 1], [1, 2, 1, 1], [2, 1, 1, 1], [1, 1, 2, 1], [1, 1, 1, 2], [2, 2, 1, 1], [-5, -5, 1, 1], [-5, 1, 1, -5]]);
    const ys = tf.zeros([8, 2]);
    const monitor = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    await expect(tidy.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [monitor] })).rejects.toThrow(TrainingInstabilityError);
    expect(monitor.findings[0]).toMatchObject({ origin: { kernel: 'Log', pass: 'forward', layerClass: 'TidyLogLayer', inputsFinite: true } });

    // A Dense whose product overflows float32: the Infinity comes out of its own (fused) matmul.
    const dense = tf.sequential({ layers: [tf.layers.dense({ name: 'huge', inputShape: [4], units: 2, kernelInitializer: tf.initializers.constant({ value: 1e30 }) })] });
    dense.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const big = tf.fill([4, 4], 1e20);
    const monitor2 = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    await expect(dense.fit(big, tf.zeros([4, 2]), { epochs: 1, batchSize: 4, verbose: 0, callbacks: [monitor2] })).rejects.toThrow(TrainingInstabilityError);
    const origin = (monitor2.findings[0] as NonFiniteFinding).origin!;
    expect(origin).toMatchObject({ pass: 'forward', layerClass: 'Dense', inputsFinite: true });
    expect(origin.kernel).toMatch(/MatMul/);
    tf.dispose([xs, ys, big]);
    disposeModel(tidy);
    disposeModel(dense);
  });

  it('the update ratio fires at its defaults on a diverging run, before the first NaN', async () => {
    const model = mlp({ lr: 3, head: 'regression' });
    const monitor = new TrainingMonitor({ updateRatio: {}, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor])));
    const ratio = monitor.findings.find((f) => f.kind === 'update-ratio');
    const nan = monitor.findings.find((f) => f.kind === 'non-finite');
    expect(ratio).toMatchObject({ bound: 'max', limit: 10 });
    expect(nan).toBeDefined();
    expect(ratio!.step).toBeLessThan(nan!.step);
    expect(ratio!.message).toMatch(/‖ΔW‖\/‖W‖ = .* per update over the last 1 update\(s\), above 10: divergence ahead/);
    disposeModel(model);
  });
});
