import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/lib/mnist.js';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputFileError } from '../../src/common/files.js';
import { monitorServing, readServingRun, UnsupportedModelError, InvalidOptionsError, type ServingRun } from '../../src/node/index.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from '../helpers/models.js';

let model: tf.LayersModel;
let digits: ReturnType<typeof loadMnist>;

beforeAll(async () => {
  model = mlp();
  digits = loadMnist(200);
  await model.fit(digits.xs, digits.ys, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
});
afterAll(() => {
  tf.dispose([digits.xs, digits.ys]);
  disposeModel(model);
});

const quiet = () => memoryLogger().logger;
const row = (i: number) => tf.slice(digits.xs, [i, 0], [1, 784]);

describe('the serving monitor on a LayersModel', () => {
  it('returns exactly what the model returns, records every call, and leaves no tensor behind', async () => {
    await expectNoLeak(async () => {
      const served = monitorServing(model, { modelVersion: 'v1', codeVersion: 'c1', dataVersion: 'd1', logger: quiet() });
      for (let i = 0; i < 50; i++) {
        const x = tf.slice(digits.xs, [i, 0], [i % 2 ? 1 : 32, 784]);
        const plain = model.predict(x) as tf.Tensor;
        const viaMonitor = served.predict(x) as tf.Tensor;
        expect(viaMonitor.shape).toEqual(plain.shape);
        expect(Array.from(viaMonitor.dataSync())).toEqual(Array.from(plain.dataSync()));
        tf.dispose([x, plain, viaMonitor]);
      }
      await served.settled();
      const run = served.run();
      expect(run).toMatchObject({
        model: 'model',
        modelType: 'LayersModel',
        versions: { modelVersion: 'v1', codeVersion: 'c1', dataVersion: 'd1' },
        backend: tf.getBackend(),
        calls: 50,
        thrown: 0,
        examples: 25 * 32 + 25,
        batchSize: { min: 1, max: 32 },
        outputs: { nonFinite: 0 },
        errorRate: 0,
        inFlight: { peak: 1 },
      });
      // On cpu and wasm, as many calls as fit in 0.1% of the model's time; on other backends one in 10.
      expect(run.outputs.checked).toBeGreaterThanOrEqual(1);
      expect(run.outputs.checked).toBeLessThanOrEqual(50);
      expect(run.latency.count).toBe(50);
      expect(run.latencySeconds.p50).toBeGreaterThan(0);
      expect(run.latencySeconds.p50!).toBeLessThanOrEqual(run.latencySeconds.p95!);
      expect(run.examplesPerSecond).toBeGreaterThan(0);
      expect(run.monitor.meanMicros).toBeGreaterThan(0);
      expect(run.memory.peakNumTensors).toBeGreaterThan(0);
      expect(run.memory.peakRss).toBeGreaterThan(0);
      expect(run.memory.peakHeapUsed).toBeGreaterThan(0);
      expect(run.findings).toEqual([]);
    });
  });

  it('rethrows the model’s own error unchanged, counts it, and leaks nothing', async () => {
    await expectNoLeak(async () => {
      const served = monitorServing(model, { logger: quiet() });
      const wrong = tf.zeros([2, 100]);
      let plainError: unknown;
      try {
        model.predict(wrong);
      } catch (e) {
        plainError = e;
      }
      let servedError: unknown;
      try {
        served.predict(wrong);
      } catch (e) {
        servedError = e;
      }
      wrong.dispose();
      expect(servedError).toBeInstanceOf(Error);
      expect((servedError as Error).constructor).toBe((plainError as Error).constructor);
      expect((servedError as Error).message).toBe((plainError as Error).message);
      const x = row(0);
      tf.dispose([served.predict(x) as tf.Tensor, x]);
      const run = served.run();
      expect(run).toMatchObject({ calls: 2, thrown: 1, examples: 1, errorRate: 0.5 });
      expect(run.latency.count).toBe(1);
    });
  });

  it('counts NaN/Infinity outputs as errors and names the output, checking one call in N when asked', async () => {
    const broken = mlp();
    broken.setWeights(model.getWeights());
    const [kernel] = broken.getLayer('logits').getWeights();
    const values = kernel!.dataSync().slice();
    values[0] = NaN;
    broken.getLayer('logits').setWeights([tf.tensor(values, kernel!.shape), broken.getLayer('logits').getWeights()[1]!]);
    const { logger, lines } = memoryLogger();
    await expectNoLeak(async () => {
      const every = monitorServing(broken, { logger, outputs: { every: 1 } });
      const sampled = monitorServing(broken, { logger: quiet(), outputs: { every: 4 } });
      for (let i = 0; i < 10; i++) {
        const x = row(i);
        tf.dispose([every.predict(x) as tf.Tensor, sampled.predict(x) as tf.Tensor, x]);
      }
      await Promise.all([every.settled(), sampled.settled()]);
      expect(every.run()).toMatchObject({ calls: 10, thrown: 0, outputs: { every: 1, budget: null, checked: 10, nonFinite: 10 }, errorRate: 1 });
      // Calls 1, 5 and 9 were checked; every checked one was bad, so the estimate is all of them.
      expect(sampled.run()).toMatchObject({ calls: 10, outputs: { every: 4, checked: 3, nonFinite: 3 }, errorRate: 1 });
      expect(every.findings).toHaveLength(1);
      expect(every.findings[0]).toMatchObject({ kind: 'non-finite-output', output: '0', call: 1, lastCall: 10, occurrences: 10, size: 10 });
      expect(every.findings[0]!.message).toMatch(/^output 0 holds 10 NaN, 0 \+Infinity, 0 -Infinity of 10 values$/);
    });
    expect(lines.filter((l) => l['event'] === 'tfjs-monitor.finding')).toHaveLength(1);
    expect(lines[0]!['msg']).toMatch(/^non-finite-output at call 1 of model unversioned: output 0 holds 10 NaN/);
    disposeModel(broken);
  });

  it('keeps its output checks within their time budget, and checks at least one call in 100', async () => {
    const x = row(4);
    // A budget no check can fit in: only calls 1, 101 and 201 are checked.
    const starved = monitorServing(model, { logger: quiet(), outputs: { budget: 1e-12 } });
    // A budget every check fits in: every call is checked.
    const ample = monitorServing(model, { logger: quiet(), outputs: { budget: 1 } });
    for (let i = 0; i < 250; i++) tf.dispose([starved.predict(x) as tf.Tensor, ample.predict(x) as tf.Tensor]);
    x.dispose();
    await Promise.all([starved.settled(), ample.settled()]);
    if (starved.run().outputs.every === null) {
      expect(starved.run().outputs).toEqual({ every: null, budget: 1e-12, checked: 3, nonFinite: 0 });
      expect(ample.run().outputs).toEqual({ every: null, budget: 1, checked: 250, nonFinite: 0 });
    } else {
      // Device backends check one call in 10 whatever the budget.
      expect(starved.run().outputs).toMatchObject({ every: 10, checked: 25 });
    }
  });

  it('refuses what it cannot serve, saying what to pass', async () => {
    expect(() => monitorServing({} as never)).toThrow(UnsupportedModelError);
    expect(() => monitorServing(null as never)).toThrow(/expected a loaded tfjs model, a LayersModel .* or a GraphModel .*got null/);
    const pending = Promise.resolve(model);
    expect(() => monitorServing(pending as never)).toThrow(/got Promise\. Await the load promise/);
    expect(() => monitorServing(model, { leak: { every: 0 } })).toThrow(InvalidOptionsError);
    expect(() => monitorServing(model, { modelVersion: '' } as never)).toThrow(/modelVersion/);
    const served = monitorServing(model, { logger: quiet() });
    const x = row(0);
    expect(() => served.executeAsync(x)).toThrow(/a LayersModel has no executeAsync; call predict or execute/);
    x.dispose();
  });

  it('serves LayersModel.execute with the same outputs', async () => {
    await expectNoLeak(async () => {
      const served = monitorServing(model, { logger: quiet() });
      const x = row(3);
      const name = model.outputs[0]!.name;
      const plain = model.execute(x, name) as tf.Tensor;
      const viaMonitor = served.execute(x, name) as tf.Tensor;
      expect(Array.from(viaMonitor.dataSync())).toEqual(Array.from(plain.dataSync()));
      tf.dispose([x, plain, viaMonitor]);
      expect(served.run().calls).toBe(1);
    });
  });

  it('keeps its memory bounded over many calls: the run file is the same size after 200 or 3,000 calls', async () => {
    const served = monitorServing(model, { logger: quiet() });
    const size = (run: ServingRun) => JSON.stringify(run.latency).length + JSON.stringify(run.monitor.own).length;
    const x = row(1);
    for (let i = 0; i < 200; i++) (served.predict(x) as tf.Tensor).dispose();
    const small = size(served.run());
    for (let i = 0; i < 2800; i++) (served.predict(x) as tf.Tensor).dispose();
    x.dispose();
    expect(served.run().latency.count).toBe(3000);
    expect(size(served.run())).toBeLessThan(Math.max(2 * small, 4000));
  });

  it('saves its run where asked, creating the directory; a path that cannot be written is named', () => {
    const served = monitorServing(model, { logger: quiet() });
    const x = row(2);
    tf.dispose([served.predict(x) as tf.Tensor, x]);
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-save-'));
    served.saveRun(join(dir, 'runs', 'v1.json'));
    expect(readServingRun(join(dir, 'runs', 'v1.json')).calls).toBe(1);
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => served.saveRun(join(dir, 'a-file', 'v1.json'))).toThrow(InputFileError);
    expect(() => served.saveRun(join(dir, 'a-file', 'v1.json'))).toThrow(/cannot write the serving run .*a-file\/v1\.json: a part of the path is a file, not a folder/);
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'runs']);
  });
});
