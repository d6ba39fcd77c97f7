import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StalenessTracker } from '../../src/staleness/tracker.js';
import { tempDir, uniqueModel } from './stores.js';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-11-20T12:00:00Z');

async function tracker() {
  return StalenessTracker.open(join(tempDir(), 'stages.db'));
}

/** v1 went all the way to production 3 days ago; v2 started training 30 h ago and never finished. */
async function seed(t: StalenessTracker, model: string) {
  const v1 = ['data_snapshot', 'features', 'train_start', 'train_end', 'validate', 'export', 'deploy'];
  for (const [i, stage] of v1.entries()) await t.record({ model, version: 'v1', stage, at: NOW - 4 * D + i * 4 * H });
  await t.record({ model, version: 'v1', stage: 'deploy', at: NOW - 3 * D });
  await t.record({ model, version: 'v2', stage: 'data_snapshot', at: NOW - 32 * H });
  await t.record({ model, version: 'v2', stage: 'features', at: NOW - 31 * H });
  await t.record({ model, version: 'v2', stage: 'train_start', at: NOW - 30 * H });
}

describe('staleness report', () => {
  it('gives the age in production, the age at each stage, versions in flight, and the stalled stage', async () => {
    const t = await tracker();
    const model = uniqueModel('ranker');
    await seed(t, model);
    const report = await t.staleness({ model, now: NOW, slo: { train_end: '26h', deploy: '8d' } });

    expect(report.production).toMatchObject({ version: 'v1', deployedAgeMs: 3 * D, modelAgeMs: 4 * D, lastStage: 'deploy' });
    expect(report.production!.stages.map((s) => s.stage)).toEqual([
      'data_snapshot', 'features', 'train_start', 'train_end', 'validate', 'export', 'deploy',
    ]);
    expect(report.inFlight).toEqual([expect.objectContaining({ version: 'v2', lastStage: 'train_start', ageMs: 30 * H })]);
    expect(report.perStage.find((s) => s.stage === 'features')).toMatchObject({ version: 'v2', ageMs: 31 * H, stalled: false });

    expect(report.stalled).toHaveLength(1);
    expect(report.stalled[0]).toMatchObject({ kind: 'stage-stalled', model, version: 'v2', stage: 'train_end', ageMs: 30 * H, sloMs: 26 * H });
    expect(report.stalled[0]!.message).toBe(
      `${model}: version v2 finished train_start 1d6h ago and has not completed train_end, past its SLO of 1d2h`,
    );
    await t.close();
  });

  it('is not stalled within the SLO, and a first stage is judged by its own last success', async () => {
    const t = await tracker();
    const model = uniqueModel('fresh');
    await seed(t, model);
    const report = await t.staleness({ model, now: NOW, slo: { train_end: '2d', data_snapshot: '1d' } });
    expect(report.stalled.map((s) => s.stage)).toEqual(['data_snapshot']);
    expect(report.stalled[0]!.message).toMatch(/stage data_snapshot last succeeded 1d8h ago, past its SLO of 1d/);
    await t.close();
  });

  it('reports a model with no deploy as having nothing in production', async () => {
    const t = await tracker();
    const model = uniqueModel('new');
    await t.record({ model, version: 'v1', stage: 'data_snapshot', at: NOW - H });
    const report = await t.staleness({ model, now: NOW });
    expect(report.production).toBeNull();
    expect(report.inFlight.map((v) => v.version)).toEqual(['v1']);
    await t.close();
  });

  it('follows a custom pipeline', async () => {
    const t = await StalenessTracker.open(join(tempDir(), 's.db'), { stages: ['ingest', 'train', 'deploy'] });
    const model = uniqueModel('custom');
    await t.record({ model, version: 'a', stage: 'ingest', at: NOW - 10 * H });
    const report = await t.staleness({ model, now: NOW, slo: { train: '6h' } });
    expect(report.stalled.map((s) => [s.stage, s.version])).toEqual([['train', 'a']]);
    await expect(t.record({ model, version: 'a', stage: 'features' })).rejects.toThrow(
      'unknown stage "features"; the pipeline\'s stages are: ingest, train, deploy',
    );
    await t.close();
  });
});

describe('bad input', () => {
  it('names an unknown stage, an unparsable duration, a future timestamp and a missing field', async () => {
    const t = await tracker();
    const model = uniqueModel('bad');
    await expect(t.record({ model, version: 'v1', stage: 'trainn' })).rejects.toThrow(/unknown stage "trainn"; the pipeline's stages are: data_snapshot, features/);
    await expect(t.staleness({ model, slo: { deploy: '8 days' } })).rejects.toThrow(/slo\.deploy: cannot read "8 days" as a duration; write a number and a unit/);
    await expect(t.staleness({ model, slo: { deply: '8d' } })).rejects.toThrow(/unknown stage "deply"/);
    await expect(t.record({ model, version: 'v1', stage: 'deploy', at: Date.now() + 3 * H })).rejects.toThrow(/is 2h59m|is 3h in the future/);
    await expect(t.record({ model, version: 'v1', stage: 'deploy', at: 'yesterday' })).rejects.toThrow(/at: cannot read "yesterday" as a time/);
    await expect(t.record({ model, stage: 'deploy' } as never)).rejects.toThrow(/version: /);
    expect(await t.store.events(model)).toEqual([]); // nothing half-written
    await t.close();
  });

  it('refuses a corrupt store file and leaves it untouched', async () => {
    const path = join(tempDir(), 'corrupt.db');
    writeFileSync(path, 'this is not a database, but someone might need it');
    await expect(StalenessTracker.open(path)).rejects.toThrow(/store .*corrupt\.db is not a tfjs-monitor SQLite store .*left untouched/);
    expect(readFileSync(path, 'utf8')).toBe('this is not a database, but someone might need it');
  });

  it('says so when the store to read does not exist, or PostgreSQL cannot be reached', async () => {
    await expect(StalenessTracker.open(join(tempDir(), 'nope.db'), { create: false })).rejects.toThrow(/store .*nope\.db does not exist/);
    await expect(StalenessTracker.open('postgresql://someone:secret@127.0.0.1:1/db')).rejects.toThrow(
      /cannot open the PostgreSQL store at postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED/,
    );
  });

  it('rejects a pipeline without deploy or with duplicate stages', () => {
    expect(() => new StalenessTracker({} as never, { stages: ['a', 'a', 'deploy'] })).toThrow(/stage names must be unique/);
    expect(() => new StalenessTracker({} as never, { stages: ['a', 'b'] })).toThrow(/a stage named 'deploy'/);
  });
});

describe('a version waiting behind a slower older one', () => {
  it('is stalled even when an older version later succeeded at that stage', async () => {
    const t = await tracker();
    const model = uniqueModel('overtaken');
    await t.record({ model, version: 'v2', stage: 'train_end', at: NOW - 100 * H });
    await t.record({ model, version: 'v3', stage: 'train_end', at: NOW - 99 * H });
    await t.record({ model, version: 'v2', stage: 'validate', at: NOW - 98 * H }); // v2 was slow, and finished later
    const report = await t.staleness({ model, now: NOW, slo: { validate: '3h' } });
    expect(report.stalled.map((s) => [s.stage, s.version, s.ageMs])).toEqual([['validate', 'v3', 99 * H]]);
    await t.close();
  });

  it('does not count a version that went on past a stage it did not record as waiting there', async () => {
    const t = await tracker();
    const model = uniqueModel('skipper');
    await t.record({ model, version: 'v1', stage: 'train_end', at: NOW - 50 * H });
    await t.record({ model, version: 'v1', stage: 'deploy', at: NOW - 40 * H }); // no validate recorded
    expect((await t.staleness({ model, now: NOW, slo: { validate: '1h' } })).stalled).toEqual([]);
    await t.close();
  });
});

describe('reading a store changes nothing', () => {
  it('opens an existing SQLite file read-only and refuses one that is not a store, leaving it as it was', async () => {
    const Database = (await import('better-sqlite3')).default;
    const path = join(tempDir(), 'someone-elses.db');
    const other = new Database(path);
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    const before = readFileSync(path);
    await expect(StalenessTracker.open(path, { create: false })).rejects.toThrow(/not a tfjs-monitor SQLite store \(it has no stage_events table\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete'); // not switched to WAL
    check.close();
  });
});
