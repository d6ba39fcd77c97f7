import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectModel, inspectTensor, type TensorHealth } from '../src/node/index.js';
import type { TensorRange } from '../src/inspect/tensor-health.js';
import { disposeModel, expectNoLeak, mlp } from './helpers/models.js';

// Every test here creates and disposes its own tensors: nothing may be left behind.
let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
});

function expectSameHealth(a: TensorHealth, b: TensorHealth) {
  expect(a.size).toBe(b.size);
  expect([a.nanCount, a.posInfCount, a.negInfCount]).toEqual([b.nanCount, b.posInfCount, b.negInfCount]);
  for (const key of ['min', 'max', 'meanAbs', 'l2', 'zeroFraction'] as const) {
    if (a[key] === null) expect(b[key]).toBeNull();
    else expect(b[key]).toBeCloseTo(a[key] as number, 4);
  }
}

describe('inspectTensor', () => {
  it('counts NaN and each sign of Infinity, and takes min/max/meanAbs/l2 over the finite values only', async () => {
    const t = tf.tensor1d([NaN, -2, 0, Infinity, 2, -Infinity, NaN, 0]);
    for (const strategy of ['scan', 'device'] as const) {
      const h = await inspectTensor(t, { strategy });
      expect(h).toMatchObject({ size: 8, nanCount: 2, posInfCount: 1, negInfCount: 1, min: -2, max: 2, zeroFraction: 0.25 });
      expect(h.meanAbs).toBeCloseTo(1, 6); // |−2|+0+2+0 over 4 finite values
      expect(h.l2).toBeCloseTo(Math.sqrt(8), 5);
    }
    t.dispose();
  });

  it('reports null statistics when no value is finite, and zeros for an empty tensor', async () => {
    const allBad = tf.tensor1d([NaN, Infinity]);
    const empty = tf.tensor1d([]);
    for (const strategy of ['scan', 'device'] as const) {
      expect(await inspectTensor(allBad, { strategy })).toMatchObject({ nanCount: 1, posInfCount: 1, min: null, max: null, l2: null });
      expect(await inspectTensor(empty, { strategy })).toMatchObject({ size: 0, nanCount: 0, min: null, zeroFraction: 0 });
    }
    tf.dispose([allBad, empty]);
  });

  it('does not overflow the L2 norm for large finite values', async () => {
    const t = tf.tensor1d([3e30, 4e30]);
    for (const strategy of ['scan', 'device'] as const) {
      const h = await inspectTensor(t, { strategy });
      expect(h.posInfCount).toBe(0);
      expect(h.l2! / 5e30).toBeCloseTo(1, 5);
    }
    t.dispose();
  });

  it('handles int32 tensors', async () => {
    const t = tf.tensor1d([0, -7, 3], 'int32');
    for (const strategy of ['scan', 'device'] as const) {
      expect(await inspectTensor(t, { strategy })).toMatchObject({ size: 3, nanCount: 0, min: -7, max: 3 });
    }
    t.dispose();
  });

  it('gives the same answer with the host scan and the device reduction on random data with holes', async () => {
    const values = tf.tidy(() => tf.randomNormal([5000], 0, 3, 'float32', 7).dataSync().slice());
    for (let i = 0; i < values.length; i += 97) values[i] = i % 3 === 0 ? NaN : i % 3 === 1 ? Infinity : 0;
    const t = tf.tensor1d(values);
    expectSameHealth(await inspectTensor(t, { strategy: 'scan' }), await inspectTensor(t, { strategy: 'device' }));
    t.dispose();
  });
});

describe('inspectModel', () => {
  it('reports every weight of a real model by layer and name, identically with both strategies', async () => {
    const model = mlp();
    const [scan, device] = await expectNoLeak(async () => [
      await inspectModel(model, { strategy: 'scan' }),
      await inspectModel(model, { strategy: 'device' }),
    ]);
    expect(scan.map((w) => w.weight)).toEqual([
      'hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'logits/kernel', 'logits/bias',
    ]);
    expect(scan[0]).toMatchObject({ layer: 'hidden1', trainable: true, size: 784 * 32, nanCount: 0 });
    expect(scan[1]).toMatchObject({ zeroFraction: 1, min: 0, max: 0 }); // biases start at zero
    scan.forEach((h, i) => expectSameHealth(h, device[i]!));
    disposeModel(model);
  });

  it('includes non-trainable weights such as BatchNorm moving statistics', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization({ name: 'bn' })],
    });
    const names = (await inspectModel(model)).filter((w) => w.layer === 'bn');
    expect(names.map((w) => [w.weight, w.trainable])).toEqual([
      ['bn/gamma', true], ['bn/beta', true], ['bn/moving_mean', false], ['bn/moving_variance', false],
    ]);
    model.dispose();
  });

  it('rejects something that is not a LayersModel with a clear error', async () => {
    await expect(inspectModel({} as never)).rejects.toThrow(/expected a tfjs LayersModel/);
  });
});

describe('the range pass the monitor runs every batch', () => {
  it('agrees with the full pass on every length and wherever a NaN or Infinity sits', async () => {
    const { scanRange, scanValues } = await import('../src/inspect/scan.js');
    for (const n of [0, 1, 3, 4, 5, 17]) {
      const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1) * (i + 1));
      expect(pick(scanRange(values))).toEqual(pick(scanValues(values)));
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const copy = values.slice();
          copy[at] = bad;
          expect(pick(scanRange(copy))).toEqual(pick(scanValues(copy)));
        }
      }
    }
  });
});

function pick(h: TensorRange) {
  return { size: h.size, nanCount: h.nanCount, posInfCount: h.posInfCount, negInfCount: h.negInfCount, min: h.min, max: h.max };
}
