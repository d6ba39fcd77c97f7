import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor, type Finding, type MonitorReport, type MonitorSink, type StepRecord } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(100);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

function recorder() {
  const seen = { steps: [] as StepRecord[], epochs: [] as number[], findings: [] as Finding[], ends: [] as MonitorReport[], aborted: [] as boolean[] };
  const sink: MonitorSink = {
    step: (r) => void seen.steps.push(r),
    epoch: async (r) => void seen.epochs.push(r.epoch),
    finding: (f) => void seen.findings.push(f),
    end: (report, ending) => void (seen.ends.push(report), seen.aborted.push(ending.aborted)),
  };
  return { sink, seen };
}

describe('sinks', () => {
  it("receive every step's figures, every epoch, every finding and the final report", async () => {
    const model = mlp();
    const { sink, seen } = recorder();
    const monitor = new TrainingMonitor({ sinks: [sink], nonFinite: { action: 'warn' }, checkEvery: 2, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [injectNaN(model, 'logits/bias', 6), monitor] }));
    expect(seen.steps.map((s) => s.at.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.steps[0]!.loss).toBeGreaterThan(0);
    expect(seen.steps[1]!.loss).toBeNull(); // not a checked step
    expect(seen.steps[0]!.layers.map((l) => l.name)).toEqual(['hidden1', 'hidden2', 'logits']);
    expect(seen.steps[0]!.layers[0]!.measured.maxAbs).toBeGreaterThan(0);
    expect(seen.steps[0]!.ms).toBeGreaterThan(0);
    expect(seen.steps[0]!.numTensors).toBeGreaterThan(0);
    expect(seen.epochs).toEqual([0, 1]);
    expect(seen.findings.map((f) => [f.kind, f.step])).toEqual([['non-finite', 6]]);
    expect(seen.ends).toHaveLength(1);
    expect(seen.ends[0]).toMatchObject({ status: 'warned', steps: 10 });
    expect(seen.aborted).toEqual([false]);
    disposeModel(model);
  });

  it('hear of the end even when tfjs aborts the fit', async () => {
    const model = mlp();
    const { sink, seen } = recorder();
    const breaker = new tf.CustomCallback({ onBatchEnd: async (b) => { if (b === 1) throw new Error('boom'); } });
    await expect(model.fit(data.xs, data.ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [breaker, new TrainingMonitor({ sinks: [sink], logger: memoryLogger().logger })] })).rejects.toThrow('boom');
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.ends).toHaveLength(1);
    // The report says 'healthy' (no finding), but the run did not finish: the sink is told so.
    expect(seen.ends[0]!.status).toBe('healthy');
    expect(seen.aborted).toEqual([true]);
    disposeModel(model);
  });
});
