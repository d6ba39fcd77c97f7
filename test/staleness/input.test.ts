import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StalenessTracker } from '../../src/staleness/tracker.js';
import { cli, serve } from './run-cli.js';
import { tempDir, uniqueModel } from './stores.js';

const recordAt = (store: string, at: string, model = 'm') =>
  cli(['stage', 'record', '--store', store, '--model', model, '--version', 'v1', '--stage', 'deploy', '--at', at]);
const storedAt = async (store: string, model = 'm') =>
  JSON.parse((await cli(['staleness', '--store', store, '--model', model, '--json'])).stdout).production?.deployedAt;

describe('times given to stage record and staleness', () => {
  it('refuses times that are not real, instead of storing another one', async () => {
    const store = join(tempDir(), 's.db');
    const refused: [string, RegExp][] = [
      ['0', /--at: 0 is 1970-01-01T00:00:00\.000Z, before 2000-01-01/],
      ['1763596800', /1763596800 is 1970-01-21T09:53:16\.800Z, before 2000-01-01; it looks like seconds since the epoch: milliseconds are 1000 times larger/],
      ['2020-02-30T00:00:00Z', /--at: "2020-02-30T00:00:00Z" is not a date: 2020-02 has 29 days/],
      ['2021-13-01T00:00:00Z', /--at: "2021-13-01T00:00:00Z" is not a date: there is no month 13/],
      ['2026-11-20T24:30:00Z', /--at: "2026-11-20T24:30:00Z" is not a time of day/],
      ['2026-11-20T10:00:00', /--at: "2026-11-20T10:00:00" has no time zone; add Z \(UTC\) or an offset such as \+02:00/],
      ['2026-11-20', /--at: "2026-11-20" has no time of day/],
      ['Nov 20 2026', /--at: cannot read "Nov 20 2026" as a time; write ISO 8601 with a time zone, e\.g\. 2026-11-20T14:30:00Z, or whole milliseconds since the epoch/],
      ['1e12', /--at: cannot read "1e12" as a time/],
    ];
    for (const [at, message] of refused) {
      const r = await recordAt(store, at);
      expect(r.code, `--at ${at}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('stores what it was given: ISO 8601 with a zone or offset, or milliseconds since the epoch', async () => {
    const dir = tempDir();
    const cases: [string, string][] = [
      ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
      ['2026-11-20T10:00:00.123456+02:00', '2026-11-20T08:00:00.123Z'],
      ['2024-02-29T23:59-05:30', '2024-03-01T05:29:00.000Z'],
      ['1795132800000', '2026-11-20T00:00:00.000Z'],
    ];
    for (const [i, [at, stored]] of cases.entries()) {
      const store = join(dir, `s${i}.db`);
      const r = await recordAt(store, at);
      expect(r.code, `--at ${at}: ${r.stderr}`).toBe(0);
      expect(await storedAt(store), `--at ${at}`).toBe(stored);
    }
  });

  it('refuses a --now that is not a real time', async () => {
    const store = join(tempDir(), 's.db');
    expect((await recordAt(store, '2026-11-20T10:00:00Z')).code).toBe(0);
    const r = await cli(['staleness', '--store', store, '--model', 'm', '--now', '2026-02-29T00:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/now: "2026-02-29T00:00:00Z" is not a date: 2026-02 has 28 days/);
  });

  it('gives the library a clear error, not a RangeError, for a time out of range', async () => {
    const t = await StalenessTracker.open(join(tempDir(), 's.db'));
    const model = uniqueModel('range');
    for (const at of [1e300, -1e300, Number.NaN, 1.5, new Date(Number.NaN)]) {
      const error = (await t.record({ model, version: 'v1', stage: 'deploy', at }).catch((e: Error) => e)) as Error;
      expect(error, String(at)).toBeInstanceOf(Error);
      expect(error!.name, `${String(at)}: ${error!.message}`).toBe('InvalidOptionsError');
      expect(error!.message).toMatch(/^Invalid stage record:\n  - at: /);
    }
    expect(await t.store.events(model)).toEqual([]);
    await t.close();
  });
});

describe('a bad row already in a store', () => {
  async function storeWithBadRow() {
    const store = join(tempDir(), 's.db');
    for (const [model, version, stage, at] of [
      ['good', 'v1', 'deploy', '2026-11-20T00:00:00Z'],
      ['hurt', 'v1', 'data_snapshot', '2026-11-19T00:00:00Z'],
      ['hurt', 'v1', 'deploy', '2026-11-20T00:00:00Z'],
    ]) {
      expect((await cli(['stage', 'record', '--store', store, '--model', model!, '--version', version!, '--stage', stage!, '--at', at!])).code).toBe(0);
    }
    // As an older version, or another program, could have written them.
    const db = new Database(store);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('hurt', 'v0', 'deploy', -1e300, null, 0);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('hurt', 'v2', 'features', 1.79e12, '{not json', 0);
    db.close();
    return store;
  }

  it('is skipped and named in the report, which still covers the rest (exit 1)', async () => {
    const store = await storeWithBadRow();
    const r = await cli(['staleness', '--store', store, '--model', 'hurt', '--now', '2026-11-21T00:00:00Z']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/in production: v1, deployed 1d ago/);
    expect(r.stdout).toMatch(/UNREADABLE hurt: skipped the stored event v0 deploy: its time -1e\+300 is not a whole number of milliseconds from 2000-01-01 to 9999-12-31/);
    expect(r.stdout).toMatch(/UNREADABLE hurt: skipped the stored event v2 features: its meta is not JSON/);
    const json = JSON.parse((await cli(['staleness', '--store', store, '--model', 'hurt', '--json'])).stdout);
    expect(json.problems.map((p: { kind: string; version: string }) => [p.kind, p.version])).toEqual([
      ['unreadable-event', 'v0'],
      ['unreadable-event', 'v2'],
    ]);
    const good = await cli(['staleness', '--store', store, '--model', 'good']);
    expect(good.code, good.stderr).toBe(0);
  });

  it('does not take down /metrics: the other models are served, and the skipped rows counted', async () => {
    const store = await storeWithBadRow();
    const s = serve(['--store', store, '--port', '0']);
    const res = await fetch(await s.url);
    const body = await res.text();
    s.stop();
    expect(res.status, body).toBe(200);
    expect(body).toMatch(/tfjs_monitor_model_in_production_timestamp_seconds\{model="good",version="v1"\} 1795132800/);
    expect(body).toMatch(/tfjs_monitor_model_in_production_timestamp_seconds\{model="hurt",version="v1"\} 1795132800/);
    expect(body).toMatch(/tfjs_monitor_store_unreadable_events\{model="hurt"\} 2/);
  });
});

describe('a model with no events', () => {
  it('is a finding (exit 1) naming the models the store has, not a green report', async () => {
    const store = join(tempDir(), 's.db');
    expect((await recordAt(store, '2026-11-20T10:00:00Z', 'ranker')).code).toBe(0);
    const r = await cli(['staleness', '--store', store, '--model', 'rankr', '--slo', 'train_end=26h,deploy=8d']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NO EVENTS rankr: no stage events are recorded for model "rankr" in .*s\.db; check the model name \(models in the store: ranker\)/);
    const json = JSON.parse((await cli(['staleness', '--store', store, '--model', 'rankr', '--json'])).stdout);
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'no-events', model: 'rankr' })]);
  });

  it('is a finding when its events are all of stages outside the pipeline given', async () => {
    const store = join(tempDir(), 's.db');
    const r0 = await cli(['stage', 'record', '--store', store, '--model', 'ranker', '--version', 'v1', '--stage', 'features', '--at', '2026-11-20T10:00:00Z']);
    expect(r0.code).toBe(0);
    const r = await cli(['staleness', '--store', store, '--model', 'ranker', '--stages', 'ingest,train,deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NO EVENTS ranker: no events of this pipeline's stages are recorded for model "ranker" in .*s\.db \(its events are of: features\); check --stages/);
  });
});

describe('names with control characters', () => {
  it('are refused at record time, naming the field', async () => {
    const store = join(tempDir(), 's.db');
    const r = await cli(['stage', 'record', '--store', store, '--model', 'm', '--version', 'v1\nDEPLOYED OK', '--stage', 'deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/version: "v1\\nDEPLOYED OK" contains a control character \(\\n\); use printable characters/);
  });

  it('are escaped in the text report when a store already has them', async () => {
    const store = join(tempDir(), 's.db');
    expect((await recordAt(store, '2026-11-20T10:00:00Z')).code).toBe(0);
    const db = new Database(store);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('m', 'v2\nfake line\u001b[31m', 'deploy', Date.parse('2026-11-20T11:00:00Z'), null, 0);
    db.close();
    const r = await cli(['staleness', '--store', store, '--model', 'm', '--now', '2026-11-21T00:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^deploy +2026-11-20T11:00:00\.000Z +v2\\nfake line\\u001b\[31m +13h +-$/m);
    expect(r.stdout).not.toMatch(/^fake line/m);
  });
});
