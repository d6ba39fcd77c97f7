import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingInstabilityError, TrainingMonitor } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(100);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

/** Every kernel function of the backend, to compare by identity. */
const registry = () => new Map(tf.getKernelsForBackend(tf.getBackend()).map((k) => [k.kernelName, k.kernelFunc]));
function expectOriginalKernels(original: Map<string, unknown>): void {
  const now = registry();
  expect(now.size).toBe(original.size);
  const replaced = [...now].filter(([name, fn]) => original.get(name) !== fn).map(([name]) => name);
  expect(replaced).toEqual([]);
}
const ownCall = (model: tf.LayersModel) => model.layers.filter((l) => Object.hasOwn(l, 'call')).map((l) => l.name);

/** A dataset whose iterator throws at its `failAt`-th batch, as a broken input pipeline does. */
function throwingDataset(failAt: number) {
  let n = 0;
  return tf.data.generator(function* () {
    for (;;) {
      if (n++ === failAt) throw new Error('input pipeline broke');
      yield { xs: data.xs.slice([0, 0], [10, 784]), ys: data.ys.slice([0, 0], [10, 10]) };
    }
  });
}

describe('cleanup on every path', () => {
  it("a fitDataset whose iterator throws leaves every kernel original (locate: 'kernel'), and the next fit is normal", async () => {
    const original = registry();
    const model = mlp();
    const monitor = new TrainingMonitor({ locate: 'kernel', deadRelu: { every: 1 }, logger: memoryLogger().logger });
    await expect(model.fitDataset(throwingDataset(3), { epochs: 1, batchesPerEpoch: 6, verbose: 0, callbacks: [monitor] })).rejects.toThrow(
      /input pipeline broke/,
    );
    // Restored by the time fit's promise settled, though tfjs skipped every onTrainEnd.
    expectOriginalKernels(original);
    expect(ownCall(model)).toEqual([]);
    expect(monitor.report().endedAt).not.toBeNull();

    const next = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    await expect(
      expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [injectNaN(model, 'hidden2/bias', 2), next] })),
    ).rejects.toThrow(TrainingInstabilityError);
    expect(next.findings[0]).toMatchObject({ kind: 'non-finite', step: 2 });
    expectOriginalKernels(original);
    disposeModel(model);
  });

  it('a layer that throws mid-fit, stopTraining, and the monitor failing all leave tfjs as it was', async () => {
    const original = registry();
    const model = mlp();
    const breaker = new tf.CustomCallback({
      onBatchEnd: async (batch) => {
        if (batch === 2) (model.getLayer('hidden2') as unknown as { call: () => never }).call = () => {
          throw new Error('layer exploded');
        };
      },
    });
    const monitor = new TrainingMonitor({ locate: 'kernel', deadRelu: { every: 1 }, logger: memoryLogger().logger });
    await expect(model.fit(data.xs, data.ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [breaker, monitor] })).rejects.toThrow(/layer exploded/);
    delete (model.getLayer('hidden2') as unknown as { call?: unknown }).call;
    expectOriginalKernels(original);
    expect(ownCall(model)).toEqual([]);

    const stopper = new tf.CustomCallback({ onBatchEnd: async (batch) => void (batch === 1 && (model.stopTraining = true)) });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [stopper, new TrainingMonitor({ locate: 'kernel', deadRelu: { every: 1 }, logger: memoryLogger().logger })] });
    expectOriginalKernels(original);
    expect(ownCall(model)).toEqual([]);

    // The monitor's own error (a probe disposed mid-fit) stops training and is raised after cleanup.
    const probe = data.xs.slice([0, 0], [8, 784]);
    const dispose = new tf.CustomCallback({ onBatchEnd: async (batch) => void (batch === 0 && probe.dispose()) });
    const failing = new TrainingMonitor({ locate: 'kernel', deadRelu: { probe, every: 2 }, logger: memoryLogger().logger });
    await expect(
      expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [dispose, failing] })),
    ).rejects.toThrow(/deadRelu\.probe was disposed during training/);
    expectOriginalKernels(original);
    disposeModel(model);
  });

  it('a trap abandoned by another run is never taken for the originals', async () => {
    const original = registry();
    const model = mlp();
    // A fit that tfjs aborts right at the start, before the isTraining hook is even set.
    const abandoned = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    abandoned.setModel(model);
    await abandoned.onTrainBegin();
    expect(registry().get('Add')).not.toBe(original.get('Add'));
    const monitor = new TrainingMonitor({ locate: 'kernel', logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [monitor] });
    expectOriginalKernels(original);
    (model as unknown as { isTraining: boolean }).isTraining = false;
    disposeModel(model);
  });
});

describe('callback order', () => {
  it("the other callbacks' onTrainEnd runs when the monitor fails the fit, whatever its place", async () => {
    for (const monitorFirst of [true, false]) {
      const model = mlp();
      const ended: string[] = [];
      const early = tf.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
      const earlyEnd = early.onTrainEnd.bind(early);
      early.onTrainEnd = async (logs) => {
        ended.push('earlyStopping');
        await earlyEnd(logs);
      };
      const plain = { onTrainEnd: async () => void ended.push('plain') };
      const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
      const nan = injectNaN(model, 'hidden1/kernel', 1);
      const callbacks = monitorFirst ? monitor.with(nan, early, plain) : [nan, early, new tf.CustomCallback(plain), monitor];
      await expect(expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks }))).rejects.toThrow(
        // First, the monitor checks step 1 before the NaN is written: it is found at step 2.
        monitorFirst ? /unstable at epoch 0, batch 2 \(step 2\)/ : /unstable at epoch 0, batch 1 \(step 1\)/,
      );
      expect(ended).toEqual(['earlyStopping', 'plain']);
      disposeModel(model);
    }
  });

  it('monitor.with(...) takes plain-object and class callbacks in any mix', async () => {
    const model = mlp();
    const seen: number[] = [];
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    const callbacks = monitor.with(tf.callbacks.earlyStopping({ monitor: 'loss' }), { onEpochEnd: async (epoch: number) => void seen.push(epoch) });
    await model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks });
    expect(seen).toEqual([0, 1]);
    expect(monitor.report()).toMatchObject({ status: 'healthy', steps: 10 });
    disposeModel(model);
  });
});
