import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingInstabilityError, TrainingMonitor, UnsupportedModelError, type NonFiniteFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

/** Softmax regression on MNIST as plain variables: what a hand-written loop trains. */
function softmaxRegression() {
  const w = tf.variable(tf.randomNormal([784, 10], 0, 0.01, 'float32', 7));
  const b = tf.variable(tf.zeros([10]));
  const loss = (xs: tf.Tensor, ys: tf.Tensor) => tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(xs, w), b)) as tf.Scalar;
  return { w, b, loss };
}

function batch(i: number, size = 20): [tf.Tensor, tf.Tensor] {
  return [data.xs.slice([i * size, 0], [size, 784]), data.ys.slice([i * size, 0], [size, 10])];
}

/** Writes NaN into one element of a variable, as a bad update would. */
function poison(v: tf.Variable): void {
  const values = v.dataSync().slice();
  values[3] = NaN;
  tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
}

describe('custom training loops: monitor.watch', () => {
  it('optimizer.minimize over plain variables: a NaN at step k is reported at step k, naming the variable', async () => {
    const { w, b, loss } = softmaxRegression();
    const optimizer = tf.train.sgd(0.1);
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    let thrown: unknown;
    await expectNoLeak(async () => {
      const watch = await monitor.watch({ w, b });
      try {
        for (let i = 0; i < 10; i++) {
          const [xs, ys] = batch(i);
          const cost = optimizer.minimize(() => loss(xs, ys), true, [w, b])!;
          if (i === 6) poison(w);
          try {
            await watch.step({ loss: cost, batchSize: 20 });
          } finally {
            tf.dispose([xs, ys, cost]);
          }
        }
        await watch.end();
      } catch (e) {
        thrown = e;
      }
    });
    expect(thrown).toBeInstanceOf(TrainingInstabilityError);
    expect((thrown as Error).message).toMatch(/at epoch 0, batch 6 \(step 6\): first non-finite value: layer 'w', weight 'w' has 1 NaN/);
    expect(monitor.findings).toEqual([expect.objectContaining({ kind: 'non-finite', step: 6, layer: 'w', weight: 'w', nanCount: 1 })]);
    const report = monitor.report();
    expect(report).toMatchObject({ status: 'failed', steps: 7, checks: 7 });
    expect(report.layers.map((l) => [l.name, l.className, l.weights])).toEqual([
      ['w', 'Variable', ['w']],
      ['b', 'Variable', ['b']],
    ]);
    // The same speed figures as in fit: batch times, examples/s, memory, and the monitor's own time.
    expect(report.speed!.batches).toBe(7);
    expect(report.speed!.examplesPerSecond).toBeGreaterThan(0);
    expect(report.speed!.monitor.batches).toBe(7);
    expect(report.speed!.monitor.msPerBatch.median).toBeGreaterThan(0);
    expect(monitor.renderReport()).toMatch(/<span class="status failed">failed<\/span>/);
    optimizer.dispose();
    tf.dispose([w, b]);
  });

  it('finds a NaN in a gradient, naming its variable, before any weight goes bad', async () => {
    const { w, b, loss } = softmaxRegression();
    const optimizer = tf.train.sgd(0.1);
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    const watch = await monitor.watch([w, b]);
    let thrown: unknown;
    await expectNoLeak(async () => {
      for (let i = 0; i < 8 && !thrown; i++) {
        const [xs, ys] = batch(i);
        const { value, grads } = tf.variableGrads(() => loss(xs, ys), [w, b]);
        if (i === 4) {
          const bad = grads[b.name]!.dataSync().slice();
          bad[2] = Infinity;
          grads[b.name]!.dispose();
          grads[b.name] = tf.tensor(bad, b.shape);
        }
        try {
          await watch.step({ loss: value, grads, batchSize: 20 });
          optimizer.applyGradients(grads); // only reached while the gradients are finite
        } catch (e) {
          thrown = e;
        } finally {
          tf.dispose([xs, ys, value, ...Object.values(grads)]);
        }
      }
    });
    expect(thrown).toBeInstanceOf(TrainingInstabilityError);
    const finding = monitor.findings[0] as NonFiniteFinding;
    expect(finding).toMatchObject({ kind: 'non-finite', step: 4, weight: b.name, gradient: true, infCount: 1 });
    expect(finding.affected).toHaveLength(1); // the gradient alone: every weight is still finite
    expect(finding.message).toMatch(new RegExp(`the gradient of '${b.name}' has 0 NaN and 1 Infinity among 10 values`));
    expect([...w.dataSync(), ...b.dataSync()].every(Number.isFinite)).toBe(true);
    optimizer.dispose();
    tf.dispose([w, b]);
  });

  it("'stop' asks the loop to stop, and the loop's own epochs and validation losses reach the report", async () => {
    const { w, b, loss } = softmaxRegression();
    const optimizer = tf.train.sgd(0.1);
    const monitor = new TrainingMonitor({ nonFinite: { action: 'stop' }, logger: memoryLogger().logger });
    const watch = await monitor.watch({ w, b });
    let steps = 0;
    for (let epoch = 0; epoch < 3 && !watch.shouldStop; epoch++) {
      for (let i = 0; i < 5; i++) {
        const [xs, ys] = batch(i);
        const cost = optimizer.minimize(() => loss(xs, ys), true, [w, b])!;
        if (epoch === 1 && i === 2) poison(b);
        const result = await watch.step({ loss: cost });
        steps++;
        tf.dispose([xs, ys, cost]);
        if (result.stop) break;
      }
      await watch.epochEnd({ loss: 1, val_loss: 2 });
    }
    await watch.end();
    expect(steps).toBe(8);
    expect(monitor.report()).toMatchObject({ status: 'stopped', stoppedAt: { epoch: 1, batch: 2, step: 7, kind: 'non-finite' }, epochs: 2 });
    expect(monitor.report().epochLogs).toEqual([
      { epoch: 0, loss: 1, val_loss: 2 },
      { epoch: 1, loss: 1, val_loss: 2 },
    ]);
    await expect(watch.step({ loss: 1 })).rejects.toThrow(/watch\.step\(\) after watch\.end\(\)/);
    optimizer.dispose();
    tf.dispose([w, b]);
  });

  it('monitors a GAN-style trainOnBatch loop over two models and fails at the step the generator went bad', async () => {
    const generator = tf.sequential({ layers: [tf.layers.dense({ name: 'g1', inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ name: 'g2', units: 784, activation: 'sigmoid' })] });
    const discriminator = tf.sequential({ layers: [tf.layers.dense({ name: 'd1', inputShape: [784], units: 16, activation: 'relu' }), tf.layers.dense({ name: 'd2', units: 1, activation: 'sigmoid' })] });
    discriminator.compile({ optimizer: tf.train.sgd(0.05), loss: 'binaryCrossentropy' });
    const noise = tf.input({ shape: [8] });
    discriminator.trainable = false;
    const combined = tf.model({ inputs: noise, outputs: discriminator.apply(generator.apply(noise)) as tf.SymbolicTensor });
    combined.compile({ optimizer: tf.train.sgd(0.05), loss: 'binaryCrossentropy' });
    discriminator.trainable = true;

    const dMonitor = new TrainingMonitor({ logger: memoryLogger().logger });
    const gMonitor = new TrainingMonitor({ logger: memoryLogger().logger });
    let failed: unknown;
    const [ones, zeros] = [tf.ones([8, 1]), tf.zeros([8, 1])];
    const labels = tf.concat([ones, zeros]);
    await expectNoLeak(async () => {
      const dWatch = await dMonitor.watch(discriminator);
      const gWatch = await gMonitor.watch(combined);
      for (let i = 0; i < 6 && !failed; i++) {
        const [real, realLabels] = batch(i, 8);
        const z = tf.randomNormal([8, 8], 0, 1, 'float32', i);
        const fake = generator.predict(z) as tf.Tensor;
        const xs = tf.concat([real, fake]);
        try {
          await dWatch.step({ loss: (await discriminator.trainOnBatch(xs, labels)) as number, batchSize: 16 });
          const gLoss = (await combined.trainOnBatch(z, ones)) as number;
          if (i === 3) poison(generator.getLayer('g1').getWeights()[0] as tf.Variable);
          await gWatch.step({ loss: gLoss, batchSize: 8 });
        } catch (e) {
          failed = e;
        } finally {
          tf.dispose([real, realLabels, z, fake, xs]);
        }
      }
      await dWatch.end();
    });
    expect(failed).toBeInstanceOf(TrainingInstabilityError);
    expect(gMonitor.findings[0]).toMatchObject({ kind: 'non-finite', step: 3, layer: 'g1', weight: 'g1/kernel' });
    expect(dMonitor.report()).toMatchObject({ status: 'healthy', steps: 4 });
    tf.dispose([ones, zeros, labels]);
    discriminator.optimizer.dispose();
    disposeModel(combined); // disposes the generator and the discriminator it holds
  });

  it('measures dead ReLU units in a loop with a probe, as in fit', async () => {
    const model = mlp({ hidden2Bias: -100 });
    const probe = data.xs.slice([0, 0], [32, 784]);
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 2 }, logger: memoryLogger().logger });
    const watch = await monitor.watch(model);
    for (let i = 0; i < 4; i++) {
      const [xs, ys] = batch(i);
      await watch.step({ loss: (await model.trainOnBatch(xs, ys)) as number[], batchSize: 20 });
      tf.dispose([xs, ys]);
    }
    await watch.end();
    expect(monitor.findings).toEqual([expect.objectContaining({ kind: 'dead-relu', layer: 'hidden2', deadFraction: 1, source: 'probe', step: 0 })]);
    expect(monitor.report().probes).toBe(2);
    probe.dispose();
    disposeModel(model);
  });

  it('refuses what it cannot watch, with what to pass instead', async () => {
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    await expect(monitor.watch([] as tf.Variable[])).rejects.toThrow(UnsupportedModelError);
    await expect(monitor.watch([tf.zeros([2]) as unknown as tf.Variable])).rejects.toThrow(/target\[0\] is not a tf\.Variable/);
    const watch = await monitor.watch({ v: tf.variable(tf.zeros([2])) });
    await expect(watch.step({ loss: tf.zeros([3]) as tf.Scalar })).rejects.toThrow(/loss must be a number or a one-element tf\.Tensor, got a tensor of shape \[3\]/);
  });
});
