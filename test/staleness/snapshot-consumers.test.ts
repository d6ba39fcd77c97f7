import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../src/options/validate.js';
import { StalenessTracker } from '../../src/staleness/tracker.js';
import { tempDir, uniqueModel } from './stores.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

describe('which model versions consumed a data snapshot', () => {
  it('lists them with how far each got (and when) which one serves now, across models or for one', async () => {
    const t = await StalenessTracker.open(join(tempDir(), 'stages.db'));
    const ranker = uniqueModel('ranker');
    const digits = uniqueModel('digits');
    const record = (model: string, version: string, stage: string, h: number, meta?: Record<string, unknown>) =>
      t.record({ model, version, stage, at: T0 + h * H, ...(meta ? { meta } : {}) });
    // ranker v1 and v2 were both built from snapshot s-0501; v2 replaced v1 in production. v3 is from s-0601.
    for (const [version, start] of [['v1', 0], ['v2', 10]] as const) {
      await record(ranker, version, 'data_snapshot', start, { snapshot: 's-0501', rows: 1000 });
      for (const [i, stage] of ['features', 'train_start', 'train_end', 'validate', 'export', 'deploy'].entries()) await record(ranker, version, stage, start + i + 1);
    }
    await record(ranker, 'v3', 'data_snapshot', 30, { snapshot: 's-0601' });
    await record(ranker, 'v3', 'features', 31);
    // digits v7 used s-0501 too, and got as far as training.
    await record(digits, 'v7', 'data_snapshot', 5, { snapshot: 's-0501' });
    await record(digits, 'v7', 'train_start', 6);

    const all = (await t.consumersOf({ snapshot: 's-0501' })).filter((c) => c.model === ranker || c.model === digits);
    expect(all).toEqual([
      { model: ranker, version: 'v1', at: '2026-11-01T00:00:00.000Z', lastStage: 'deploy', lastStageAt: '2026-11-01T06:00:00.000Z', deployed: true, inProduction: false },
      { model: digits, version: 'v7', at: '2026-11-01T05:00:00.000Z', lastStage: 'train_start', lastStageAt: '2026-11-01T06:00:00.000Z', deployed: false, inProduction: false },
      { model: ranker, version: 'v2', at: '2026-11-01T10:00:00.000Z', lastStage: 'deploy', lastStageAt: '2026-11-01T16:00:00.000Z', deployed: true, inProduction: true },
    ]);
    expect(await t.consumersOf({ snapshot: 's-0601', model: ranker })).toEqual([
      { model: ranker, version: 'v3', at: '2026-11-02T06:00:00.000Z', lastStage: 'features', lastStageAt: '2026-11-02T07:00:00.000Z', deployed: false, inProduction: false },
    ]);
    expect(await t.consumersOf({ snapshot: 's-0501', model: digits })).toHaveLength(1);
    expect(await t.consumersOf({ snapshot: 'never-recorded' })).toEqual([]);
    await expect(t.consumersOf({ snapshot: '' })).rejects.toThrow(InvalidOptionsError);
    await t.close();
  });
});
