import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/lib/mnist.js';
import { monitorServing, type ServingLeakFinding } from '../../src/node/index.js';
import { graphModelOf } from '../helpers/graph-model.js';
import { disposeModel, memoryLogger, mlp } from '../helpers/models.js';

let model: tf.LayersModel;
let x: tf.Tensor;
const quiet = () => memoryLogger().logger;
// Small windows so that the tests run quickly: one sample per 5 calls, judged over 20 samples.
const leak = { every: 5, window: 20, warmup: 10 };

beforeAll(() => {
  model = mlp();
  x = loadMnist(1).xs;
});
afterAll(() => {
  x.dispose();
  disposeModel(model);
});

describe('slow leaks while serving, by the trend rule training uses', () => {
  it('a caller that keeps one output in three is a tensor-leak; the same loop disposing them is not', () => {
    const leaky = monitorServing(model, { leak, logger: quiet() });
    const kept: tf.Tensor[] = [];
    for (let i = 0; i < 200; i++) {
      const y = leaky.predict(x) as tf.Tensor;
      if (i % 3 === 0) kept.push(y);
      else y.dispose();
    }
    const clean = monitorServing(model, { leak, logger: quiet() });
    for (let i = 0; i < 200; i++) (clean.predict(x) as tf.Tensor).dispose();
    tf.dispose(kept);
    expect(clean.findings).toEqual([]);
    const finding = leaky.findings.find((f) => f.kind === 'tensor-leak') as ServingLeakFinding;
    expect(finding).toMatchObject({ kind: 'tensor-leak', figure: 'numTensors', samples: 20, calls: 95 });
    expect(finding.perCall).toBeGreaterThan(0.3);
    expect(finding.perCall).toBeLessThan(0.37);
    expect(finding.message).toMatch(/^tensors held grew from \d+ to \d+ over the last 95 calls \(0\.3\d+ per call, rising at \d+ of 20 samples; tolerance 0\.05 per call: leak\.tensorsPerCall\)$/);
    // Reported once, then counted.
    expect(leaky.findings.filter((f) => f.kind === 'tensor-leak')).toHaveLength(1);
    expect(finding.occurrences).toBeGreaterThan(1);
  });

  it('calls in flight at once hold intermediates, which are not a leak', async () => {
    const graph = await graphModelOf(model);
    const served = monitorServing(graph, { leak, logger: quiet() });
    for (let round = 0; round < 40; round++) {
      const outs = await Promise.all(Array.from({ length: 6 }, () => served.executeAsync(x)));
      tf.dispose(outs as tf.Tensor[]);
    }
    expect(served.run().inFlight.peak).toBe(6);
    expect(served.findings).toEqual([]);
    graph.dispose();
  });

  it('process memory that keeps growing is rss-growth (Node)', () => {
    const served = monitorServing(model, { processMemoryEvery: 5, leak: { ...leak, rssBytesPerCall: 200_000 }, logger: quiet() });
    const kept: Buffer[] = [];
    for (let i = 0; i < 130; i++) {
      (served.predict(x) as tf.Tensor).dispose();
      kept.push(Buffer.alloc(1 << 20, i)); // 1 MiB a call, written, so resident
    }
    const finding = served.findings.find((f) => f.kind === 'rss-growth') as ServingLeakFinding;
    expect(finding).toMatchObject({ kind: 'rss-growth', figure: 'rss', samples: 20, calls: 95 });
    expect(finding.perCall).toBeGreaterThan(500_000);
    expect(served.run().memory.peakRss).toBeGreaterThan(100 * (1 << 20));
    kept.length = 0;
  });
});
