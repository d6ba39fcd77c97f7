import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { DEFAULT_SPEED_TOLERANCE } from '../../src/speed/compare.js';
import { recordBaseline } from '../../src/speed/baseline-file.js';
import { settleBaseline } from '../../src/speed/settle-baseline.js';
import type { SpeedSummary } from '../../src/speed/summary.js';
import { monitorReport, speedSummary, tempDir, writeJson } from './fixtures.js';
import { runCli, spawnCli } from './run-cli.js';

/** A baseline file holding `baseline`, and a run file holding `run`, in a fresh folder. */
function files(baseline: SpeedSummary, run: SpeedSummary) {
  const dir = tempDir();
  const baselinePath = join(dir, 'baseline.json');
  recordBaseline(baselinePath, baseline);
  return { dir, baselinePath, runPath: writeJson(dir, 'run.json', { ...monitorReport(), speed: { ...monitorReport().speed, ...run } }) };
}

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const withMemory = (memory: Partial<SpeedSummary['memory']>) => speedSummary({ memory: { ...speedSummary().memory, ...memory } });

describe('speed compare: missing or zero figures are never a pass', () => {
  it.each([
    ['a run whose throughput is null', speedSummary(), speedSummary({ examplesPerSecond: null }), /examples\/s \(median\) missing in the run/],
    ['a run that ran no batch', speedSummary(), speedSummary({ batches: 0, examplesPerSecond: null, msPerBatch: { median: null, p95: null, mean: null } }), /ms\/batch \(median\) missing in the run/],
    ['a baseline with 0 peak tensors', withMemory({ peakNumTensors: 0 }), speedSummary(), /peak tensors is 0 in the baseline/],
    ['a run with 0 peak tensor bytes', speedSummary(), withMemory({ peakNumBytes: 0 }), /peak tensor bytes is 0 in the run/],
    ['RSS in the baseline only', speedSummary(), withMemory({ peakRss: undefined }), /peak RSS bytes missing in the run/],
    ['no throughput figure on either side', speedSummary({ examplesPerSecond: null, msPerBatch: { median: null, p95: null, mean: null } }), speedSummary({ examplesPerSecond: null, msPerBatch: { median: null, p95: null, mean: null } }), /no throughput figure/],
  ])('%s: exit 3, naming the figures, no "no regression"', async (_, baseline, run, named) => {
    const { baselinePath, runPath } = files(baseline, run);
    const r = await runCli(['speed', 'compare', baselinePath, runPath]);
    expect(r.stderr).toMatch(/not comparable with the baseline in .*baseline\.json/);
    expect(r.stderr).toMatch(named);
    expect(r.stdout).not.toMatch(/no regression/);
    expect(r.stdout).toMatch(/NOT COMPARABLE|ms\/batch/);
    expect(r.code).toBe(3);
  });

  it('judges what both runs measured: RSS absent from both (a browser) is "not measured", and the rest passes', async () => {
    const noRss = withMemory({ peakRss: undefined });
    const { baselinePath, runPath } = files(noRss, noRss);
    const r = await runCli(['speed', 'compare', baselinePath, runPath]);
    expect(r.stdout).toMatch(/^peak RSS bytes +- +- +- +\+20% +not measured$/m);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/no regression/) });
  });

  it('a regression among the figures compared is still exit 1, with the missing ones named', async () => {
    const { baselinePath, runPath } = files(speedSummary(), withMemory({ peakNumBytes: 60_000_000, peakRss: undefined }));
    const r = await runCli(['speed', 'compare', baselinePath, runPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^peak tensor bytes .* REGRESSION$/m);
    expect(r.stderr).toMatch(/peak RSS bytes missing in the run/);
  });

  it('speed record refuses a run no later run could be compared with: exit 2, nothing written', async () => {
    const dir = tempDir();
    const baseline = join(dir, 'baseline.json');
    const run = writeJson(dir, 'run.json', withMemory({ peakNumTensors: 0 }));
    const r = await runCli(['speed', 'record', run, '--baseline', baseline]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/run file .*run\.json cannot be a baseline: peak tensors is 0; nothing was recorded/) });
    expect(() => readFileSync(baseline)).toThrow(/ENOENT/);
  });
});

describe('the in-training baseline comparison follows the same rule', () => {
  const options = { path: '', record: false, tolerance: DEFAULT_SPEED_TOLERANCE, action: 'warn' as const, dependencyAction: 'warn' as const };

  it('says not-comparable, with the reason, for a run without throughput; never compared-ok', () => {
    const { baselinePath } = files(speedSummary(), speedSummary());
    const { logger, lines } = memoryLogger();
    const status = settleBaseline({ ...options, path: baselinePath }, speedSummary({ examplesPerSecond: null }), null, logger);
    expect(status.status).toBe('not-comparable');
    expect(status.reason).toMatch(/examples\/s \(median\) missing in the run/);
    expect(lines.find((l) => l['event'] === 'tfjs-monitor.baseline-not-comparable')?.['msg']).toMatch(/not comparable with this run/);
    // The HTML report shows it as such, not as "ok".
    const run = monitorReport();
    run.speed!.baseline = status;
    const html = renderHtmlReport({ run });
    expect(html).toMatch(/not comparable/i);
    expect(html).toMatch(/<td>examples\/s \(median\)<\/td><td class="num">[\d.]+<\/td><td class="num">-<\/td><td class="num">-<\/td><td>NOT COMPARABLE<\/td>/);
  });

  it('against a baseline with 0 peak tensors: not-comparable', () => {
    const { baselinePath } = files(withMemory({ peakNumTensors: 0 }), speedSummary());
    const status = settleBaseline({ ...options, path: baselinePath }, speedSummary(), null, memoryLogger().logger);
    expect(status).toMatchObject({ status: 'not-comparable', reason: expect.stringMatching(/peak tensors is 0 in the baseline/) });
  });

  it('never records a run with a zero figure as the baseline', () => {
    const dir = tempDir();
    const path = join(dir, 'b.json');
    const status = settleBaseline({ ...options, path, record: true }, withMemory({ peakNumTensors: 0 }), null, memoryLogger().logger);
    expect(status).toEqual({ path, status: 'not-recorded', reason: 'peak tensors is 0' });
  });
});

describe('speed commands: unreadable files are bad input (exit 2), naming the file', () => {
  it('a directory as the baseline, for compare and for record', async () => {
    const dir = tempDir();
    const run = writeJson(dir, 'run.json', speedSummary());
    mkdirSync(join(dir, 'baselines'));
    expect(await runCli(['speed', 'compare', join(dir, 'baselines'), run])).toMatchObject({ code: 2, stderr: expect.stringMatching(/baseline file .*baselines is a directory/) });
    expect(await runCli(['speed', 'record', run, '--baseline', join(dir, 'baselines')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/baseline file .*baselines is a directory/) });
    expect(await runCli(['speed', 'compare', join(dir, 'nope.json'), dir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/run file .* is a directory/) });
  });

  it('a baseline in a folder that does not exist: exit 2', async () => {
    const dir = tempDir();
    const run = writeJson(dir, 'run.json', speedSummary());
    const r = await runCli(['speed', 'record', run, '--baseline', join(dir, 'no/such/b.json')]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/no\/such\/b\.json/) });
  });

  it('a run or baseline the user may not read: exit 2', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const run = writeJson(dir, 'run.json', speedSummary());
    const baseline = join(dir, 'baseline.json');
    recordBaseline(baseline, speedSummary());
    chmodSync(baseline, 0o000);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await spawnCli(['speed', 'compare', baseline, run], asUser);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/baseline file .*baseline\.json cannot be read \(permission denied\)/) });
    writeFileSync(join(dir, 'x'), '');
  });
});
