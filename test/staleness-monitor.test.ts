import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StalenessTracker, TrainingMonitor } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

describe('the monitor records pipeline stages', () => {
  it('records train_start and train_end of a model version, and no train_end when training fails', async () => {
    const tracker = await StalenessTracker.open(join(mkdtempSync(join(tmpdir(), 'tfjs-monitor-')), 'stages.db'));
    const { xs, ys } = loadMnist(100);
    const before = Date.now();

    const model = mlp();
    const ok = new TrainingMonitor({ staleness: { tracker, model: 'digits', version: 'v7' }, logger: memoryLogger().logger });
    await expectNoLeak(() => model.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [ok] }));
    const events = await tracker.store.events('digits');
    expect(events.map((e) => [e.version, e.stage])).toEqual([['v7', 'train_start'], ['v7', 'train_end']]);
    expect(events[0]!.at).toBeGreaterThanOrEqual(before);
    expect(events[1]!.meta).toMatchObject({ backend: tf.getBackend(), steps: 2 });

    const failing = new TrainingMonitor({
      weightBounds: [{ maxAbs: 1e-3, action: 'fail' }],
      staleness: { tracker, model: 'digits', version: 'v8' },
      logger: memoryLogger().logger,
    });
    await expect(model.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [failing] })).rejects.toThrow();
    const v8 = (await tracker.store.events('digits')).filter((e) => e.version === 'v8');
    expect(v8.map((e) => e.stage)).toEqual(['train_start']);

    const report = await tracker.staleness({ model: 'digits', slo: { train_end: 1 } });
    expect(report.stalled.map((s) => [s.stage, s.version])).toEqual([['train_end', 'v8']]);
    tf.dispose([xs, ys]);
    disposeModel(model);
    await tracker.close();
  });

  it('rejects a staleness option without a tracker', () => {
    expect(() => new TrainingMonitor({ staleness: { tracker: {}, model: 'm', version: 'v' } as never })).toThrow(
      /staleness\.tracker: expected a StalenessTracker/,
    );
  });
});
