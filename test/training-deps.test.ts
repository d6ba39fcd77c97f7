import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor, TrainingInstabilityError, type TrainingDependencyChangeFinding } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { runCli } from './cli/run-cli.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

describe('dependency changes (Monitor 1) in training runs', () => {
  it('a training report records what the run depended on, and deps diff names what changed between two runs', async () => {
    const { xs, ys } = loadMnist(40);
    const model = mlp();
    const monitor = new TrainingMonitor({ dataSources: [{ name: 'mnist', version: '1.1.0' }], logger: memoryLogger().logger });
    await model.fit(xs, ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [monitor] });
    const deps = monitor.report().dependencies!;
    expect(deps.packages['@tensorflow/tfjs-core']).toBe(tf.version_core);
    expect(deps.packages['@tensorflow/tfjs-layers']).toBe(tf.version_layers);
    expect(deps.backend.name).toBe(tf.getBackend());
    expect(deps.runtime).toEqual({ name: 'node', version: `v${process.versions.node}` });
    expect(deps.lockfile?.file).toMatch(/package-lock\.json$/);
    expect(deps.dataSources).toEqual([{ name: 'mnist', version: '1.1.0' }]);

    const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-deps-'));
    monitor.saveReport(join(dir, 'a.json'));
    const b = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    b.dependencies.packages['@tensorflow/tfjs-core'] = '4.21.0';
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
    const same = await runCli(['deps', 'diff', join(dir, 'a.json'), join(dir, 'a.json')]);
    expect(same.code).toBe(0);
    const changed = await runCli(['deps', 'diff', join(dir, 'a.json'), join(dir, 'b.json')]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(new RegExp(`@tensorflow/tfjs-core +${tf.version_core.replace(/\./g, '\\.')} → 4\\.21\\.0`));
    tf.dispose([xs, ys]);
    disposeModel(model);
  });
});

describe('a training run against its speed baseline carries a dependency-change finding', () => {
  let data: MnistSplit;
  let dir: string;
  beforeAll(() => {
    data = loadMnist(60);
    dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-deps-baseline-'));
  });
  afterAll(() => tf.dispose([data.xs, data.ys]));
  const versions = { codeVersion: 'c1', modelVersion: 'm1', dataVersion: 'd1' };

  async function train(baseline: { path: string; record?: boolean; dependencyAction?: 'warn' | 'fail' }, dataSources = [{ name: 'mnist', version: '1.1.0' }]) {
    const model = mlp();
    const log = memoryLogger();
    const monitor = new TrainingMonitor({ speed: { versions, baseline }, dataSources, logger: log.logger });
    const error = await expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [monitor] })).then(
      () => null,
      (e: Error) => e,
    );
    disposeModel(model);
    return { monitor, error, lines: log.lines };
  }

  /** The recorded baseline as if an older tfjs and another data snapshot had produced it. */
  function olderBaseline(path: string): void {
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const deps = file.entries[0].summary.dependencies;
    deps.packages['@tensorflow/tfjs-core'] = '4.21.0';
    deps.dataSources = [{ name: 'mnist', version: '1.0.0' }];
    writeFileSync(path, JSON.stringify(file));
  }

  it('records the dependency set in the baseline; the same set raises nothing', async () => {
    const path = join(dir, 'same.json');
    const recorded = await train({ path, record: true });
    const entry = JSON.parse(readFileSync(path, 'utf8')).entries[0];
    expect(entry.summary.dependencies).toEqual(recorded.monitor.report().dependencies);
    const again = await train({ path });
    expect(again.monitor.report().speed!.baseline!.status).toBe('compared');
    expect(again.monitor.findings.filter((f) => f.kind === 'dependency-change')).toEqual([]);
  });

  it('names each changed package and data source, old → new, as the run starts; the HTML report shows the set', async () => {
    const path = join(dir, 'older.json');
    await train({ path, record: true });
    olderBaseline(path);
    const { monitor, error, lines } = await train({ path });
    expect(error).toBeNull();
    const found = monitor.findings.filter((f): f is TrainingDependencyChangeFinding => f.kind === 'dependency-change');
    expect(found).toHaveLength(1);
    const [finding] = found;
    expect(finding).toMatchObject({ action: 'warn', step: 0, baselinePath: path, key: { ...versions, backend: tf.getBackend() } });
    expect(finding!.changes).toEqual([
      { dependency: '@tensorflow/tfjs-core', kind: 'package', from: '4.21.0', to: tf.version_core },
      { dependency: 'data mnist', kind: 'data-source', from: '1.0.0', to: '1.1.0' },
    ]);
    expect(finding!.message).toBe(`dependencies differ from the baseline in ${path}: @tensorflow/tfjs-core 4.21.0 → ${tf.version_core}, data mnist 1.0.0 → 1.1.0`);
    expect(monitor.report().status).toBe('warned');
    // Logged before the first batch, not at the end.
    const logged = lines.findIndex((l) => (l['finding'] as { kind?: string } | undefined)?.kind === 'dependency-change');
    const firstBatch = lines.findIndex((l) => l['event'] === 'tfjs-monitor.baseline-not-comparable' || l['event'] === 'tfjs-monitor.finding');
    expect(logged).toBeGreaterThanOrEqual(0);
    expect(logged).toBe(firstBatch);

    const html = monitor.renderReport();
    expect(html).toContain('<a href="#dependencies">');
    expect(html).toMatch(/<tr class="bad"><td>@tensorflow\/tfjs-core<\/td><td>[\d.]+<\/td><td>4\.21\.0<\/td><\/tr>/);
    expect(html).toMatch(/<tr class=""><td>@tensorflow\/tfjs-layers<\/td><td>[\d.]+<\/td><td><\/td><\/tr>/);
  });

  it("with dependencyAction 'fail', fit rejects after its first batch and leaks nothing", async () => {
    const path = join(dir, 'fail.json');
    await train({ path, record: true });
    olderBaseline(path);
    const { monitor, error } = await train({ path, dependencyAction: 'fail' });
    expect(error).toBeInstanceOf(TrainingInstabilityError);
    expect(error!.message).toMatch(/dependencies differ from the baseline .*: @tensorflow\/tfjs-core 4\.21\.0 → .* record a new baseline once it is intended/);
    expect(monitor.report().steps).toBe(1);
  });

  it('a run that records a new baseline says what it replaced; a baseline without a dependency set raises nothing', async () => {
    const path = join(dir, 'replace.json');
    await train({ path, record: true });
    olderBaseline(path);
    const replacing = await train({ path, record: true });
    expect(replacing.monitor.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^dependencies differ from the baseline this run replaces in /)]);
    expect(JSON.parse(readFileSync(path, 'utf8')).entries[0].summary.dependencies.packages['@tensorflow/tfjs-core']).toBe(tf.version_core);

    const file = JSON.parse(readFileSync(path, 'utf8'));
    delete file.entries[0].summary.dependencies; // recorded before dependency sets were
    writeFileSync(path, JSON.stringify(file));
    const old = await train({ path });
    expect(old.monitor.findings.filter((f) => f.kind === 'dependency-change')).toEqual([]);
    expect(old.monitor.report().speed!.baseline!.status).toBe('compared');
  });

  it('speed record keeps a saved report’s dependency set; speed compare lists what changed and keeps its exit code', async () => {
    const { monitor } = await train({ path: join(dir, 'unused.json') });
    const run = join(dir, 'run.json');
    monitor.saveReport(run);
    const baseline = join(dir, 'cli-baseline.json');
    expect((await runCli(['speed', 'record', run, '--baseline', baseline])).code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).entries[0].summary.dependencies).toEqual(monitor.report().dependencies);
    const same = await runCli(['speed', 'compare', baseline, run]);
    expect(same.stdout).not.toMatch(/dependencies changed/);
    olderBaseline(baseline);
    const changed = await runCli(['speed', 'compare', baseline, run, '--throughput', '100', '--memory', '100']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(new RegExp(`dependencies changed since the baseline:\\n  @tensorflow/tfjs-core +4\\.21\\.0 → ${tf.version_core.replace(/\./g, '\\.')}\\n  data mnist +1\\.0\\.0 → 1\\.1\\.0`));
  });
});
