import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingMonitor } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { runCli } from './cli/run-cli.js';
import { disposeModel, memoryLogger, mlp } from './helpers/models.js';

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
