/**
 * npm run bench:profile: where the monitor's per-batch time goes, on the wasm MLP. Times its own
 * time per batch unprofiled, then samples the CPU (V8's profiler, 25 µs) over more fits and lists
 * the functions under onBatchEnd by time per batch. Writes monitor.cpuprofile (open it in Chrome
 * DevTools) beside this file, or in BENCH_OUT.
 *
 * PROFILE_CONFIG: a configuration of the benchmark (default: the default one); PROFILE_FITS: fits
 * profiled (default 12).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { TrainingMonitor } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { CONFIGS, DEFAULT } from './fit-overhead.js';
import { collectGarbage, machine, median, silentLogger, use } from './lib.js';
import { mlp } from './models.js';
import { summarizeUnder, type CpuProfile } from './profile-summary.js';

const env = process.env;
const label = env['PROFILE_CONFIG'] ?? DEFAULT;
const config = CONFIGS[label];
if (!config) {
  console.error(`PROFILE_CONFIG: no configuration '${label}'; one of:\n  ${Object.keys(CONFIGS).join('\n  ')}`);
  process.exit(2);
}
const fits = Number(env['PROFILE_FITS'] ?? 12);
const outDir = env['BENCH_OUT'] ? pathToFileURL(env['BENCH_OUT'].replace(/\/?$/, '/')) : new URL('./', import.meta.url);

await use('wasm');
const examples = 4096;
const { xs, ys } = loadMnist(examples);
const probe = loadMnist(64, { offset: 6000 }).xs;
const model = mlp();
const monitor = new TrainingMonitor({ ...config.options(probe), logger: silentLogger });
const batches = Math.ceil(examples / 32);

/** Fits once; the monitor's own figures for it. */
async function fit() {
  collectGarbage();
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [monitor] });
  const speed = monitor.report().speed!;
  return { own: speed.monitor.msPerBatch.mean!, ownMedian: speed.monitor.msPerBatch.median!, share: speed.monitor.shareOfStep!, step: speed.msPerBatch.mean! };
}

for (let i = 0; i < 2; i++) await fit(); // warm-up
const plain: Awaited<ReturnType<typeof fit>>[] = [];
for (let i = 0; i < 6; i++) plain.push(await fit());
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 25 });
await session.post('Profiler.start');
const profiled: typeof plain = [];
for (let i = 0; i < fits; i++) profiled.push(await fit());
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
session.disconnect();
writeFileSync(new URL('monitor.cpuprofile', outDir), JSON.stringify(profile));

const m = machine();
const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const med = (key: 'own' | 'ownMedian' | 'share' | 'step', runs: typeof plain) => median(runs.map((r) => r[key]));
console.log(`${label}, Dense MLP on wasm, ${batches} batches per fit; ${m.cpu} (${m.cores} cores, load average ${m.loadAverage}), tfjs ${tf.version.tfjs}`);
for (const [what, runs] of [['unprofiled', plain], ['profiled', profiled]] as const) {
  console.log(
    `${what} (${runs.length} fits, medians): own time per batch ${fmt(med('own', runs))} mean, ${fmt(med('ownMedian', runs))} median; ` +
      `step ${med('step', runs).toFixed(3)} ms; own / step ${(100 * med('share', runs)).toFixed(2)}%`,
  );
}
const summary = summarizeUnder(profile, 'onBatchEnd');
const perBatch = (ms: number) => fmt(ms / (fits * batches)).padStart(10);
console.log(`\nsampled under onBatchEnd: ${perBatch(summary.underMs)} per batch\n\ninclusive, per batch:`);
for (const s of summary.inclusive.slice(0, 40)) console.log(`${perBatch(s.ms)}  ${s.name}`);
console.log('\nself, per batch:');
for (const s of summary.self.slice(0, 25)) console.log(`${perBatch(s.ms)}  ${s.name}`);
tf.dispose([xs, ys, probe]);
