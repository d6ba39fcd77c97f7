import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/run-cli.js';
import type { ServingRun } from '../../src/node/index.js';
import { latencies, syntheticRun } from './runs.js';

/** The built CLI in its own process, as a user runs it. */
const cli = (...args: string[]) => spawnCli(args);

const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-serving-cli-'));
function file(name: string, content: ServingRun | string): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const v1 = file('v1.json', syntheticRun(latencies(600, 0.001, 1)));
const v1again = file('v1-again.json', syntheticRun(latencies(600, 0.001, 2)));
const v2 = file('v2.json', syntheticRun(latencies(600, 0.0016, 3), { versions: { modelVersion: 'v2', codeVersion: 'c1', dataVersion: 'd1' } }));

describe('tfjs-monitor serving compare', () => {
  it('prints the runs side by side and exits 1 on a latency regression', async () => {
    const r = await cli('serving', 'compare', v1, v2);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^model mnist-mlp: baseline v1 \(code c1, data d1, wasm\) → run v2 \(code c1, data d1, wasm\)$/m);
    expect(r.stdout).toMatch(/^calls: baseline 600, run 600; at least 200 returned calls in each are needed to judge$/m);
    expect(r.stdout).toMatch(/^metric +baseline +run +change +99% interval +allowed +verdict$/m);
    expect(r.stdout).toMatch(/^latency p50 \(ms\) +1\.\d+ +1\.\d+ +\+\d+\.\d% +\+\d+\.\d% … \+\d+\.\d% +\+20% +REGRESSION$/m);
    expect(r.stdout).toMatch(/^latency p99 \(ms\) .* not judged$/m);
    expect(r.stdout).toMatch(/^error rate +0\.00% +0\.00% +\+0\.00 pp .* \+0\.10 pp +ok$/m);
    expect(r.stdout).toMatch(/^dependencies: no change$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d regression\(s\): latency p50 \(ms\), latency p95 \(ms\)/);
  });

  it('exits 0 for two runs of the same version, and --json carries the verdict', async () => {
    const r = await cli('serving', 'compare', v1, v1again);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^no regression/);
    const j = await cli('serving', 'compare', v1, v2, '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ exitCode: 1, enoughData: true, minCalls: 200, calls: { baseline: 600, run: 600 } });
  });

  it('exits 3 with "not enough data" and the counts when a run is too short, and when runs are not comparable', async () => {
    const short = file('short.json', syntheticRun(latencies(120, 0.003, 4)));
    const r = await cli('serving', 'compare', v1, short);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/NOT ENOUGH DATA \(baseline 600, run 120 returned\)/);
    expect(r.stdout).toMatch(/latency p50 \(ms\) .* not enough data$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('not enough data: each run needs at least 200 returned calls; nothing was judged');
    expect((await cli('serving', 'compare', v1, short, '--min-calls', '100')).code).toBe(1);
    const batched = file('batched.json', syntheticRun(latencies(600, 0.004, 5), { batchSize: { min: 32, max: 32, mean: 32 } }));
    const b = await cli('serving', 'compare', v1, batched);
    expect(b.code).toBe(3);
    expect(b.stdout.trim().split('\n').at(-1)).toMatch(/^not comparable: the baseline served 1 examples per call on average, the run 32/);
  });

  it('exits 2 on bad input, naming the file and the field', async () => {
    const missing = await cli('serving', 'compare', join(dir, 'nope.json'), v2);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/baseline run .*nope\.json does not exist/);
    const corrupt = await cli('serving', 'compare', v1, file('corrupt.json', '{"format": '));
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/run .*corrupt\.json is not valid JSON/);
    const report = await cli('serving', 'compare', file('report.json', '{"status":"healthy","speed":{}}'), v2);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/report\.json is not a tfjs-monitor serving run \(save one with served\.saveRun\(path\)\): format: /);
    const broken = { ...syntheticRun(latencies(300, 0.001, 6)), calls: -1 };
    const field = await cli('serving', 'compare', v1, file('broken.json', JSON.stringify(broken)));
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(/broken\.json is not a tfjs-monitor serving run .*: calls: /);
    const flag = await cli('serving', 'compare', v1, v2, '--latency', 'fast');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--latency must be a number > 0, got "fast"/);
    expect((await cli('serving', 'compare', v1)).code).toBe(2);
  });
});
