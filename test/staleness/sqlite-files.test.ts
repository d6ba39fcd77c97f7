import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, serve, sha256, unprivileged } from './run-cli.js';
import { tempDir } from './stores.js';

const record = (store: string, ...more: string[]) =>
  cli(['stage', 'record', '--store', store, '--model', 'ranker', '--version', 'v1', '--stage', 'deploy', '--at', '2026-11-20T00:00:00Z', ...more]);

/** Another application's database, in either journal mode. */
function foreignDb(path: string, journal: 'delete' | 'wal') {
  const db = new Database(path);
  db.pragma(`journal_mode = ${journal}`);
  db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (12.5), (99)");
  db.close();
}

/** Overwrites page 2 (the first table's root) with garbage, as a bad disk sector would. */
function corruptPage(path: string) {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 4096);
  closeSync(fd);
}

describe('a --store that is not ours', () => {
  for (const journal of ['delete', 'wal'] as const) {
    it(`refuses another application's SQLite file (${journal} journal) and leaves it byte for byte as it was`, async () => {
      const path = join(tempDir(), 'billing.db');
      foreignDb(path, journal);
      const before = sha256(path);
      const r = await record(path);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/store .*billing\.db is not a tfjs-monitor SQLite store \(it has no stage_events table\); it was left untouched/);
      expect(sha256(path)).toBe(before);
      const db = new Database(path, { readonly: true });
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'invoices' }]);
      db.close();
    });
  }

  it('refuses a file that is not SQLite at all, untouched', async () => {
    const path = join(tempDir(), 'notes.db');
    writeFileSync(path, 'my notes, not a database');
    const before = sha256(path);
    const r = await record(path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/store .*notes\.db is not a tfjs-monitor SQLite store \(it is not a SQLite file\); it was left untouched/);
    expect(sha256(path)).toBe(before);
  });

  it('does not create the store when the record is refused', async () => {
    const dir = tempDir();
    const path = join(dir, 'stages.db');
    const refused = [
      ['--stage', 'deploi'],
      ['--at', '2099-01-01T00:00:00Z'],
      ['--at', 'yesterday'],
      ['--stages', 'a,b'],
      ['--model', 'another'],
      ['--version', 'v1\u0007'],
    ];
    for (const more of refused) {
      const r = await cli(['stage', 'record', '--store', path, '--model', 'm', '--version', 'v1', '--stage', 'deploy', ...more]);
      expect(r.code, `${more.join(' ')}: ${r.stderr}`).toBe(2);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses --store :memory:, which would record into nothing', async () => {
    for (const args of [
      ['stage', 'record', '--store', ':memory:', '--model', 'm', '--version', 'v1', '--stage', 'deploy'],
      ['staleness', '--store', ':memory:', '--model', 'm'],
      ['staleness', 'serve', '--store', ':memory:', '--port', '0'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--store :memory: is an in-memory database that ends with the command; give a file path or a postgres:\/\/ URL/);
    }
  });

  it('says so when the directory of a new store does not exist', async () => {
    const r = await record(join(tempDir(), 'no-such-dir', 'stages.db'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create store .*no-such-dir\/stages\.db: its directory .*no-such-dir does not exist/);
  });
});

const as = unprivileged();
if (!as) console.warn('\n*** cannot run as an unprivileged user here (setpriv): the read-only store tests are SKIPPED ***\n');

describe.skipIf(!as)('a store this user may only read', () => {
  async function readOnlyStore() {
    const dir = tempDir();
    const path = join(dir, 'stages.db');
    expect((await record(path)).code).toBe(0);
    chmodSync(path, 0o444);
    chmodSync(dir, 0o555); // no journal or -shm file can be created next to it
    return { dir, path };
  }

  it('is read by staleness, serve and stage consumers, creating nothing next to it', async () => {
    const { dir, path } = await readOnlyStore();
    const r = await cli(['staleness', '--store', path, '--model', 'ranker', '--now', '2026-11-21T00:00:00Z'], { as: as! });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in production: v1, deployed 1d ago/);
    const s = serve(['--store', path, '--port', '0'], { as: as! });
    const body = await (await fetch(await s.url)).text();
    s.stop();
    expect(await s.exited).toBe(0);
    expect(body).toMatch(/tfjs_monitor_model_in_production_timestamp_seconds\{model="ranker",version="v1"\} 1795132800/);
    const consumers = await cli(['stage', 'consumers', '--store', path, '--snapshot', 's-0501'], { as: as! });
    expect(consumers.code, consumers.stderr).toBe(0);
    expect(consumers.stdout).toMatch(/^no model version consumed snapshot s-0501/);
    expect(readdirSync(dir)).toEqual(['stages.db']);
  });

  it('reports a write to it as a permission problem, naming the file', async () => {
    const { path } = await readOnlyStore();
    const r = await cli(['stage', 'record', '--store', path, '--model', 'ranker', '--version', 'v2', '--stage', 'deploy'], { as: as! });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write to store .*stages\.db: permission denied/);
  });

  it('reports a store it may not read as a permission problem, not as a foreign file', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const path = join(dir, 'stages.db');
    expect((await record(path)).code).toBe(0);
    chmodSync(path, 0o600);
    const r = await cli(['staleness', '--store', path, '--model', 'ranker'], { as: as! });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read store .*stages\.db: permission denied/);
    expect(r.stderr).not.toMatch(/not a tfjs-monitor SQLite store/);
  });
});

describe('a damaged store', () => {
  it('is bad input (exit 2) naming the file and what to do, for every command', async () => {
    const path = join(tempDir(), 'stages.db');
    expect((await record(path)).code).toBe(0);
    const fill = new Database(path);
    const insert = fill.prepare('INSERT INTO stage_events VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 300; i++) insert.run('ranker', `v${i}`, 'train_end', 1.7e12 + i, JSON.stringify({ pad: 'x'.repeat(50) }), 1.7e12);
    fill.close();
    corruptPage(path);
    for (const args of [
      ['staleness', '--store', path, '--model', 'ranker'],
      ['stage', 'record', '--store', path, '--model', 'ranker', '--version', 'v9', '--stage', 'deploy'],
      ['stage', 'consumers', '--store', path, '--snapshot', 's-0501'],
    ]) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/store .*stages\.db is damaged \(database disk image is malformed\): restore it from a backup, or salvage what is readable with `sqlite3 .*stages\.db \.recover/);
    }
  });
});

describe('without better-sqlite3 installed', () => {
  it('says which package to install, for the store and the feature log (exit 2)', async () => {
    const dir = tempDir();
    const node = (...args: string[]) =>
      promisify(execFile)('node', ['--import', './test/staleness/hide-better-sqlite3.mjs', 'dist/cli/main.js', ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    const store = await node('stage', 'record', '--store', join(dir, 's.db'), '--model', 'm', '--version', 'v1', '--stage', 'deploy');
    expect(store.code).toBe(2);
    expect(store.stderr).toMatch(/a SQLite store needs the `better-sqlite3` package: npm install better-sqlite3@12/);
    writeFileSync(join(dir, 'a.jsonl'), '');
    writeFileSync(join(dir, 'serving.db'), 'a SQLite log, to this machine');
    const log = await node('parity', join(dir, 'a.jsonl'), join(dir, 'serving.db'));
    expect(log.code).toBe(2);
    expect(log.stderr).toMatch(/a SQLite feature log needs the `better-sqlite3` package: npm install better-sqlite3@12/);
    expect(existsSync(join(dir, 's.db'))).toBe(false);
  });
});

describe('the store file', () => {
  it('uses a rollback journal, so that reading it needs no write access', async () => {
    const path = join(tempDir(), 'stages.db');
    expect((await record(path)).code).toBe(0);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('is switched from WAL (as earlier versions wrote it) to a rollback journal by its next write', async () => {
    const path = join(tempDir(), 'stages.db');
    expect((await record(path)).code).toBe(0);
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.close();
    expect((await record(path, '--version', 'v2')).code).toBe(0);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare('SELECT count(*) AS n FROM stage_events').get()).toEqual({ n: 2 });
    db.close();
  });
});
