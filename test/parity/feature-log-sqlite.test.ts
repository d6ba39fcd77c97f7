import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openFeatureLog } from '../../src/node/index.js';

const run = promisify(execFile);
const dir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-parity-sqlite-'));

async function parity(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['dist/cli/main.js', 'parity', ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A SQLite feature log of `n` records, closed. */
async function sqliteLog(path: string, n: number) {
  const log = await openFeatureLog(path);
  for (let i = 0; i < n; i++) {
    log.append({ side: 'serving', id: `o${i}`, fp: 'f1', ts: 1.7e12 + i, features: { total: i, pad: 'x'.repeat(40) }, violations: [] });
  }
  log.close();
}

describe('a SQLite feature log that cannot be read', () => {
  it('is bad input (exit 2) naming the file when its feature_log table has other columns', async () => {
    const d = dir();
    const path = join(d, 'serving.db');
    const db = new Database(path);
    db.exec("CREATE TABLE feature_log (id INTEGER PRIMARY KEY, payload TEXT); INSERT INTO feature_log (payload) VALUES ('{}')");
    db.close();
    await sqliteLog(join(d, 'training.db'), 3);
    const r = await parity(join(d, 'training.db'), path);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/feature log .*serving\.db is not a tfjs-monitor SQLite feature log \(its feature_log table has no seq column\); it was left untouched/);
  });

  it('is bad input (exit 2) naming the file and what to do when a page is damaged', async () => {
    const d = dir();
    await sqliteLog(join(d, 'training.db'), 300);
    await sqliteLog(join(d, 'serving.db'), 300);
    const fd = openSync(join(d, 'serving.db'), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 4096); // page 2: the root of feature_log
    closeSync(fd);
    const r = await parity(join(d, 'training.db'), join(d, 'serving.db'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/feature log .*serving\.db is damaged \(database disk image is malformed\): restore it from a backup, or salvage what is readable with `sqlite3 /);
  });

  it('is left in rollback mode when its writer closes, so that reading it needs no write access', async () => {
    const d = dir();
    await sqliteLog(join(d, 'serving.db'), 3);
    const db = new Database(join(d, 'serving.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
    expect(readdirSync(d)).toEqual(['serving.db']);
  });
});
