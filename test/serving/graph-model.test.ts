import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/lib/mnist.js';
import { monitorServing } from '../../src/node/index.js';
import { graphModelOf } from '../helpers/graph-model.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from '../helpers/models.js';

let layers: tf.LayersModel;
let graph: tf.GraphModel;
let digits: ReturnType<typeof loadMnist>;
const quiet = () => memoryLogger().logger;
const values = (t: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap) => Array.from((t as tf.Tensor).dataSync());

beforeAll(async () => {
  layers = mlp();
  digits = loadMnist(100);
  await layers.fit(digits.xs, digits.ys, { epochs: 1, batchSize: 20, verbose: 0, shuffle: false });
  graph = await graphModelOf(layers);
});
afterAll(() => {
  tf.dispose([digits.xs, digits.ys]);
  graph.dispose();
  disposeModel(layers);
});

describe('the serving monitor on a GraphModel (tf.loadGraphModel)', () => {
  it('inputs that are no tensors (null) get the model’s own error, sync and async, and are counted', async () => {
    const served = monitorServing(graph, { logger: quiet() });
    const errorOf = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        return e as Error;
      }
      return null;
    };
    const nothing = null as unknown as tf.Tensor;
    for (const [plain, monitored] of [
      [() => graph.predict(nothing), () => served.predict(nothing)],
      [() => graph.executeAsync(nothing), () => served.executeAsync(nothing)],
    ] as const) {
      const [a, b] = [await errorOf(plain), await errorOf(monitored)];
      expect(a).toBeInstanceOf(Error);
      expect(b?.constructor).toBe(a!.constructor);
      expect(b?.message).toBe(a!.message);
    }
    expect(served.run()).toMatchObject({ calls: 2, thrown: 2 });
  });

  it('predict, execute, executeAsync and predictAsync return what the model returns, with no tensor left', async () => {
    await expectNoLeak(async () => {
      const served = monitorServing(graph, { modelVersion: 'g1', logger: quiet() });
      const x = tf.slice(digits.xs, [0, 0], [8, 784]);
      const plain = graph.predict(x) as tf.Tensor;
      const outputs = [served.predict(x), served.execute(x), await served.executeAsync(x), await served.predictAsync(x)] as tf.Tensor[];
      for (const out of outputs) expect(values(out)).toEqual(values(plain));
      // The graph computes what the LayersModel it was converted from computes.
      const fromLayers = layers.predict(x) as tf.Tensor;
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(fromLayers, plain))).arraySync())).toBeLessThan(1e-5);
      tf.dispose([x, plain, fromLayers, ...outputs]);
      const run = served.run();
      expect(run).toMatchObject({ modelType: 'GraphModel', calls: 4, thrown: 0, examples: 32, outputs: { nonFinite: 0 } });
    });
  });

  it('counts calls in flight, and a rejected executeAsync rejects with the model’s own error', async () => {
    await expectNoLeak(async () => {
      const served = monitorServing(graph, { logger: quiet() });
      const xs = Array.from({ length: 8 }, (_, i) => tf.slice(digits.xs, [i, 0], [1, 784]));
      const outs = await Promise.all(xs.map((x) => served.executeAsync(x)));
      expect(served.inFlight).toBe(0);
      const wrong = tf.zeros([1, 5]);
      const plainError = await graph.executeAsync(wrong).then(() => null, (e: unknown) => e);
      const servedError = await served.executeAsync(wrong).then(() => null, (e: unknown) => e);
      expect(servedError).toBeInstanceOf(Error);
      expect((servedError as Error).message).toBe((plainError as Error).message);
      tf.dispose([...xs, ...(outs as tf.Tensor[]), wrong]);
      const run = served.run();
      expect(run).toMatchObject({ calls: 9, thrown: 1, inFlight: { peak: 8 } });
    });
  });

  it("checks outputs on the device ('device' strategy) asynchronously, after the caller disposed them", async () => {
    const broken = mlp();
    broken.setWeights(layers.getWeights());
    // One logit's bias is NaN: that output of every example is NaN (2 per call of two examples).
    const [kernel, bias] = broken.getLayer('logits').getWeights();
    const b = bias!.dataSync().slice();
    b[3] = NaN;
    broken.getLayer('logits').setWeights([kernel!, tf.tensor(b, bias!.shape)]);
    const bad = await graphModelOf(broken);
    await expectNoLeak(async () => {
      const served = monitorServing(bad, { logger: quiet(), outputs: { strategy: 'device', every: 1 } });
      for (let i = 0; i < 5; i++) {
        const x = tf.slice(digits.xs, [i, 0], [2, 784]);
        tf.dispose([served.predict(x) as tf.Tensor, x]);
      }
      await served.settled();
      const run = served.run();
      expect(run.outputs).toEqual({ every: 1, budget: null, checked: 5, nonFinite: 5 });
      expect(served.findings[0]).toMatchObject({ kind: 'non-finite-output', occurrences: 5, size: 20 });
    });
    bad.dispose();
    disposeModel(broken);
  });
});
