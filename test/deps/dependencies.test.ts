import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDependencies as collectInBrowser } from '../../src/deps/collect.js';
import { InputFileError } from '../../src/common/files.js';
import { collectDependencies, diffDependencies, findLockfile, formatDependencyDiff, monitorServing, type DependencySet } from '../../src/node/index.js';
import { disposeModel, memoryLogger, mlp } from '../helpers/models.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the dependency set of a run', () => {
  it('holds the loaded tfjs packages, the backend in use, Node, the lockfile hash and the declared data', () => {
    const set = collectDependencies({ dataSources: [{ name: 'mnist', version: '2024-05' }, { name: 'labels', version: 'v3' }] });
    expect(set.packages['@tensorflow/tfjs-core']).toBe(tf.version_core);
    expect(set.packages['@tensorflow/tfjs-layers']).toBe(tf.version_layers);
    // Loaded by this test (and its setup), found in the module cache with their own versions.
    expect(set.packages['@tensorflow/tfjs']).toBe(tf.version.tfjs);
    expect(set.packages['@tensorflow/tfjs-backend-wasm']).toBe(tf.version.tfjs);
    expect(set.backend.name).toBe(tf.getBackend());
    if (tf.getBackend() === 'wasm') expect(set.backend.flags).toHaveProperty('WASM_HAS_SIMD_SUPPORT');
    expect(set.runtime).toEqual({ name: 'node', version: process.version });
    expect(set.lockfile).toEqual({ file: 'package-lock.json', sha256: sha256('package-lock.json') });
    expect(set.dataSources).toEqual([{ name: 'labels', version: 'v3' }, { name: 'mnist', version: '2024-05' }]);
  });

  it('in a browser, what tfjs itself says: tf.version when given, never a file', () => {
    const bare = collectInBrowser();
    expect(Object.keys(bare.packages)).toEqual(['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']);
    expect(bare.lockfile).toBeNull();
    const withTf = collectInBrowser({ tfjs: tf });
    for (const [pkg, version] of Object.entries(tf.version)) expect(withTf.packages[`@tensorflow/${pkg}`]).toBe(version);
  });

  it('finds the lockfile from a directory below it', () => {
    const root = mkdtempSync(join(tmpdir(), 'tfjs-monitor-lock-'));
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'yarn.lock'), '# yarn lockfile v1\n');
    expect(findLockfile(join(root, 'a', 'b'))).toEqual({ file: 'yarn.lock', sha256: sha256(join(root, 'yarn.lock')) });
  });
});

const base: DependencySet = {
  packages: { '@tensorflow/tfjs-core': '4.21.0', '@tensorflow/tfjs-layers': '4.21.0', '@tensorflow/tfjs-backend-webgl': '4.21.0' },
  backend: { name: 'wasm', flags: { WASM_HAS_SIMD_SUPPORT: true, WASM_HAS_MULTITHREAD_SUPPORT: false } },
  runtime: { name: 'node', version: 'v20.11.0' },
  lockfile: { file: 'package-lock.json', sha256: 'a'.repeat(64) },
  dataSources: [{ name: 'mnist', version: '2024-05' }],
};

describe('diffDependencies', () => {
  it('lists each change old → new, and whether the backend changed', () => {
    const next: DependencySet = {
      packages: { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-layers': '4.21.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' },
      backend: { name: 'wasm', flags: { WASM_HAS_SIMD_SUPPORT: false } },
      runtime: { name: 'node', version: 'v20.20.2' },
      lockfile: { file: 'package-lock.json', sha256: 'b'.repeat(64) },
      dataSources: [{ name: 'mnist', version: '2024-06' }],
    };
    const diff = diffDependencies(base, next);
    expect(diff.same).toBe(false);
    expect(diff.backendChanged).toBe(false);
    expect(formatDependencyDiff(diff).split('\n')).toEqual([
      '@tensorflow/tfjs-backend-wasm       (absent) → 4.22.0',
      '@tensorflow/tfjs-backend-webgl      4.21.0 → (absent)',
      '@tensorflow/tfjs-core               4.21.0 → 4.22.0',
      'backend flag WASM_HAS_SIMD_SUPPORT  true → false',
      'runtime                             node v20.11.0 → node v20.20.2',
      `lockfile                            package-lock.json sha256:${'a'.repeat(12)} → package-lock.json sha256:${'b'.repeat(12)}`,
      'data mnist                          2024-05 → 2024-06',
    ]);
    const cpu = diffDependencies(base, { ...base, backend: { name: 'cpu', flags: {} } });
    expect(cpu).toMatchObject({ same: false, backendChanged: true, changes: [{ dependency: 'backend', kind: 'backend', from: 'wasm', to: 'cpu' }] });
    expect(diffDependencies(base, structuredClone(base))).toEqual({ same: true, changes: [], backendChanged: false });
    expect(formatDependencyDiff(diffDependencies(base, base))).toBe('no dependency changed');
  });
});

describe('a serving run against its baseline', () => {
  it('carries a dependency-change finding when its dependencies differ from the baseline run’s', () => {
    const model = mlp();
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-deps-'));
    const first = monitorServing(model, { modelVersion: 'v1', logger: memoryLogger().logger });
    first.saveRun(join(dir, 'v1.json'));
    const same = monitorServing(model, { modelVersion: 'v2', baseline: join(dir, 'v1.json'), logger: memoryLogger().logger });
    expect(same.findings).toEqual([]);
    const old = JSON.parse(readFileSync(join(dir, 'v1.json'), 'utf8'));
    old.dependencies.packages['@tensorflow/tfjs-core'] = '4.21.0';
    old.dependencies.backend.name = 'webgl';
    const { logger, lines } = memoryLogger();
    const changed = monitorServing(model, { modelVersion: 'v2', baseline: old, logger });
    expect(changed.findings).toHaveLength(1);
    expect(changed.findings[0]).toMatchObject({ kind: 'dependency-change', call: 0, backendChanged: true });
    expect(changed.findings[0]!.message).toBe(
      `dependencies differ from the baseline run's: @tensorflow/tfjs-core 4.21.0 → ${tf.version_core}, backend webgl → ${tf.getBackend()} (the backend changed: a latency change may come from it, not from the model)`,
    );
    expect(lines[0]!['msg']).toMatch(/^dependency-change at start of model v2: dependencies differ/);
    expect(changed.run().findings).toHaveLength(1);
    expect(() => monitorServing(model, { baseline: join(dir, 'missing.json') })).toThrow(InputFileError);
    expect(() => monitorServing(model, { baseline: join(dir, 'missing.json') })).toThrow(/baseline run .*missing\.json does not exist/);
    disposeModel(model);
  });
});
