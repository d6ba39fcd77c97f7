// What users run: the packed tarball, installed from npm's registry into fresh consumer projects,
// imported as ESM and required as CommonJS, type-checked as TypeScript users do, and on the oldest
// tfjs the peer range admits.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; peerDependencies: Record<string, string> };
const tsc = join(root, 'node_modules/typescript/bin/tsc');
let tarball = '';

async function sh(cwd: string, cmd: string, args: string[], timeout = 240_000) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, timeout, maxBuffer: 64 << 20 });
    return { code: 0, stdout, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code ?? 1, stdout: err.stdout, out: `${err.stdout}${err.stderr}` };
  }
}

/** A fresh project that installed @tensorflow/tfjs@`tfjs` first (as an existing tfjs project has), then the tarball. */
async function consumer(tfjs: string, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const first = await sh(dir, 'npm', ['install', '--no-audit', '--no-fund', `@tensorflow/tfjs@${tfjs}`, ...extra]);
  expect(first.code, first.out).toBe(0);
  const second = await sh(dir, 'npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel', 'verbose', tarball]);
  expect(second.code, second.out).toBe(0);
  return { dir, installLog: second.out };
}

/** Trains a small model with a NaN planted after batch 2: the monitor must fail the fit there, leaking nothing. */
const script = (load: string) => `${load}
const plant = new tf.CustomCallback({ onBatchEnd: async (b) => { if (b !== 2) return;
  const k = model.layers[0].getWeights()[0]; const v = k.dataSync().slice(); v[0] = NaN;
  tf.tidy(() => k.assign(tf.tensor(v, k.shape))); } });
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
(async () => {
  await tf.setBackend('cpu');
  const xs = tf.randomNormal([64, 4], 0, 1, 'float32', 1), ys = tf.randomNormal([64, 1], 0, 1, 'float32', 2);
  const before = tf.memory().numTensors;
  const monitor = new TrainingMonitor({ locate: 'kernel', logger: silent });
  let outcome = 'resolved';
  try { await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [plant, monitor] }); }
  catch (e) { outcome = e instanceof TrainingInstabilityError ? 'failed at step ' + e.findings[0].step : 'other: ' + e; }
  console.log(JSON.stringify({ outcome, leaked: tf.memory().numTensors - before, tfjs: tf.version.tfjs, stores: typeof SqliteStore }));
})();
`;

describe('the packed package in a fresh consumer', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-pack-'));
    const packed = await sh(root, 'npm', ['pack', '--pack-destination', dir]);
    expect(packed.code, packed.out).toBe(0);
    tarball = join(dir, `tfjs-monitor-${pkg.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);
  }, 300_000);

  it('installs without ever attempting libtensorflow, imports as ESM, requires as CommonJS, and type-checks', async () => {
    const { dir, installLog } = await consumer('4.22.0', ['@types/node@20']);
    expect(installLog).not.toMatch(/libtensorflow|tfjs-node/i);
    expect(existsSync(join(dir, 'node_modules/@tensorflow/tfjs-node'))).toBe(false);
    // One copy of tfjs: the monitor uses the consumer's.
    expect(existsSync(join(dir, 'node_modules/tfjs-monitor/node_modules/@tensorflow'))).toBe(false);

    writeFileSync(join(dir, 'esm.mjs'), script(`import * as tf from '@tensorflow/tfjs';\nimport { TrainingMonitor, TrainingInstabilityError, SqliteStore } from 'tfjs-monitor';`));
    writeFileSync(join(dir, 'cjs.cjs'), script(`const tf = require('@tensorflow/tfjs');\nconst { TrainingMonitor, TrainingInstabilityError, SqliteStore } = require('tfjs-monitor');`));
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const ran = await sh(dir, 'node', [file]);
      expect(ran.code, ran.out).toBe(0);
      expect(JSON.parse(ran.stdout.trim().split('\n').at(-1)!)).toEqual({ outcome: 'failed at step 2', leaked: 0, tfjs: '4.22.0', stores: 'function' });
    }

    // TypeScript users: CommonJS (.cts under node16), and ESM with skipLibCheck off and none of the optional peers installed.
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/use.cts'), `import tfm = require('tfjs-monitor');\nimport node = require('tfjs-monitor/node');\nconst m: tfm.TrainingMonitor = new tfm.TrainingMonitor({ checkEvery: 2 });\nconst r: tfm.MonitorReport = m.report();\nexport const status: string = r.status + typeof node.StalenessTracker;\n`);
    writeFileSync(join(dir, 'src/use.mts'), `import { TrainingMonitor, type Finding } from 'tfjs-monitor';\nimport { StalenessTracker, stalenessRegistry, SqliteStore, checkParity } from 'tfjs-monitor/node';\nconst m = new TrainingMonitor();\nexport const f: Finding[] = m.findings;\nexport const all = [StalenessTracker, stalenessRegistry, SqliteStore, checkParity];\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] }, include: ['src'] }),
    );
    for (const peer of ['prom-client', 'pg', 'better-sqlite3', '@types/pg', '@types/better-sqlite3']) expect(existsSync(join(dir, 'node_modules', peer))).toBe(false);
    const checked = await sh(dir, 'node', [tsc, '-p', '.']);
    // tfjs 4.22's own declarations do not pass skipLibCheck: false (hash_util's 'Long', keras_format
    // index types): those lines are tfjs's. Every other line, ours and the consumer's, must be clean.
    const errors = checked.out.split('\n').filter((l) => /error TS/.test(l));
    expect(errors.filter((l) => !l.startsWith('node_modules/@tensorflow/'))).toEqual([]);
    expect(errors.length === 0 || errors.every((l) => l.startsWith('node_modules/@tensorflow/tfjs-'))).toBe(true);
  });

  it(`works on the oldest tfjs the peer range admits (${pkg.peerDependencies['@tensorflow/tfjs-core']})`, async () => {
    const oldest = pkg.peerDependencies['@tensorflow/tfjs-core']!.replace(/^\^/, '');
    const { dir } = await consumer(oldest);
    writeFileSync(join(dir, 'esm.mjs'), script(`import * as tf from '@tensorflow/tfjs';\nimport { TrainingMonitor, TrainingInstabilityError, SqliteStore } from 'tfjs-monitor';`));
    const ran = await sh(dir, 'node', ['esm.mjs']);
    expect(ran.code, ran.out).toBe(0);
    expect(JSON.parse(ran.stdout.trim().split('\n').at(-1)!)).toEqual({ outcome: 'failed at step 2', leaked: 0, tfjs: oldest, stores: 'function' });
  });
});
