import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from '../../src/options/validate.js';
import { StalenessTracker } from '../../src/staleness/tracker.js';
import { PG_URL, postgresReachable, tempDir, uniqueModel } from './stores.js';

const pgUp = await postgresReachable();

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

/** A row as another program (or an older version) could have written it, straight into the store's table. */
async function insertRaw(store: string, row: [model: string, version: string, stage: string, atMs: number, meta: string | null]): Promise<void> {
  if (!store.startsWith('postgres')) {
    const db = new Database(store);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run(...row, 0);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: store });
  await client.connect();
  try {
    await client.query('INSERT INTO stage_events (model, version, stage, at_ms, meta, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, 0)', row);
  } finally {
    await client.end();
  }
}

const stores = [{ kind: 'SQLite', spec: () => join(tempDir(), 'stages.db') }, ...(pgUp ? [{ kind: 'PostgreSQL', spec: () => PG_URL }] : [])];

describe.each(stores)('snapshot consumers on $kind: what the answer leaves out', ({ kind, spec }) => {
  it('says which stored events it could not read (as staleness() does), and answers from the rest', async () => {
    const store = spec();
    const t = await StalenessTracker.open(store);
    const ranker = uniqueModel('ranker');
    const at = (h: number) => T0 + h * H;
    await t.record({ model: ranker, version: 'v1', stage: 'data_snapshot', at: at(0), meta: { snapshot: 's-0501' } });
    await t.record({ model: ranker, version: 'v1', stage: 'deploy', at: at(6) });
    await t.record({ model: ranker, version: 'v2', stage: 'data_snapshot', at: at(10), meta: { snapshot: 's-0501' } });
    // v2's deploy with a time no Date can hold (seconds × 1e6, a bug elsewhere); and, where the
    // store keeps meta as text, v3's snapshot record with a meta cut short.
    await insertRaw(store, [ranker, 'v2', 'deploy', 9e15, null]);
    if (kind === 'SQLite') await insertRaw(store, [ranker, 'v3', 'data_snapshot', at(20), '{"snapshot":"s-05']);

    const consumers = [
      { model: ranker, version: 'v1', at: '2026-11-01T00:00:00.000Z', lastStage: 'deploy', lastStageAt: '2026-11-01T06:00:00.000Z', deployed: true, inProduction: true },
      { model: ranker, version: 'v2', at: '2026-11-01T10:00:00.000Z', lastStage: 'data_snapshot', lastStageAt: '2026-11-01T10:00:00.000Z', deployed: false, inProduction: false },
    ];
    const problems = [
      {
        kind: 'unreadable-event',
        model: ranker,
        version: 'v2',
        stage: 'deploy',
        message: `${ranker}: skipped the stored event v2 deploy: its time 9000000000000000 is not a whole number of milliseconds from 2000-01-01 to 9999-12-31; fix or delete it in ${t.store.where}`,
      },
      ...(kind === 'SQLite'
        ? [{ kind: 'unreadable-event', model: ranker, version: 'v3', stage: 'data_snapshot', message: expect.stringMatching(/: skipped the stored event v3 data_snapshot: its meta is not JSON/) }]
        : []),
    ];
    const byVersion = (a: { version?: string }, b: { version?: string }) => String(a.version).localeCompare(String(b.version));
    const one = await t.consumersReport({ snapshot: 's-0501', model: ranker });
    expect(one.consumers).toEqual(consumers);
    expect(one.problems.sort(byVersion)).toEqual(problems);
    expect(one).toMatchObject({ snapshot: 's-0501', model: ranker });
    // consumersOf answers the same, without the problems.
    expect(await t.consumersOf({ snapshot: 's-0501', model: ranker })).toEqual(consumers);

    // Across every model in the store (others' rows filtered out: a PostgreSQL database is shared).
    const all = await t.consumersReport({ snapshot: 's-0501' });
    expect(all.model).toBeNull();
    expect(all.consumers.filter((c) => c.model === ranker)).toEqual(consumers);
    expect(all.problems.filter((p) => p.model === ranker).sort(byVersion)).toEqual(problems);

    // A model asked about by name that has no events: most likely a typo, named as staleness() names it.
    const typo = await t.consumersReport({ snapshot: 's-0501', model: `${ranker}x` });
    expect(typo.consumers).toEqual([]);
    expect(typo.problems).toEqual([expect.objectContaining({ kind: 'no-events', model: `${ranker}x`, message: expect.stringMatching(/no stage events are recorded for model .*; check the model name/) })]);
    // Asked about every model, one of another pipeline is no problem: a store may hold several.
    const etl = uniqueModel('etl');
    const other = await StalenessTracker.open(store, { stages: ['ingest', 'deploy'] });
    await other.record({ model: etl, version: 'v1', stage: 'ingest' });
    await other.close();
    expect((await t.consumersReport({ snapshot: 's-0501' })).problems.filter((p) => p.model === etl)).toEqual([]);
    expect((await t.consumersReport({ snapshot: 's-0501', model: etl })).problems).toEqual([expect.objectContaining({ kind: 'no-events', model: etl })]);
    await t.close();
  });
});
