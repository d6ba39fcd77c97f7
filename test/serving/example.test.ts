import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backend } from '../helpers/models.js';

const run = promisify(execFile);
const outcome = (p: Promise<{ stdout: string; stderr: string }>) =>
  p.then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

// The example picks its own backend, so it runs once, in the wasm project.
describe.skipIf(backend() !== 'wasm')('the serving example', { timeout: 180_000 }, () => {
  it('serves two versions over HTTP, exports /metrics, and finds the planted slowdown of v2 against v1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tfjs-monitor-serving-example-'));
    const r = await outcome(run('npx', ['tsx', 'examples/serving.ts', '--requests', '300', '--out', out], { timeout: 150_000 }));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^backend: (tensorflow|wasm|cpu)$/m);
    expect(r.stdout).toMatch(/^serving on http:\/\/127\.0\.0\.1:\d+ /m);
    expect(r.stdout).toMatch(/^load: 600 requests in [\d.]+ s, 594 answered, 6 refused; (8\d|9\d)\.\d% of answers correct$/m);
    expect(r.stdout).toMatch(/tfjs_monitor_serving_requests_total\{model="mnist-mlp",model_version="v2",code_version="example",data_version="mnist-3000"\} 300/);
    expect(r.stdout).toMatch(/^latency p50 \(ms\) .* \+20% +REGRESSION$/m);
    expect(r.stdout).toMatch(/^v2 is a latency regression against v1, as planted$/m);
    // The saved runs give the same verdict through the CLI.
    const cli = await outcome(run('node', ['dist/cli/main.js', 'serving', 'compare', join(out, 'v1.json'), join(out, 'v2.json')]));
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/^latency p95 \(ms\) .* REGRESSION$/m);
    const deps = await outcome(run('node', ['dist/cli/main.js', 'deps', 'diff', join(out, 'v1.json'), join(out, 'v2.json')]));
    expect(deps).toMatchObject({ code: 0, stdout: 'no dependency changed\n' });
  });

  it('creates the output directory, and a failure ends the run with exit 1 instead of leaving the server up', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tfjs-monitor-serving-example-'));
    const fresh = await outcome(run('npx', ['tsx', 'examples/serving.ts', '--requests', '250', '--out', join(base, 'new', 'runs')], { timeout: 150_000 }));
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(existsSync(join(base, 'new', 'runs', 'v2.json'))).toBe(true);
    writeFileSync(join(base, 'a-file'), '');
    const failed = await outcome(run('npx', ['tsx', 'examples/serving.ts', '--requests', '200', '--out', join(base, 'a-file')], { timeout: 150_000 }));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/a-file/);
  });
});
