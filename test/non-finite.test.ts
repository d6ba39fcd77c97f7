import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingInstabilityError, TrainingMonitor, type NonFiniteFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { type Callbacks, backend, disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

// 200 real digits in batches of 20: 10 batches an epoch, so global step 13 is epoch 1, batch 3.
let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const fitArgs = (callbacks: Callbacks) =>
  ({ epochs: 3, batchSize: 20, shuffle: false, verbose: 0, callbacks }) as const;

describe('first NaN/Infinity', () => {
  it('names the exact epoch, batch, step, layer and weight where a NaN was injected', async () => {
    const model = mlp();
    const { logger, lines } = memoryLogger();
    const monitor = new TrainingMonitor({ nonFinite: { action: 'warn' }, logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden2/kernel', 13), monitor])));

    const [finding, ...rest] = monitor.findings;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: 'non-finite',
      epoch: 1,
      batch: 3,
      step: 13,
      layer: 'hidden2',
      weight: 'hidden2/kernel',
      nanCount: 1,
      infCount: 0,
      size: 32 * 16,
    });
    // With 'warn' training goes on; the NaN spreads and every later check counts it, without new findings.
    // 17 batch checks from step 13 on; on cpu the epoch-average losses of epochs 1 and 2 are NaN
    // too (cpu's ReLU passes NaN on, wasm's turns it into 0, so there the loss stays finite).
    const occurrences = (finding as NonFiniteFinding).occurrences;
    expect(occurrences).toBe(30 - 13 + (backend() === 'cpu' ? 2 : 0));
    expect(finding!.lastStep).toBe(29);
    const warned = lines.filter((l) => l['event'] === 'tfjs-monitor.finding');
    expect(warned).toHaveLength(1);
    expect(warned[0]!['msg']).toMatch(/epoch 1, batch 3 \(step 13\).*layer 'hidden2', weight 'hidden2\/kernel'/);
    disposeModel(model);
  });

  it("with 'fail' stops at that batch and makes model.fit reject with a TrainingInstabilityError, leaking nothing", async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    let batchesRun = 0;
    const counter = new tf.CustomCallback({ onBatchEnd: async () => void batchesRun++ });
    const error = await expectNoLeak(() =>
      model.fit(data.xs, data.ys, fitArgs([counter, injectNaN(model, 'logits/bias', 4), monitor])).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(TrainingInstabilityError);
    const e = error as TrainingInstabilityError;
    expect(e.message).toMatch(/epoch 0, batch 4 \(step 4\).*layer 'logits', weight 'logits\/bias'/);
    expect(e.findings[0]).toMatchObject({ kind: 'non-finite', action: 'fail', step: 4, weight: 'logits/bias' });
    expect(batchesRun).toBe(5); // no batch ran after the one that produced the NaN
    expect(monitor.report().status).toBe('failed');
    disposeModel(model);
  });

  it("with 'stop' ends training gracefully at that batch and fit resolves", async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ nonFinite: { action: 'stop' }, logger: memoryLogger().logger });
    const history = await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden1/bias', 12), monitor])));
    expect(history.epoch).toEqual([0, 1]); // stopped inside the second epoch
    const report = monitor.report();
    expect(report).toMatchObject({ status: 'stopped', steps: 13, stoppedAt: { epoch: 1, batch: 2, step: 12, kind: 'non-finite' } });
    disposeModel(model);
  });

  it('names the loss when the forward pass goes non-finite before any weight does', async () => {
    const model = mlp();
    // A corrupt label (NaN) in example 45, i.e. in batch 2 of the first epoch.
    const labels = data.ys.dataSync().slice();
    labels[45 * 10 + 3] = NaN;
    const ys = tf.tensor2d(labels, data.ys.shape);
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    await expect(expectNoLeak(() => model.fit(data.xs, ys, fitArgs([monitor])))).rejects.toThrow(TrainingInstabilityError);
    const finding = monitor.findings[0] as NonFiniteFinding;
    expect(finding).toMatchObject({ kind: 'non-finite', epoch: 0, batch: 2, weight: 'loss' });
    expect(finding.layer).toBeUndefined();
    // The bad update already reached the weights: they are listed too.
    expect(finding.affected.map((a) => a.weight)).toContain('logits/bias');
    ys.dispose();
    disposeModel(model);
  });

  it('with checkEvery > 1 still checks the last batch before training ends', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ checkEvery: 7, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([injectNaN(model, 'hidden1/kernel', 29), monitor])));
    expect(monitor.findings[0]).toMatchObject({ kind: 'non-finite', step: 29, weight: 'hidden1/kernel' });
    expect(monitor.report().checks).toBe(5 + 1); // steps 0, 7, 14, 21, 28, then the final one
    disposeModel(model);
  });

  it('works with model.fitDataset and fails it the same way, leaking nothing', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    const [xs, ys] = [tf.unstack(data.xs), tf.unstack(data.ys)];
    const ds = tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(20);
    const before = tf.memory().numTensors;
    await expect(
      model.fitDataset(ds, { epochs: 2, verbose: 0, callbacks: [injectNaN(model, 'hidden2/bias', 6), monitor] }),
    ).rejects.toThrow(/epoch 0, batch 6 \(step 6\).*hidden2\/bias/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...xs, ...ys]);
    disposeModel(model);
  });

  it('sees the loss as a tensor when it is the only callback', async () => {
    const model = mlp({ lr: 0.05 });
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor])));
    const report = monitor.report();
    expect(report.status).toBe('healthy');
    // Real cross-entropy on 10 classes: ln(10) ≈ 2.3 at chance, lower once it has learned from the digits.
    expect(report.lastLoss).toBeGreaterThan(0.05);
    expect(report.lastLoss).toBeLessThan(2.3);
    disposeModel(model);
  });
});
