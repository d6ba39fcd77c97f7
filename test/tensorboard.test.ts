import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError, StoreError, TrainingMonitor, tensorBoardSink, type MonitorSink, type StepRecord } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { backend, disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';
import { byTag, readEvents, type DecodedEvent } from './helpers/tfevents.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(100);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const tempDir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-tb-'));
const f32 = Math.fround;

/** The event files in a logdir, oldest first, with their events. */
function eventFiles(logdir: string): { name: string; events: DecodedEvent[] }[] {
  return readdirSync(logdir)
    .filter((n) => n.includes('tfevents'))
    .sort((a, b) => Number(a.split('.').at(-1)) - Number(b.split('.').at(-1)))
    .map((name) => ({ name, events: readEvents(join(logdir, name)) }));
}

/** A sink that keeps each step's record and, on histogram steps, a copy of every weight as the check read it. */
function probe(model: tf.LayersModel) {
  const steps: StepRecord[] = [];
  const weights = new Map<number, Map<string, Float32Array>>();
  const sink: MonitorSink = {
    step(r) {
      steps.push(r);
      if (r.histograms) weights.set(r.at.step, new Map(model.weights.map((w) => [w.originalName, w.read().dataSync().slice() as Float32Array])));
    },
  };
  return { sink, steps, weights };
}

describe('TensorBoard event files', () => {
  it("hold every step's figures, the epoch logs, findings, the report and weight histograms built from the check's own pass", async () => {
    const model = mlp();
    const logdir = join(tempDir(), 'run1');
    const seen = probe(model);
    const probeBatch = data.xs.slice(0, 20);
    const monitor = new TrainingMonitor({
      tensorBoard: { logdir, updateFreq: 'batch', histogramEvery: 4 },
      sinks: [seen.sink],
      nonFinite: { action: 'warn' },
      deadRelu: { probe: probeBatch, every: 3 },
      updateRatio: { every: 2 },
      logger: memoryLogger().logger,
    });
    const history = await expectNoLeak(() =>
      model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [injectNaN(model, 'logits/bias', 8), monitor] }),
    );

    const files = eventFiles(logdir);
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/[.]/g, '\\.')}\\.`));
    const events = files[0]!.events;
    expect(events[0]).toMatchObject({ step: 0, file_version: 'brain.Event:2' });
    expect(events[0]!.wall_time).toBeCloseTo(Date.now() / 1000, -2);
    const tags = byTag(events);

    // Step figures at the monitor's global step, equal (as float32) to what the sinks were handed.
    for (const figure of ['min', 'max', 'maxAbs', 'deadFraction', 'zeroFraction', 'updateRatio'] as const) {
      for (const layer of ['hidden1', 'hidden2', 'logits']) {
        const written = tags.get(`${layer}/${figure}`) ?? [];
        const expected = seen.steps.flatMap((s) => {
          const v = s.layers.find((l) => l.name === layer)?.measured[figure];
          return v === undefined ? [] : [{ step: s.at.step, value: f32(v) }];
        });
        expect(written.map((w) => ({ step: w.step, value: w.value.simple_value }))).toEqual(expected);
      }
    }
    expect(tags.get('hidden1/deadFraction')!.map((t) => t.step)).toEqual([0, 3, 6]); // not on NaN weights
    expect(tags.get('logits/updateRatio')!.map((t) => t.step)).toEqual([1, 3, 5, 7]);
    expect(tags.has('logits/deadFraction')).toBe(false); // softmax: not a ReLU layer
    expect(tags.get('loss')!.map((l) => l.step)).toEqual(seen.steps.filter((s) => s.loss !== null && Number.isFinite(s.loss)).map((s) => s.at.step));
    expect(tags.get('loss')![0]!.value.simple_value).toBe(f32(seen.steps[0]!.loss!));
    expect(tags.get('memory/numTensors')!.map((t) => t.value.simple_value)).toEqual(seen.steps.map((s) => s.numTensors));
    expect(tags.get('speed/msPerBatch')!.length).toBeGreaterThan(5);
    expect(tags.get('speed/examplesPerSecond')!.every((t) => t.value.simple_value! > 0)).toBe(true);

    // Epoch logs at epoch + 1, as tf.node.tensorBoard writes them.
    // A NaN loss (cpu's, after the injected NaN) is left out, as every non-finite figure: the finding says why.
    const losses = (history.history['loss'] as number[]).flatMap((l, i) => (Number.isFinite(l) ? [[i + 1, f32(l)]] : []));
    expect(losses.length).toBeGreaterThan(0);
    expect(tags.get('epoch_loss')!.map((t) => [t.step, t.value.simple_value])).toEqual(losses);
    expect(tags.get('epoch_acc')!.map((t) => t.step)).toEqual([1, 2]);
    expect(tags.get('epoch_examplesPerSecond')![0]!.value.simple_value).toBeGreaterThan(0);

    // The finding and the report as text summaries for TensorBoard's text plugin.
    const finding = tags.get('findings')!;
    expect(finding.map((f) => f.step)).toEqual([8]);
    expect(finding[0]!.value.metadata?.plugin_data?.plugin_name).toBe('text');
    expect(finding[0]!.value.tensor).toMatchObject({ dtype: 'DT_STRING' });
    expect(finding[0]!.value.tensor!.string_val![0]).toMatch(/^\*\*non-finite\*\* \[warn\] at epoch 1, batch 3 \(step 8\): .*logits\/bias/);
    expect(tags.get('run')![0]!.value.tensor!.string_val![0]).toContain('status: warned');

    // Histograms at steps 0, 4 and 8, one per weight; each bucket counts exactly the weight's values in it.
    const histograms = tags.get('hidden1/kernel')!;
    expect(histograms.map((h) => h.step)).toEqual([0, 4, 8]);
    expect([...seen.weights.keys()]).toEqual([0, 4, 8]);
    for (const [step, weights] of seen.weights) {
      for (const [name, values] of weights) {
        const h = tags.get(name)!.find((x) => x.step === step)!.value.histo!;
        const finite = Array.from(values).filter(Number.isFinite);
        expect(h.num, `${name} at step ${step}`).toBe(finite.length);
        expect(h.min ?? 0).toBe(Math.min(...finite));
        expect(h.max ?? 0).toBe(Math.max(...finite));
        expect(h.sum ?? 0).toBeCloseTo(finite.reduce((a, b) => a + b, 0), 6);
        h.bucket_limit.forEach((hi, i) => {
          const lo = i === 0 ? -Infinity : h.bucket_limit[i - 1]!;
          expect(finite.filter((v) => v >= lo && v < hi).length).toBe(h.bucket[i] ?? 0);
        });
      }
    }
    // logits/bias holds a NaN at step 8: left out of its histogram, as out of its range.
    expect(tags.get('logits/bias')!.find((x) => x.step === 8)!.value.histo!.num).toBe(9);
    probeBatch.dispose();
    disposeModel(model);
  });

  it("by default write the step figures once per epoch, each the epoch's extreme", async () => {
    const model = mlp();
    const logdir = tempDir();
    const seen = probe(model);
    await model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [new TrainingMonitor({ tensorBoard: { logdir }, sinks: [seen.sink], logger: memoryLogger().logger })] });
    const tags = byTag(eventFiles(logdir)[0]!.events);
    const maxAbs = tags.get('hidden1/maxAbs')!;
    expect(maxAbs.map((m) => m.step)).toEqual([4, 9]);
    const stepMaxAbs = seen.steps.map((s) => s.layers[0]!.measured.maxAbs!);
    expect(maxAbs.map((m) => m.value.simple_value)).toEqual([f32(Math.max(...stepMaxAbs.slice(0, 5))), f32(Math.max(...stepMaxAbs.slice(5)))]);
    const min = tags.get('hidden1/min')!.map((m) => m.value.simple_value);
    expect(min[0]).toBe(f32(Math.min(...seen.steps.slice(0, 5).map((s) => s.layers[0]!.measured.min!))));
    expect(tags.get('memory/numTensors')!.map((m) => m.value.simple_value)).toEqual([
      Math.max(...seen.steps.slice(0, 5).map((s) => s.numTensors)),
      Math.max(...seen.steps.slice(5).map((s) => s.numTensors)),
    ]);
    // histogramEvery defaults to 100 steps: only the first check's histograms in a 10-step run.
    expect(tags.get('hidden1/kernel')!.map((h) => h.step)).toEqual([0]);
    disposeModel(model);
  });

  it('start a new file for each run of a reused monitor, and work as a plain sink in a custom loop', async () => {
    const model = mlp();
    const logdir = tempDir();
    const sink = tensorBoardSink({ logdir, updateFreq: 2, histogramEvery: 0 });
    const monitor = new TrainingMonitor({ sinks: [sink], logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const watch = await monitor.watch(model);
    for (let i = 0; i < 3; i++) {
      const loss = model.optimizer.minimize(() => tf.losses.softmaxCrossEntropy(data.ys, model.predict(data.xs) as tf.Tensor), true)!;
      await watch.step({ loss });
      loss.dispose();
    }
    await watch.end();
    const files = eventFiles(logdir);
    expect(files).toHaveLength(2);
    expect(sink.files).toEqual(files.map((f) => join(logdir, f.name)));
    // Every 2 steps, and the rest at the end; after the fit's 2 steps (0 and 1), the loop's are 2 to 4.
    expect(byTag(files[1]!.events).get('hidden1/maxAbs')!.map((m) => m.step)).toEqual([3, 4]);
    expect(byTag(files[1]!.events).has('hidden1/kernel')).toBe(false);
    disposeModel(model);
  });

  it("continue the steps and epochs of a reused monitor's earlier fits, so that the curves go on instead of overlapping", async () => {
    const model = mlp();
    const logdir = tempDir();
    const monitor = new TrainingMonitor({ tensorBoard: { logdir, updateFreq: 'batch', histogramEvery: 3 }, nonFinite: { action: 'warn' }, logger: memoryLogger().logger });
    const fit = (args: tf.ModelFitArgs) => expectNoLeak(() => model.fit(data.xs, data.ys, { batchSize: 20, verbose: 0, ...args }));
    await fit({ epochs: 2, callbacks: [monitor] }); // steps 0-9, epochs 1-2
    await fit({ epochs: 2, callbacks: [monitor] }); // tfjs counts epochs from 0 again
    // A fit that continues the epochs itself (initialEpoch) is not shifted twice; a NaN at its third step.
    await fit({ initialEpoch: 4, epochs: 5, callbacks: [injectNaN(model, 'logits/bias', 2), monitor] });

    const files = eventFiles(logdir);
    expect(files).toHaveLength(3);
    const tags = files.map((f) => byTag(f.events));
    const steps = (tag: string) => tags.map((t) => (t.get(tag) ?? []).map((x) => x.step));
    // (Past the NaN, a NaN loss is left out on cpu; wasm's stays finite.)
    expect(steps('loss').slice(0, 2)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    ]);
    expect(steps('loss')[2]!.slice(0, 2)).toEqual([20, 21]);
    expect(steps('memory/numTensors')).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22, 23, 24],
    ]);
    expect(steps('epoch_loss').slice(0, 2)).toEqual([[1, 2], [3, 4]]);
    expect(steps('epoch_acc')).toEqual([[1, 2], [3, 4], [5]]);
    expect(steps('run')).toEqual([[9], [19], [24]]);
    // The finding is drawn at the global step; its text names the step as the run's report does.
    expect(steps('findings')).toEqual([[], [], [22]]);
    expect(tags[2]!.get('findings')![0]!.value.tensor!.string_val![0]).toMatch(/at epoch 4, batch 2 \(step 2\)/);
    expect(monitor.report().findings[0]).toMatchObject({ step: 2 });
    // Across the files, oldest first, every tag's steps only go up: TensorBoard draws one line.
    for (const tag of new Set(tags.flatMap((t) => [...t.keys()]))) {
      const all = steps(tag).flat();
      expect(all.every((s, i) => i === 0 || s > all[i - 1]!), `${tag}: ${all.join(', ')}`).toBe(true);
    }
    disposeModel(model);
  });

  // On cpu, where every read of a tensor is a dataSync (wasm's scans read its heap in place, with no call to count).
  it.skipIf(backend() !== 'cpu')('read each weight once on a histogram step, as on any other step', async () => {
    const model = mlp();
    let count = 0;
    /** Tensor reads between one step's record and the next, with histograms every `every` steps (0: none). */
    const readsPerStep = async (every: number) => {
      const marks: number[] = [];
      let histograms = 0;
      const sink: MonitorSink = { histogramEvery: every, step: (r) => void (marks.push(count), (histograms += r.histograms ? 1 : 0)) };
      const from = count;
      await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 25, verbose: 0, callbacks: [new TrainingMonitor({ sinks: [sink], strategy: 'scan', logger: memoryLogger().logger })] });
      return { reads: marks.map((m, i) => m - (i === 0 ? from : marks[i - 1]!)), histograms };
    };
    const original = tf.Tensor.prototype.dataSync;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      count++;
      return original.call(this);
    } as typeof original;
    try {
      const plain = await readsPerStep(0);
      const withHistograms = await readsPerStep(1);
      expect(plain.histograms).toBe(0);
      expect(withHistograms.histograms).toBe(4);
      expect(withHistograms.reads).toEqual(plain.reads);
    } finally {
      tf.Tensor.prototype.dataSync = original;
    }
    disposeModel(model);
  });

  it('stop training with an error naming the file when the event file cannot be written', async () => {
    const model = mlp();
    const logdir = join(tempDir(), 'logs');
    const monitor = new TrainingMonitor({ tensorBoard: { logdir, updateFreq: 'batch' }, logger: memoryLogger().logger });
    // The logdir was made when the monitor was built; it is gone (a file in its place) when training writes.
    rmSync(logdir, { recursive: true });
    writeFileSync(logdir, 'not a directory');
    const fit = expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [monitor] }));
    await expect(fit).rejects.toThrow(StoreError);
    await expect(fit).rejects.toThrow(/TensorBoard: cannot create the logdir .*logs: EEXIST.*Choose a directory you can write to/);
    expect(monitor.report().steps).toBeLessThan(10); // stopped at once, not at the end
    disposeModel(model);
  });

  it('refuse bad options before training, naming the field', () => {
    expect(() => new TrainingMonitor({ tensorBoard: { logdir: '' } })).toThrow(/tensorBoard\.logdir/);
    expect(() => new TrainingMonitor({ tensorBoard: { logdir: tempDir(), updateFreq: 'sometimes' as 'batch' } })).toThrow(InvalidOptionsError);
    expect(() => new TrainingMonitor({ tensorBoard: { logdir: tempDir(), updateFreq: 'sometimes' as 'batch' } })).toThrow(/tensorBoard\.updateFreq/);
    expect(() => tensorBoardSink({ logdir: tempDir(), histogramEvery: -1 })).toThrow(/tensorBoardSink options:\n {2}- histogramEvery/);
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(() => new TrainingMonitor({ tensorBoard: { logdir: join(file, 'logs') } })).toThrow(StoreError);
    expect(() => new TrainingMonitor({ tensorBoard: { logdir: join(file, 'logs') } })).toThrow(/cannot create the logdir .*a-file\/logs.*Choose a directory/);
  });
});
