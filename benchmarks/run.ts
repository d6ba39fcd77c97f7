/**
 * npm run bench: what monitoring costs. The training monitor's overhead on model.fit two ways (its
 * own time measured directly, and end to end against no monitor), each with a 95% bootstrap
 * interval over interleaved rounds, and targets judged on those intervals; then the inspector's
 * throughput and tf.enableDebugMode. Writes results.json and results.md and prints the tables.
 *
 * BENCH_QUICK=1: shorter fits and fewer rounds (about 4 minutes on 2 cores; wide intervals).
 * BENCH_ONLY=mlp,cnn,inspect,debug: a subset. BENCH_ROUNDS / BENCH_CNN_ROUNDS / BENCH_REPS: rounds.
 * BENCH_OUT: the folder for the results (default: beside this file). A quick or partial run writes
 * results.partial.json and .md, so it never replaces a full run's results.
 */
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { CONFIGS, DEFAULT, EVERYTHING, fitOverhead, type FitResult } from './fit-overhead.js';
import { debugMode, inspectorThroughput, type Row } from './inspector.js';
import { machine } from './lib.js';
import { cnn, mlp } from './models.js';
import { fitTable, judgeTargets, machineLine, probeRow, rowTable, targetTable, type ModelKey, type Target } from './report.js';

const env = process.env;
const quick = env['BENCH_QUICK'] === '1';
const count = (name: string, full: number, short: number) => Number(env[name] ?? (quick ? short : full));
const only = (env['BENCH_ONLY'] ?? 'mlp,cnn,inspect,debug').split(',');
const settings = {
  quick,
  only,
  mlp: { examples: quick ? 2048 : 4096, rounds: count('BENCH_ROUNDS', 25, 9) },
  cnn: { examples: quick ? 128 : 256, rounds: count('BENCH_CNN_ROUNDS', 10, 5) },
  reps: count('BENCH_REPS', 9, 5),
  bootstrap: { statistic: 'median over rounds', level: 0.95, resamples: 10_000, seed: 'FNV-1a of the model, configuration and figure' },
};
const outDir = env['BENCH_OUT'] ? pathToFileURL(env['BENCH_OUT'].replace(/\/?$/, '/')) : new URL('./', import.meta.url);
const log = (line: string) => process.stderr.write(line + '\n');

/** ≤ 3% and ≤ 10% end to end on both models (the project's targets); ≤ 1.5% and ≤ 5% of the step by the direct measure on the wasm MLP. */
const TARGETS: Target[] = [
  { model: 'mlp', variant: DEFAULT, measure: 'direct', limit: 0.015 },
  { model: 'mlp', variant: EVERYTHING, measure: 'direct', limit: 0.05 },
  { model: 'mlp', variant: DEFAULT, measure: 'endToEnd', limit: 0.03 },
  { model: 'mlp', variant: EVERYTHING, measure: 'endToEnd', limit: 0.1 },
  { model: 'cnn', variant: DEFAULT, measure: 'endToEnd', limit: 0.03 },
  { model: 'cnn', variant: EVERYTHING, measure: 'endToEnd', limit: 0.1 },
];

const m = machine();
log(`tfjs-monitor benchmark${quick ? ' (quick)' : ''}: ${m.cpu}, ${m.cores} cores, load average ${m.loadAverage}; ${Object.keys(CONFIGS).length + 1} variants per round`);
const results: Record<string, unknown> = { machine: m, settings };
const fits: Partial<Record<ModelKey, FitResult>> = {};
const rows: Row[] = [];
const note =
  'Figures are medians over interleaved rounds with 95% bootstrap intervals over rounds (10 000 resamples, seeded); ' +
  'a target is met only when its whole interval is within it, missed only when all of it is beyond.';
const partial = quick || env['BENCH_ONLY'] !== undefined;

/** Writes what is measured so far: after each part, so that a run cut short keeps its finished parts. */
function save(done: boolean): string {
  const judged = judgeTargets(TARGETS, fits);
  Object.assign(results, { targets: judged, rows, loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)) });
  const markdown = [
    machineLine(m, note),
    ...Object.values(fits).map(fitTable),
    ...(judged.length ? [targetTable(judged)] : []),
    ...(rows.length ? [rowTable(rows)] : []),
  ].join('\n\n');
  // Until the last part is done, even a full run's figures go to the partial files.
  const base = partial || !done ? 'results.partial' : 'results';
  writeFileSync(new URL(`${base}.json`, outDir), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(new URL(`${base}.md`, outDir), markdown + '\n');
  if (done) log(`\nwrote ${new URL(`${base}.json`, outDir).pathname} and ${base}.md`);
  return markdown;
}

if (only.includes('mlp')) {
  const { examples, rounds } = settings.mlp;
  fits.mlp = await fitOverhead({ name: 'Dense MLP on MNIST (784-128-64-10)', backend: 'wasm', build: mlp, examples, image: false, rounds }, log);
  results[`fit: ${fits.mlp.name}`] = fits.mlp;
  rows.push(probeRow(fits.mlp));
  save(false);
}
if (only.includes('cnn')) {
  const { examples, rounds } = settings.cnn;
  fits.cnn = await fitOverhead({ name: 'small CNN on MNIST', backend: 'cpu', build: cnn, examples, image: true, rounds }, log);
  results[`fit: ${fits.cnn.name}`] = fits.cnn;
  rows.push(probeRow(fits.cnn));
  save(false);
}
if (only.includes('debug')) {
  log('  vs tf.enableDebugMode');
  await debugMode(Math.max(3, settings.reps), results, rows);
  save(false);
}
if (only.includes('inspect')) {
  log('  inspector throughput');
  await inspectorThroughput('cpu', settings.reps, results, rows);
  await inspectorThroughput('wasm', settings.reps, results, rows);
}
console.log(save(true));
