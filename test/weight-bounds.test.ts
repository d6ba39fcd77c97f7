import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingInstabilityError, TrainingMonitor, type NonFiniteFinding, type WeightBoundFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const fit = (model: tf.LayersModel, monitor: TrainingMonitor, epochs = 1) =>
  expectNoLeak(() => model.fit(data.xs, data.ys, { epochs, batchSize: 20, shuffle: false, verbose: 0, callbacks: [monitor] }));

describe('weight bounds', () => {
  it('reports the observed value, the limit and the fraction of elements out of bounds', async () => {
    const model = mlp();
    // Glorot-uniform on 784×32 keeps |w| < 0.0827; 0.08 is breached by a known share of the kernel.
    const kernel = model.getLayer('hidden1').getWeights()[0]!;
    const expectedOutside = tf.tidy(() => tf.abs(kernel).greater(0.08).sum().dataSync()[0]!) / kernel.size;
    const monitor = new TrainingMonitor({
      weightBounds: [{ layer: 'hidden*', weight: 'kernel', maxAbs: 0.08 }],
      logger: memoryLogger().logger,
    });
    await fit(model, monitor);
    const findings = monitor.findings as WeightBoundFinding[];
    const hidden1 = findings.find((f) => f.layer === 'hidden1')!;
    expect(hidden1).toMatchObject({ kind: 'weight-bound', step: 0, epoch: 0, batch: 0, weight: 'hidden1/kernel', bound: 'maxAbs', limit: 0.08, action: 'warn', rule: 0 });
    expect(hidden1.observed).toBeGreaterThan(0.08);
    expect(hidden1.fractionOutOfBounds).toBeGreaterThan(0);
    expect(hidden1.fractionOutOfBounds).toBeCloseTo(expectedOutside, 2); // after one small SGD step
    expect(hidden1.occurrences).toBe(10); // breached at every check, reported once
    // The glob matched hidden1 and hidden2 but not the logits layer, and only kernels.
    expect(findings.every((f) => f.kind === 'weight-bound' && f.weight.endsWith('/kernel') && f.layer !== 'logits')).toBe(true);
    disposeModel(model);
  });

  it('matches a full weight name when the pattern has a slash, and checks min and max separately', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({
      weightBounds: [{ weight: 'logits/kernel', min: -0.01, max: 10 }],
      logger: memoryLogger().logger,
    });
    await fit(model, monitor);
    expect(monitor.findings.map((f) => [f.kind, f.weight, (f as WeightBoundFinding).bound])).toEqual([
      ['weight-bound', 'logits/kernel', 'min'],
    ]);
    disposeModel(model);
  });

  it("a rule's own action applies: 'fail' makes fit reject, naming the layer and weight", async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({
      weightBounds: [{ layer: 'logits', weight: 'kernel', maxAbs: 0.1, action: 'fail' }],
      logger: memoryLogger().logger,
    });
    await expect(fit(model, monitor)).rejects.toThrow(TrainingInstabilityError);
    await expect(fit(model, monitor)).rejects.toThrow(/layer 'logits', weight 'logits\/kernel': max \|w\| = .* > maxAbs 0\.1/);
    disposeModel(model);
  });

  it('the default bound stays quiet on a healthy run and warns on weights past 1e4', async () => {
    const model = mlp();
    const quiet = new TrainingMonitor({ logger: memoryLogger().logger });
    await fit(model, quiet);
    expect(quiet.findings).toEqual([]);

    const huge = model.getLayer('hidden2').getWeights()[1]!;
    (model.getLayer('hidden2').weights[1]!.read() as tf.Variable).assign(tf.fill(huge.shape, 2e4).toFloat());
    const { logger, lines } = memoryLogger();
    const loud = new TrainingMonitor({ logger, nonFinite: { action: 'warn' } });
    await fit(model, loud);
    expect(loud.findings[0]).toMatchObject({ kind: 'weight-bound', layer: 'hidden2', weight: 'hidden2/bias', step: 0, bound: 'maxAbs', limit: 1e4 });
    expect(lines.some((l) => l['level'] === 40 && String(l['msg']).includes('hidden2/bias'))).toBe(true);
    disposeModel(model);
  });
});

describe('a diverging run', () => {
  it('when only the loss overflowed, points at the largest weight', async () => {
    // The diverging example's run: the loss overflows at step 19 while every weight is finite.
    const { xs, ys } = loadMnist(2000);
    const model = mlp({ lr: 50, head: 'regression' });
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    await expect(
      expectNoLeak(() => model.fit(xs, ys, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0, callbacks: [monitor] })),
    ).rejects.toThrow(/the loss is Infinite; every weight is still finite, the largest being layer '\w+', weight '\w+\/\w+' \(max \|w\| = /);
    const finding = monitor.findings.find((f) => f.kind === 'non-finite') as NonFiniteFinding;
    expect(finding).toMatchObject({ step: 19, weight: 'loss', affected: [{ weight: 'loss', infCount: 1 }] });
    expect(finding.largestWeight!.maxAbs).toBeGreaterThan(1e4);
    tf.dispose([xs, ys]);
    disposeModel(model);
  });

  it('fails with the epoch, batch, layer and weight of the first NaN/Infinity, after the bound warned', async () => {
    const model = mlp({ lr: 5, head: 'regression' });
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    const error = await fit(model, monitor, 20).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingInstabilityError);
    const e = error as TrainingInstabilityError;
    const nonFinite = e.findings.find((f) => f.kind === 'non-finite')!;
    expect(e.findings[0]).toBe(nonFinite);
    expect(e.message).toContain(`epoch ${nonFinite.epoch}, batch ${nonFinite.batch} (step ${nonFinite.step})`);
    expect(e.message).toMatch(/the loss is (NaN|Infinite)|layer '\w+', weight '\w+\/\w+'/);
    expect(e.message).toMatch(/Lower the learning rate/);
    // The default bound saw the weights run away before they overflowed.
    const bound = e.findings.find((f) => f.kind === 'weight-bound')!;
    expect(bound).toMatchObject({ action: 'warn', limit: 1e4 });
    expect(bound.step).toBeLessThan(nonFinite.step);

    disposeModel(model);
  });
});
