import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorSetupError, TrainingMonitor, type DeadReluFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { type Callbacks, backend, disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
let probe: tf.Tensor;
beforeAll(() => {
  data = loadMnist(200);
  probe = loadMnist(64, { offset: 5000 }).xs; // held-out digits
});
afterAll(() => tf.dispose([data.xs, data.ys, probe]));

const fitArgs = (callbacks: Callbacks, epochs = 1) =>
  ({ epochs, batchSize: 20, shuffle: false, verbose: 0, callbacks }) as const;

describe('dead ReLU probe', () => {
  it('names the layer that was driven dead, and only it', async () => {
    const model = mlp({ hidden2Bias: -100 });
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 5 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor])));
    const findings = monitor.findings as DeadReluFinding[];
    expect(findings.map((f) => [f.kind, f.layer])).toEqual([['dead-relu', 'hidden2']]);
    expect(findings[0]).toMatchObject({
      step: 0,
      deadFraction: 1,
      deadUnits: 16,
      units: 16,
      zeroFraction: 1,
      maxDeadFraction: 0.5,
      probeSize: 64,
      action: 'warn',
      occurrences: 2, // probed at steps 0 and 5
    });
    const report = monitor.report();
    expect(report.probes).toBe(2);
    const hidden1 = report.layers.find((l) => l.name === 'hidden1')!;
    expect(hidden1.relu).toBe(true);
    expect(hidden1.last.deadFraction).toBeLessThan(0.5);
    expect(hidden1.last.zeroFraction).toBeGreaterThan(0);
    expect(report.layers.find((l) => l.name === 'logits')!.relu).toBe(false);
    disposeModel(model);
  });

  it('a healthy MNIST run has zero findings and a full per-layer timeline', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 5 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 2)));
    expect(monitor.findings).toEqual([]);
    expect(() => monitor.assertHealthy()).not.toThrow();
    const report = monitor.report();
    expect(report).toMatchObject({ status: 'healthy', epochs: 2, steps: 20, checks: 20, probes: 4 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report); // plain JSON
    const hidden1 = report.layers.find((l) => l.name === 'hidden1')!;
    expect(hidden1.weights).toEqual(['hidden1/kernel', 'hidden1/bias']);
    expect(hidden1.timeline).toHaveLength(20);
    expect(hidden1.timeline[0]).toMatchObject({ step: 0, epoch: 0, batch: 0 });
    expect(hidden1.timeline[5]!.deadFraction).toBeDefined();
    expect(hidden1.timeline[1]!.deadFraction).toBeUndefined();
    disposeModel(model);
  });

  it("with 'stop' ends training at the first probe that sees the dead layer", async () => {
    const model = mlp({ hidden2Bias: -100 });
    const monitor = new TrainingMonitor({
      deadRelu: { probe, every: 3, maxDeadFraction: 0.9, action: 'stop' },
      logger: memoryLogger().logger,
    });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 3)));
    expect(monitor.report()).toMatchObject({ status: 'stopped', steps: 1, stoppedAt: { step: 0, kind: 'dead-relu' } });
    expect(() => monitor.assertHealthy()).toThrow(/layer 'hidden2': 100% of its units are dead/);
    disposeModel(model);
  });

  it('logs a clear line, and does not fail, for a model with no ReLU layers', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 16, activation: 'tanh' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const { logger, lines } = memoryLogger();
    const monitor = new TrainingMonitor({ deadRelu: { probe }, logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor])));
    const line = lines.find((l) => l['event'] === 'tfjs-monitor.no-relu');
    expect(line?.['msg']).toMatch(/no ReLU layers.*dead-ReLU check is off/);
    expect(monitor.findings).toEqual([]);
    expect(monitor.report().probes).toBe(0);
    disposeModel(model);
  });

  it('rejects a probe that does not fit the model input, before training and without leaking', async () => {
    const model = mlp();
    const wrong = tf.zeros([8, 28, 28, 1]);
    const monitor = new TrainingMonitor({ deadRelu: { probe: wrong }, logger: memoryLogger().logger });
    await expect(expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor])))).rejects.toThrow(
      /deadRelu\.probe: shape \[8, 28, 28, 1\] does not fit the model input '.*' of shape \[null, 784\]/,
    );
    await expect(model.fit(data.xs, data.ys, fitArgs([monitor]))).rejects.toThrow(MonitorSetupError);
    wrong.dispose();
    disposeModel(model);
  });

  it('covers relu and relu6 on Conv2D, Activation and ReLU layers (cpu: wasm cannot train Conv2D)', async (ctx) => {
    if (backend() === 'wasm') ctx.skip('the wasm backend has no Conv2D backprop kernel');
    const images = data.xs.reshape([200, 28, 28, 1]);
    const imageProbe = probe.reshape([64, 28, 28, 1]);
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'conv', inputShape: [28, 28, 1], filters: 4, kernelSize: 5, strides: 2, activation: 'relu6' }),
        tf.layers.conv2d({ name: 'conv_linear', filters: 4, kernelSize: 3 }),
        tf.layers.activation({ name: 'act_relu', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ name: 'dense', units: 8, biasInitializer: tf.initializers.constant({ value: -100 }) }),
        tf.layers.reLU({ name: 'relu_layer' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const monitor = new TrainingMonitor({ deadRelu: { probe: imageProbe, every: 5 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(images, data.ys, fitArgs([monitor])));
    const relu = monitor.report().layers.filter((l) => l.relu).map((l) => l.name);
    expect(relu).toEqual(['conv', 'act_relu', 'relu_layer']);
    // Only the ReLU layer after the dense layer with a -100 bias is dead; conv units are channels.
    expect(monitor.findings.map((f) => [f.kind, f.layer, (f as DeadReluFinding).units])).toEqual([['dead-relu', 'relu_layer', 8]]);
    const conv = monitor.report().layers.find((l) => l.name === 'conv')!;
    expect(conv.last.deadFraction).toBeLessThanOrEqual(0.5);
    tf.dispose([images, imageProbe]);
    disposeModel(model);
  });
});

describe('dead ReLU on the training batches, without a probe', () => {
  it('names the same dead layer as the probe, with no extra forward pass, and leaves the layers as they were', async () => {
    const model = mlp({ hidden2Bias: -100 });
    const monitor = new TrainingMonitor({ deadRelu: { every: 5 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 2)));
    expect(monitor.findings.map((f) => [f.kind, f.layer, (f as DeadReluFinding).source])).toEqual([['dead-relu', 'hidden2', 'training']]);
    expect(monitor.findings[0]).toMatchObject({ deadUnits: 16, units: 16, step: 0, probeSize: 20 });
    const hidden1 = monitor.report().layers.find((l) => l.name === 'hidden1')!;
    expect(hidden1.last.deadFraction).toBeLessThan(0.5);
    expect(hidden1.last.zeroFraction).toBeGreaterThan(0);
    for (const layer of model.layers) expect(Object.hasOwn(layer, 'call')).toBe(false); // the wrapper is gone
    // The probe's verdict on the same model agrees.
    const withProbe = new TrainingMonitor({ deadRelu: { probe, every: 5 }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([withProbe], 1));
    expect(withProbe.findings.map((f) => f.layer)).toEqual(['hidden2']);
    disposeModel(model);
  });

  it('a healthy run has no dead layer', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ deadRelu: { every: 5 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 2)));
    expect(monitor.findings).toEqual([]);
    expect(monitor.report().probes).toBe(4);
    disposeModel(model);
  });
});

describe('model topologies', () => {
  function nestedModel() {
    const inner = tf.sequential({
      name: 'encoder',
      layers: [
        tf.layers.dense({ name: 'enc1', inputShape: [784], units: 16, activation: 'relu' }),
        tf.layers.dense({ name: 'enc_dead', units: 8, activation: 'relu', biasInitializer: tf.initializers.constant({ value: -100 }) }),
      ],
    });
    const input = tf.input({ shape: [784], name: 'pixels' });
    const branch = tf.layers.dense({ name: 'side', units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const encoded = inner.apply(input) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([encoded, branch]) as tf.SymbolicTensor;
    const output = tf.layers.dense({ name: 'out', units: 10, activation: 'softmax' }).apply(merged) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    return model;
  }

  it('monitors a functional model with a nested Sequential: weights by inner layer, dead units inside', async () => {
    const model = nestedModel();
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 10 }, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    const inject = new tf.CustomCallback({
      onBatchEnd: async (batch) => {
        if (batch !== 7) return;
        const w = model.getLayer('encoder') as tf.LayersModel;
        const kernel = w.getLayer('enc1').weights[0]!.read() as tf.Variable;
        tf.tidy(() => kernel.assign(tf.fill(kernel.shape, Infinity)));
      },
    });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([inject, monitor])));
    const report = monitor.report();
    expect(report.layers.map((l) => [l.name, l.relu])).toEqual([
      ['enc1', true], ['enc_dead', true], ['side', true], ['out', false],
    ]);
    const [dead, nonFinite] = monitor.findings;
    expect(dead).toMatchObject({ kind: 'dead-relu', layer: 'enc_dead', step: 0 });
    expect(nonFinite).toMatchObject({ kind: 'non-finite', step: 7, layer: 'enc1', weight: 'enc1/kernel', infCount: 784 * 16, nanCount: 0 });
    expect(monitor.findings).toHaveLength(2);
    disposeModel(model);
  });
});
