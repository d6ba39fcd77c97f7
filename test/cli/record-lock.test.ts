import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../src/common/files.js';
import { readBaselineFile, recordBaseline } from '../../src/speed/baseline-file.js';
import { KEY, speedSummary, tempDir, writeJson } from './fixtures.js';
import { spawnCli } from './run-cli.js';

const summaryFor = (codeVersion: string) => speedSummary({ key: { ...KEY, codeVersion } });

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

function writeLock(baseline: string, owner: object, ageS: number): string {
  const lock = `${baseline}.lock`;
  writeFileSync(lock, JSON.stringify(owner));
  const then = Date.now() / 1000 - ageS;
  utimesSync(lock, then, then);
  return lock;
}

describe('speed record from processes running at once', () => {
  it('loses nothing: 4 processes each recording 25 keys into one file leave 100 entries', async () => {
    const dir = tempDir();
    const baseline = join(dir, 'baseline.json');
    const workers = 4;
    const perWorker = 25;
    const runs = Array.from({ length: workers }, (_, w) =>
      Array.from({ length: perWorker }, (_, k) => writeJson(dir, `run-${w}-${k}.json`, summaryFor(`w${w}-k${k}`))),
    );
    const reported = await Promise.all(
      runs.map(async (files) => {
        let recorded = 0;
        for (const run of files) {
          const r = await spawnCli(['speed', 'record', run, '--baseline', baseline]);
          expect(r.stderr).toBe('');
          if (r.code === 0 && /recorded the baseline/.test(r.stdout)) recorded++;
        }
        return recorded;
      }),
    );
    expect(reported.reduce((a, b) => a + b, 0)).toBe(workers * perWorker);
    const keys = readBaselineFile(baseline).entries.map((e) => e.summary.key.codeVersion).sort();
    expect(keys).toEqual(runs.flatMap((files, w) => files.map((_, k) => `w${w}-k${k}`)).sort());
    expect(existsSync(`${baseline}.lock`)).toBe(false);
  }, 120_000);
});

describe('the baseline lock', () => {
  it('takes over a lock left by a process that died, once it is old enough', () => {
    const baseline = join(tempDir(), 'b.json');
    writeLock(baseline, { pid: deadPid(), host: hostname(), at: '2026-01-01T00:00:00Z' }, 60);
    recordBaseline(baseline, summaryFor('after-crash'), new Date(), { timeoutMs: 2_000, staleMs: 10_000 });
    expect(readBaselineFile(baseline).entries).toHaveLength(1);
    expect(existsSync(`${baseline}.lock`)).toBe(false);
  });

  it('waits for a dead process’s lock to age before taking it over', () => {
    const baseline = join(tempDir(), 'b.json');
    writeLock(baseline, { pid: deadPid(), host: hostname(), at: new Date().toISOString() }, 0);
    const start = Date.now();
    recordBaseline(baseline, summaryFor('x'), new Date(), { timeoutMs: 5_000, staleMs: 400 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(300);
    expect(readBaselineFile(baseline).entries).toHaveLength(1);
  });

  it.each([
    ['a live process', () => ({ pid: process.pid, host: hostname(), at: '2026-01-01T00:00:00Z' }), /locked by process \d+ on /],
    ['another host (its pid means nothing here)', () => ({ pid: deadPid(), host: 'elsewhere.example', at: '2026-01-01T00:00:00Z' }), /locked by process \d+ on elsewhere\.example/],
  ])('never takes a lock held by %s: gives up naming the lock file, the baseline untouched', (_, owner, message) => {
    const baseline = join(tempDir(), 'b.json');
    recordBaseline(baseline, summaryFor('kept'));
    const before = readFileSync(baseline, 'utf8');
    const lock = writeLock(baseline, owner(), 60);
    let error: unknown;
    try {
      recordBaseline(baseline, summaryFor('new'), new Date(), { timeoutMs: 300, staleMs: 100 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`delete ${lock}`);
    expect(readFileSync(baseline, 'utf8')).toBe(before);
    expect(existsSync(lock)).toBe(true);
  });
});
