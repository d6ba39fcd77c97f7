import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { tempDir } from './stores.js';

/** A store where ranker v1 and v2 and digits v7 were built from snapshot s-0501, and ranker v3 from s-0601. */
async function seeded() {
  const dir = tempDir();
  const store = join(dir, 'stages.db');
  for (const [model, version, stage, at, snapshot] of [
    ['ranker', 'v1', 'data_snapshot', '2026-11-01T00:00:00Z', 's-0501'],
    ['ranker', 'v1', 'train_end', '2026-11-01T06:00:00Z'],
    ['ranker', 'v1', 'deploy', '2026-11-02T00:00:00Z'],
    ['digits', 'v7', 'data_snapshot', '2026-11-05T00:00:00Z', 's-0501'],
    ['digits', 'v7', 'train_start', '2026-11-05T02:00:00Z'],
    ['ranker', 'v2', 'data_snapshot', '2026-11-10T00:00:00Z', 's-0501'],
    ['ranker', 'v2', 'validate', '2026-11-10T08:00:00Z'],
    ['ranker', 'v2', 'deploy', '2026-11-11T00:00:00Z'],
    ['ranker', 'v3', 'data_snapshot', '2026-11-19T00:00:00Z', 's-0601'],
    ['ranker', 'v3', 'features', '2026-11-19T01:00:00Z'],
  ] as const) {
    const meta = snapshot ? ['--meta', JSON.stringify({ snapshot, rows: 1000 })] : [];
    const r = await runCli(['stage', 'record', '--store', store, '--model', model, '--version', version, '--stage', stage, '--at', at, ...meta]);
    expect(r.code, r.stderr).toBe(0);
  }
  return { dir, store };
}

const consumers = (store: string, ...args: string[]) => runCli(['stage', 'consumers', '--store', store, ...args]);

describe('tfjs-monitor stage consumers', () => {
  it('lists the versions built from a snapshot, how far each got and which one serves now', async () => {
    const { store } = await seeded();
    const r = await spawnCli(['stage', 'consumers', '--store', store, '--snapshot', 's-0501']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`3 model versions consumed snapshot s-0501 (in ${store}):`);
    expect(lines[2]).toMatch(/^model +version +data_snapshot at +last stage +last stage at +deployed +in production$/);
    // Oldest first: v1 was deployed and replaced by v2; digits v7 never got past train_start.
    expect(lines.slice(3)).toEqual([
      expect.stringMatching(/^ranker +v1 +2026-11-01T00:00:00\.000Z +deploy +2026-11-02T00:00:00\.000Z +yes +no$/),
      expect.stringMatching(/^digits +v7 +2026-11-05T00:00:00\.000Z +train_start +2026-11-05T02:00:00\.000Z +no +no$/),
      expect.stringMatching(/^ranker +v2 +2026-11-10T00:00:00\.000Z +deploy +2026-11-11T00:00:00\.000Z +yes +yes$/),
    ]);

    const one = await consumers(store, '--snapshot', 's-0501', '--model', 'ranker');
    expect(one.stdout).toMatch(/^2 versions of model ranker consumed snapshot s-0501 /);
    expect(one.stdout).not.toMatch(/digits/);
    const two = await consumers(store, '--snapshot', 's-0501', '--model', 'digits', '--model', 'ranker', '--model', 'digits');
    expect(two.stdout.match(/^(digits|ranker) +v\d/gm)).toEqual(['ranker v1', 'digits v7', 'ranker v2'].map((s) => expect.stringMatching(new RegExp(`^${s.replace(' ', ' +')}`))));
  });

  it('--json prints the array, the same as consumersOf returns', async () => {
    const { store } = await seeded();
    const r = await spawnCli(['stage', 'consumers', '--store', store, '--snapshot', 's-0601', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { model: 'ranker', version: 'v3', at: '2026-11-19T00:00:00.000Z', lastStage: 'features', lastStageAt: '2026-11-19T01:00:00.000Z', deployed: false, inProduction: false },
    ]);
    expect(JSON.parse((await consumers(store, '--snapshot', 's-9999', '--json')).stdout)).toEqual([]);
  });

  it('says plainly when no version consumed the snapshot, with exit 0: an answer, not a finding', async () => {
    const { store } = await seeded();
    expect(await consumers(store, '--snapshot', 's-9999')).toEqual({ code: 0, stdout: `no model version consumed snapshot s-9999 (in ${store})`, stderr: '' });
    const ranker = await consumers(store, '--snapshot', 's-0601', '--model', 'digits');
    expect(ranker).toEqual({ code: 0, stdout: `no version of model digits consumed snapshot s-0601 (in ${store})`, stderr: '' });
  });

  it('warns when the answer may be wrong: a model with no events (a typo), a stored event it cannot read', async () => {
    const { store } = await seeded();
    const typo = await consumers(store, '--snapshot', 's-0501', '--model', 'rankr');
    expect(typo.code).toBe(0);
    expect(typo.stdout).toBe(`no version of model rankr consumed snapshot s-0501 (in ${store})`);
    expect(typo.stderr).toMatch(/^warning: rankr: no stage events are recorded for model "rankr" in .*stages\.db; check the model name \(models in the store: ranker, digits\)$/);

    // A model of another pipeline in the same store: named when asked about, not when every model is.
    expect((await runCli(['stage', 'record', '--store', store, '--model', 'etl', '--version', 'v1', '--stage', 'ingest', '--stages', 'ingest,deploy'])).code).toBe(0);
    expect((await consumers(store, '--snapshot', 's-0501')).stderr).toBe('');
    expect((await consumers(store, '--snapshot', 's-0501', '--model', 'etl')).stderr).toMatch(
      /^warning: etl: no events of this pipeline's stages are recorded for model "etl" .*\(its events are of: ingest\); check --stages/,
    );

    // As an older version, or another program, could have written it: a snapshot record whose meta is not JSON.
    const db = new Database(store);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('ranker', 'v4', 'data_snapshot', Date.parse('2026-11-20T00:00:00Z'), '{"snapshot":"s-05', 0);
    db.close();
    const r = await consumers(store, '--snapshot', 's-0501');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^3 model versions consumed snapshot s-0501 /);
    expect(r.stderr).toMatch(/^warning: ranker: skipped the stored event v4 data_snapshot: its meta is not JSON.*; fix or delete it in .*stages\.db \(the answer leaves it out\)$/);
    // Another model's rows are not this question's business when one model is asked about.
    expect((await consumers(store, '--snapshot', 's-0501', '--model', 'digits')).stderr).toBe('');

    // A time no Date can hold, on the last stage of a version that consumed the snapshot: that version
    // is still listed, as far as its readable events go.
    const db2 = new Database(store);
    db2.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('digits', 'v7', 'deploy', 9e15, null, 0);
    db2.close();
    const t = await consumers(store, '--snapshot', 's-0501', '--model', 'digits', '--json');
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout)).toEqual([expect.objectContaining({ model: 'digits', version: 'v7', lastStage: 'train_start', deployed: false })]);
    expect(t.stderr).toMatch(/^warning: digits: skipped the stored event v7 deploy: its time 9000000000000000 is not a whole number of milliseconds .*\(the answer leaves it out\)$/);
  });

  it('finds the snapshot on the first stage of the pipeline given by --stages', async () => {
    const store = join(tempDir(), 'stages.db');
    const pipeline = ['--stages', 'ingest,train,deploy'];
    const record = (version: string, stage: string, meta?: object) =>
      runCli(['stage', 'record', '--store', store, '--model', 'm', '--version', version, '--stage', stage, ...pipeline, ...(meta ? ['--meta', JSON.stringify(meta)] : [])]);
    expect((await record('v1', 'ingest', { snapshot: 'day-1' })).code).toBe(0);
    expect((await record('v1', 'train')).code).toBe(0);
    const r = await consumers(store, '--snapshot', 'day-1', ...pipeline);
    expect(r.stdout).toMatch(/^model +version +ingest at +last stage +last stage at +deployed +in production$/m);
    expect(r.stdout).toMatch(/^m +v1 +\S+ +train +\S+ +no +no$/m);
  });

  it('escapes names a store already holds, so that one stays on one line', async () => {
    const { store } = await seeded();
    const db = new Database(store);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('ranker', 'v5\nfake row', 'data_snapshot', Date.parse('2026-11-21T00:00:00Z'), '{"snapshot":"s-0501"}', 0);
    db.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)').run('ranker', 'v6\nfake warning', 'features', Date.parse('2026-11-21T00:00:00Z'), '{oops', 0);
    db.close();
    const r = await consumers(store, '--snapshot', 's-0501', '--model', 'ranker');
    expect(r.stdout).toMatch(/^ranker +v5\\nfake row +2026-11-21T00:00:00\.000Z +data_snapshot +2026-11-21T00:00:00\.000Z +no +no$/m);
    expect(r.stdout).not.toMatch(/^fake row/m);
    expect(r.stderr).toMatch(/^warning: ranker: skipped the stored event v6\\nfake warning features: its meta is not JSON/);
    expect(r.stderr).not.toMatch(/^fake warning/m);
  });

  it('answers bad input with exit 2 and creates no store: the command only reads', async () => {
    const { dir, store } = await seeded();
    const missing = join(dir, 'missing.db');
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'not sqlite');
    const bad = [
      [['--store', missing, '--snapshot', 's-0501'], /store .*missing\.db does not exist; record a stage first, or check the path/],
      [['--store', store], /missing --snapshot\n.*usage: tfjs-monitor stage consumers/],
      [['--store', store, '--snapshot', ''], /missing --snapshot/],
      [['--snapshot', 's-0501'], /missing --store/],
      [['--store', ':memory:', '--snapshot', 's-0501'], /--store :memory: is an in-memory database/],
      [['--store', store, '--snapshot', 's-0501', '--timeout', 'soon'], /--timeout: cannot read "soon" as a duration/],
      [['--store', store, '--snapshot', 's-0501', '--stages', 'a,b'], /deploy/],
      [['--store', corrupt, '--snapshot', 's-0501'], /not a tfjs-monitor SQLite store .*left untouched/],
      [['--store', store, '--snapshot', 's-0501', '--at', 'now'], /Unknown option '--at'/],
    ] as const;
    const before = readdirSync(dir).sort();
    for (const [args, message] of bad) {
      const r = await runCli(['stage', 'consumers', ...args]);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(missing)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
