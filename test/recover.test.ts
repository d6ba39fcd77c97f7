import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor, type NonFiniteFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const fitArgs = (callbacks: unknown[], epochs = 3) => ({ epochs, batchSize: 20, shuffle: false, verbose: 0, callbacks }) as tf.ModelFitArgs;

describe('rollback to the last finite weights', () => {
  it("restores the last snapshot that passed the checks, stops, and leaks nothing", async () => {
    const model = mlp();
    let atStep9: Float32Array[] = [];
    let step = 0;
    const spy = new tf.CustomCallback({
      onBatchEnd: async () => {
        if (step++ === 9) atStep9 = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
      },
    });
    const monitor = new TrainingMonitor({ nonFinite: { action: 'rollback-and-stop' }, snapshotEvery: 5, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([spy, injectNaN(model, 'hidden2/kernel', 13), monitor])));
    const finding = monitor.findings[0] as NonFiniteFinding;
    expect(finding).toMatchObject({ kind: 'non-finite', step: 13, action: 'rollback-and-stop', rolledBackTo: 9 });
    expect(finding.message).toMatch(/rolled back to the weights of step 9, the last that passed the checks/);
    expect(monitor.report()).toMatchObject({ status: 'stopped', steps: 14 });
    const now = model.getWeights().map((w) => w.dataSync());
    now.forEach((values, i) => {
      expect(values.every(Number.isFinite)).toBe(true);
      expect(Array.from(values)).toEqual(Array.from(atStep9[i]!));
    });
    disposeModel(model);
  });

  it('rolls back to the initial weights when the first check already fails', async () => {
    const model = mlp();
    const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
    const monitor = new TrainingMonitor({ nonFinite: { action: 'rollback-and-stop' }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'logits/bias', 0), monitor])));
    expect(monitor.findings[0]).toMatchObject({ rolledBackTo: -1 });
    expect(monitor.findings[0]!.message).toMatch(/rolled back to the weights of the start of training/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(initial);
    disposeModel(model);
  });

  it('rolls back at the final check too, when the NaN came after the last regular check', async () => {
    const model = mlp();
    const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
    const monitor = new TrainingMonitor({ nonFinite: { action: 'rollback-and-stop' }, checkEvery: 100, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden1/bias', 9), monitor], 1)));
    expect(monitor.findings[0]).toMatchObject({ kind: 'non-finite', step: 9, rolledBackTo: -1 });
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(initial);
    disposeModel(model);
  });
});

describe('update-to-weight ratio', () => {
  it('finds the layers that stopped learning behind a dead layer, at the first measure', async () => {
    const model = mlp({ hidden2Bias: -100 });
    const monitor = new TrainingMonitor({ updateRatio: { every: 3 }, weightBounds: [], logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 1)));
    // No gradient reaches hidden1 and hidden2 through the dead ReLUs, and the logits see only zeros
    // on balanced batches: nothing learns, and every layer says so at the first measure (step 2).
    const frozen = monitor.findings.filter((f) => f.kind === 'update-ratio');
    expect(frozen.map((f) => [f.layer, (f as { bound: string }).bound, f.step])).toEqual([
      ['hidden1', 'min', 2],
      ['hidden2', 'min', 2],
      ['logits', 'min', 2],
    ]);
    disposeModel(model);
  });

  it('stays quiet on a healthy run, with ratios in the timeline', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ updateRatio: { every: 3 }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 1)));
    expect(monitor.findings).toEqual([]);
    for (const layer of monitor.report().layers) {
      const ratios = layer.timeline.flatMap((p) => (p.updateRatio === undefined ? [] : [p.updateRatio]));
      expect(ratios).toHaveLength(3); // measures at steps 2, 5 and 8
      for (const r of ratios) expect(r).toBeGreaterThan(1e-6);
    }
    disposeModel(model);
  });

  it('finds a layer whose updates are too large for its weights', async () => {
    const model = mlp({ lr: 5, head: 'regression' });
    const monitor = new TrainingMonitor({ updateRatio: { max: 0.05 }, snapshotEvery: 1, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([monitor], 1));
    const big = monitor.findings.find((f) => f.kind === 'update-ratio');
    expect(big).toMatchObject({ bound: 'max', limit: 0.05 });
    expect(big!.step).toBeLessThan(monitor.findings.find((f) => f.kind === 'non-finite')?.step ?? Infinity);
    disposeModel(model);
  });
});

describe('loss spikes', () => {
  it('records the batch where the loss jumped, before anything is non-finite', async () => {
    const model = mlp({ head: 'regression', lr: 0.01 });
    // Labels of one batch (examples 140–159, batch 7) multiplied by 30: a bad batch.
    const labels = data.ys.dataSync().slice();
    for (let i = 140 * 10; i < 160 * 10; i++) labels[i]! *= 30;
    const ys = tf.tensor2d(labels, data.ys.shape);
    const monitor = new TrainingMonitor({ lossSpike: { window: 5, action: 'warn' }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, ys, fitArgs([monitor], 1)));
    expect(monitor.report().lossSpikes.map((s) => s.step)).toEqual([7]);
    expect(monitor.findings).toEqual([expect.objectContaining({ kind: 'loss-spike', step: 7, batch: 7, action: 'warn' })]);
    ys.dispose();
    disposeModel(model);
  });

  it('stays quiet on a healthy run', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ lossSpike: { action: 'warn' }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([monitor], 6));
    expect(monitor.report().lossSpikes).toEqual([]);
    expect(monitor.findings).toEqual([]);
    disposeModel(model);
  });
});

/** A custom layer with a bug: log of values that can be negative. */
class LogLayer extends tf.layers.Layer {
  static className = 'LogLayer';
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return tf.log(Array.isArray(inputs) ? inputs[0]! : inputs);
  }
}

describe("locate: 'kernel'", () => {
  function logModel() {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'before', inputShape: [4], units: 3, kernelInitializer: 'ones' }),
        new LogLayer({ name: 'log' }),
        tf.layers.dense({ name: 'after', units: 2 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return model;
  }
  // Rows sum to a positive number except in the 4th batch (rows 6 and 7), where the log is NaN.
  const xs = () => tf.tensor2d([[1, 1, 1, 1], [1, 2, 1, 1], [2, 1, 1, 1], [1, 1, 2, 1], [1, 1, 1, 2], [2, 2, 1, 1], [-5, -5, 1, 1], [-5, 1, 1, -5]]);
  const kernels = () => tf.getKernelsForBackend(tf.getBackend()).map((k) => [k.kernelName, k.kernelFunc] as const);

  it('names the kernel and the layer that produced the NaN, not the layers that passed it on', async () => {
    const model = logModel();
    const [x, y] = [xs(), tf.zeros([8, 2])];
    const registry = kernels();
    const monitor = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    await expect(
      expectNoLeak(() => model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [monitor] })),
    ).rejects.toThrow(/first produced by kernel Log \(forward pass, in a LogLayer layer\) from finite inputs/);
    expect(monitor.findings[0]).toMatchObject({
      kind: 'non-finite',
      step: 3,
      origin: { kernel: 'Log', pass: 'forward', layerClass: 'LogLayer', inputsFinite: true },
    });
    // The trap leaves the kernel registry exactly as it found it, even after a failed fit.
    expect(kernels()).toEqual(registry);
    tf.dispose([x, y]);
    disposeModel(model);
  });

  it('says when the first non-finite kernel only passed on a bad input', async () => {
    const model = mlp();
    const registry = kernels();
    // The NaN is written into a weight after step 2 (no kernel makes it) and checked only at step 3,
    // after the forward pass of step 3 has read it: that kernel's inputs were already non-finite.
    const monitor = new TrainingMonitor({ locate: 'kernel', checkEvery: 3, nonFinite: { action: 'stop' }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden1/kernel', 2), monitor], 1));
    const finding = monitor.findings[0] as NonFiniteFinding;
    expect(finding).toMatchObject({ step: 3, origin: { pass: 'forward', inputsFinite: false } });
    expect(finding.message).toMatch(/from inputs that were already non-finite/);
    expect(kernels()).toEqual(registry);
    disposeModel(model);
  });

  it("'on-detect' trains untrapped, then replays the probe on the last finite weights to name the kernel", async () => {
    const model = logModel();
    const [x, y] = [xs(), tf.zeros([8, 2])];
    const registry = kernels();
    const probe = tf.tensor2d([[1, 1, 1, 1], [-5, -5, 1, 1]]); // held-out inputs, one of them bad too
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 100 }, logger: memoryLogger().logger }); // locate: 'auto'
    await expect(
      expectNoLeak(() => model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [monitor] })),
    ).rejects.toThrow(/first produced by kernel Log \(forward pass, in a LogLayer layer\) from finite inputs \(replaying the probe batch/);
    expect(monitor.findings.find((f) => f.kind === 'non-finite')).toMatchObject({ step: 3, origin: { kernel: 'Log', inputsFinite: true } });
    expect(kernels()).toEqual(registry);

    // A probe unlike the batch that went wrong cannot reproduce it, and the finding says so.
    const fine = tf.tensor2d([[1, 1, 1, 1]]);
    const model2 = logModel();
    const monitor2 = new TrainingMonitor({ deadRelu: { probe: fine, every: 100 }, locate: 'on-detect', logger: memoryLogger().logger });
    await expect(model2.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: [monitor2] })).rejects.toThrow(
      /replaying the probe batch on the last finite weights did not reproduce it/,
    );
    tf.dispose([x, y, probe, fine]);
    disposeModel(model);
    disposeModel(model2);
  });
});
