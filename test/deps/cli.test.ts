import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/run-cli.js';
import { latencies, syntheticRun } from '../serving/runs.js';

/** The built CLI in its own process, as a user runs it. */
const cli = (...args: string[]) => spawnCli(args);

const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-deps-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const v1 = syntheticRun(latencies(10, 0.001, 1));
const v2 = syntheticRun(latencies(10, 0.001, 2), {
  dependencies: { ...v1.dependencies, packages: { ...v1.dependencies.packages, '@tensorflow/tfjs-core': '4.23.0' }, backend: { name: 'cpu', flags: {} } },
});

describe('tfjs-monitor deps diff', () => {
  it('prints each changed dependency old → new and exits 1; 0 when nothing changed', async () => {
    const r = await cli('deps', 'diff', file('v1.json', v1), file('v2.json', v2));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual(['@tensorflow/tfjs-core  4.22.0 → 4.23.0', 'backend                wasm → cpu']);
    const same = await cli('deps', 'diff', file('v1.json', v1), file('v1b.json', syntheticRun(latencies(10, 0.002, 3))));
    expect(same).toMatchObject({ code: 0, stdout: 'no dependency changed\n' });
    const json = await cli('deps', 'diff', join(dir, 'v1.json'), join(dir, 'v2.json'), '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ same: false, backendChanged: true });
  });

  it('reads a training report that records dependencies, and a bare dependency set', async () => {
    const report = file('report.json', { status: 'healthy', layers: [], dependencies: v2.dependencies });
    const bare = file('bare.json', v1.dependencies);
    const r = await cli('deps', 'diff', bare, report);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^backend +wasm → cpu$/m);
  });

  it('exits 3 when a file records no dependencies, 2 when a file is missing or its set is broken', async () => {
    const old = await cli('deps', 'diff', file('old-report.json', { status: 'healthy', layers: [] }), join(dir, 'v2.json'));
    expect(old.code).toBe(3);
    expect(old.stderr).toMatch(/old-report\.json records no dependencies .*: nothing to compare/);
    const missing = await cli('deps', 'diff', join(dir, 'nope.json'), join(dir, 'v2.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/run file .*nope\.json does not exist/);
    const broken = await cli('deps', 'diff', file('broken.json', { dependencies: { packages: 'all of them' } }), join(dir, 'v2.json'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json has a dependency set that cannot be read \(dependencies: packages: /);
    expect((await cli('deps', 'diff', join(dir, 'v2.json'))).code).toBe(2);
  });
});
