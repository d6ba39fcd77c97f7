import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor, type MemoryGrowthFinding, type SpeedRegressionFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
let dir: string;
beforeAll(() => {
  data = loadMnist(200);
  dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-speed-'));
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const fitArgs = (callbacks: unknown[], epochs = 3) =>
  ({ epochs, batchSize: 20, shuffle: false, verbose: 0, callbacks }) as tf.ModelFitArgs;

describe('speed and memory', () => {
  it('records per-batch and per-epoch throughput and memory, and a healthy Adam run is not a leak', async () => {
    const model = mlp();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' }); // creates its slots at step 1
    const monitor = new TrainingMonitor({ speed: { leak: { window: 10 } }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([monitor], 6));
    expect(monitor.findings).toEqual([]);
    const speed = monitor.report().speed!;
    expect(speed.batches).toBe(60);
    expect(speed.msPerBatch.median).toBeGreaterThan(0);
    expect(speed.msPerBatch.p95).toBeGreaterThanOrEqual(speed.msPerBatch.median!);
    expect(speed.examplesPerSecond).toBeGreaterThan(0);
    expect(speed.epochs).toHaveLength(6);
    expect(speed.epochs[0]).toMatchObject({ epoch: 0, batches: 10, examples: 200 });
    expect(speed.epochs[0]!.examplesPerSecond).toBeGreaterThan(0);
    expect(speed.memory.peakNumTensors).toBeGreaterThanOrEqual(speed.memory.endNumTensors);
    expect(speed.memory.peakRss).toBeGreaterThan(0);
    expect(speed.memorySeries.length).toBeGreaterThan(0);
    expect(speed.key).toEqual({ codeVersion: 'unversioned', modelVersion: 'unversioned', dataVersion: 'unversioned', backend: tf.getBackend() });
    disposeModel(model);
  });

  it("samples the process's RSS and heap every 50 batches by default (a /proc read: about 0.1 ms inside a fit), every N when asked", async () => {
    const model = mlp();
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const rssSteps = (monitor: TrainingMonitor) => monitor.report().speed!.memorySeries.filter((p) => p.rss !== undefined).map((p) => p.step);
    const byDefault = new TrainingMonitor({ logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([byDefault], 6));
    expect(rssSteps(byDefault)).toEqual([0, 50]);
    const every20 = new TrainingMonitor({ speed: { processMemoryEvery: 20 }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([every20], 6));
    expect(rssSteps(every20)).toEqual([0, 20, 40]);
    disposeModel(model);
  });

  it('finds a deliberate leak of one tensor per batch, by its trend', async () => {
    const model = mlp();
    const leaked: tf.Tensor[] = [];
    const leaky = new tf.CustomCallback({ onBatchEnd: async () => void leaked.push(tf.scalar(1)) });
    const monitor = new TrainingMonitor({ speed: { leak: { window: 20 } }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([leaky, monitor]));
    const [leak, ...rest] = monitor.findings as MemoryGrowthFinding[];
    expect(rest).toEqual([]);
    expect(leak).toMatchObject({ kind: 'tensor-leak', figure: 'numTensors', action: 'warn', window: 20, step: 19 }); // the first full window
    expect(leak!.perBatch).toBe(1); // History's epoch-log scalars are not counted as leaked
    expect(leak!.message).toMatch(/tensors grew from \d+ to \d+ over the last 20 batches \(1 per batch, rising at 19 of them/);
    expect(leak!.occurrences).toBe(30 - 19);
    tf.dispose(leaked);
    disposeModel(model);
  });

  it('finds tensor bytes that keep growing while the tensor count stays steady', async () => {
    const model = mlp();
    let history = tf.zeros([1]);
    const growing = new tf.CustomCallback({
      onBatchEnd: async () => {
        const next = tf.tidy(() => tf.concat([history, tf.zeros([1000])])); // a "history" that is never bounded
        history.dispose();
        history = next;
      },
    });
    const monitor = new TrainingMonitor({ speed: { leak: { window: 20 } }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([growing, monitor]));
    expect(monitor.findings.map((f) => f.kind)).toEqual(['memory-growth']);
    expect((monitor.findings[0] as MemoryGrowthFinding).perBatch).toBeCloseTo(4000, 0);
    history.dispose();
    disposeModel(model);
  });
});

describe('speed baselines', () => {
  const versions = { codeVersion: 'abc123', modelVersion: 'mlp-2', dataVersion: 'mnist-200' };

  async function trainWith(speed: object) {
    const model = mlp();
    const monitor = new TrainingMonitor({ speed: { versions, ...speed }, logger: memoryLogger().logger });
    const error = await expectNoLeak(() => model.fit(data.xs, data.ys, fitArgs([monitor], 1))).then(
      () => null,
      (e: Error) => e,
    );
    disposeModel(model);
    return { monitor, error };
  }

  function editBaseline(path: string, edit: (summary: { examplesPerSecond: number; msPerBatch: { median: number } }) => void) {
    const file = JSON.parse(readFileSync(path, 'utf8'));
    edit(file.entries[0].summary);
    writeFileSync(path, JSON.stringify(file));
  }

  it('records a baseline, then compares a later run with it', async () => {
    const path = join(dir, 'record.json');
    const recorded = await trainWith({ baseline: { path, record: true } });
    expect(recorded.monitor.report().speed!.baseline).toEqual({ path, status: 'recorded' });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.format).toBe('tfjs-monitor/speed-baseline@1');
    expect(file.entries[0].summary.key).toEqual({ ...versions, backend: tf.getBackend() });

    // Make the baseline much slower than this machine: the next run is faster, not a regression.
    editBaseline(path, (s) => {
      s.examplesPerSecond /= 10;
      s.msPerBatch.median *= 10;
    });
    const faster = await trainWith({ baseline: { path } });
    expect(faster.monitor.findings).toEqual([]);
    expect(faster.monitor.report().speed!.baseline!.status).toBe('compared');
  });

  it("reports a throughput drop past the tolerance, and 'fail' makes fit reject", async () => {
    const path = join(dir, 'regress.json');
    await trainWith({ baseline: { path, record: true } });
    editBaseline(path, (s) => {
      s.examplesPerSecond *= 10; // the baseline was 10× faster
      s.msPerBatch.median /= 10;
    });
    const { monitor, error } = await trainWith({ baseline: { path, action: 'fail' } });
    expect(error?.name).toBe('TrainingInstabilityError');
    const finding = monitor.findings[0] as SpeedRegressionFinding;
    expect(finding).toMatchObject({ kind: 'speed-regression', baselinePath: path, action: 'fail' });
    expect(finding.regressions.map((r) => r.metric)).toEqual(['examples/s (median)', 'ms/batch (median)']);
    expect(finding.regressions[0]!.change).toBeLessThan(-0.8);
  });

  it('says clearly when no baseline matches the run, without a finding', async () => {
    const path = join(dir, 'other.json');
    await trainWith({ baseline: { path, record: true } });
    const model = mlp();
    const { logger, lines } = memoryLogger();
    const monitor = new TrainingMonitor({ speed: { versions: { ...versions, codeVersion: 'def456' }, baseline: { path } }, logger });
    await model.fit(data.xs, data.ys, fitArgs([monitor], 1));
    expect(monitor.findings).toEqual([]);
    expect(monitor.report().speed!.baseline).toEqual({ path, status: 'missing' });
    expect(lines.find((l) => l['event'] === 'tfjs-monitor.no-baseline')?.['msg']).toMatch(/no speed baseline in .* nothing compared/);
    disposeModel(model);
  });

  it('refuses a corrupt baseline file before training starts, and leaves it untouched', async () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{"format": "tfjs-monitor/speed-baseline@1", "entries": [');
    const { error } = await trainWith({ baseline: { path, record: true } });
    expect(error?.message).toMatch(/baseline file .*corrupt\.json is not valid JSON.*left untouched/);
    expect(readFileSync(path, 'utf8')).toBe('{"format": "tfjs-monitor/speed-baseline@1", "entries": [');
  });
});

describe('tfjs-monitor speed (CLI)', () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)('node', ['dist/cli/main.js', ...args]);
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('records a saved run, compares runs side by side, and exits non-zero on a regression', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ speed: { versions: { codeVersion: 'v1' } }, logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, fitArgs([monitor], 1));
    disposeModel(model);
    const run = join(dir, 'run.json');
    const baseline = join(dir, 'cli-baseline.json');
    monitor.saveReport(run);

    const recorded = await cli('speed', 'record', run, '--baseline', baseline);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/recorded the baseline for code v1, model unversioned, data unversioned, backend \w+/);

    const same = await cli('speed', 'compare', baseline, run);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^metric +baseline +run +change +allowed +verdict$/m);
    expect(same.stdout).toMatch(/^examples\/s \(median\) .* \+0\.0% +-20% +ok$/m);
    expect(same.stdout).toMatch(/no regression/);

    const report = JSON.parse(readFileSync(run, 'utf8'));
    report.speed.examplesPerSecond /= 2;
    report.speed.memory.peakNumBytes *= 3;
    const slow = join(dir, 'slow.json');
    writeFileSync(slow, JSON.stringify(report));
    const regressed = await cli('speed', 'compare', baseline, slow, '--memory', '0.5');
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toMatch(/^examples\/s \(median\) .* -50\.0% +-20% +REGRESSION$/m);
    expect(regressed.stdout).toMatch(/^peak tensor bytes .* \+200\.0% +\+50% +REGRESSION$/m);

    report.speed.key.backend = 'webgl';
    const other = join(dir, 'other-backend.json');
    writeFileSync(other, JSON.stringify(report));
    const missing = await cli('speed', 'compare', baseline, other);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no baseline in .* for code v1, model unversioned, data unversioned, backend webgl; record one/);
  });

  it('answers bad input with exit code 2 and a message naming the problem', async () => {
    const notRun = join(dir, 'not-a-run.json');
    writeFileSync(notRun, '{"hello": 1}');
    expect(await cli('speed', 'compare', join(dir, 'nope.json'), notRun)).toMatchObject({ code: 2, stderr: expect.stringMatching(/run file .*not-a-run\.json holds no speed summary/) });
    expect(await cli('speed', 'compare', 'only-one.json')).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: tfjs-monitor speed compare/) });
    expect(await cli('speed', 'compare', 'a', 'b', '--throughput', 'fast')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--throughput must be a fraction > 0/) });
    expect(await cli('speed', 'compare', 'a', 'b', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
    expect(await cli('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command: frobnicate/) });
  });
});
