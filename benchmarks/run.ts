/**
 * npm run bench: what monitoring costs, as ratios measured within one run (interleaved, median
 * of rounds). Writes benchmarks/results.json and prints a markdown table.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { TrainingMonitor, inspectModel, type TrainingMonitorOptions } from '../src/node/index.js';
import { readValuesSync } from '../src/inspect/read-values.js';
import { DeadReluProbe } from '../src/tfjs/dead-relu-probe.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { interleaved, machine, median, medianRatio, pct, quietly } from './lib.js';

const silent = pino({ level: 'silent' });
const REPS = Number(process.env['BENCH_REPS'] ?? 9);

interface Row {
  bench: string;
  backend: string;
  variant: string;
  figure: string;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
const results: Record<string, unknown> = { machine: machine(), reps: REPS };

async function use(backend: 'cpu' | 'wasm') {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
}

function mlp() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

function cnn() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

/** Overhead of each monitor configuration on model.fit, against no monitor, in the same rounds. */
async function fitOverhead(name: string, backend: 'cpu' | 'wasm', build: () => tf.LayersModel, examples: number, image: boolean) {
  await use(backend);
  const { xs, ys } = loadMnist(examples, { image });
  const probe = loadMnist(64, { offset: 6000, image }).xs;
  const model = build();
  const configs: Record<string, TrainingMonitorOptions | null> = {
    'no monitor': null,
    'non-finite checks only': { weightBounds: [] },
    'default (non-finite + weight bounds)': {},
    '+ dead-ReLU probe (64 ex. / 10 batches)': { deadRelu: { probe, every: 10 }, locate: 'off' },
    "+ probe with locate: 'on-detect' (snapshots; replay only on NaN)": { deadRelu: { probe, every: 10 }, locate: 'on-detect' },
    'everything on': {
      checkEvery: 1,
      weightBounds: [{ maxAbs: 1e4 }, { weight: 'kernel', maxAbs: 100 }, { weight: 'bias', min: -50, max: 50 }],
      deadRelu: { probe, every: 10 },
    },
    'dead ReLU on the training batches (no probe, every 10)': { deadRelu: { every: 10 } },
    'rollback + update ratios (snapshot every 10 checks)': { nonFinite: { action: 'rollback-and-stop' }, updateRatio: {} },
    "locate: 'kernel' (debugging)": { locate: 'kernel' },
  };
  const monitors = Object.fromEntries(
    Object.entries(configs).map(([k, o]) => [k, o ? new TrainingMonitor({ ...o, logger: silent }) : null]),
  );
  const fit = (monitor: TrainingMonitor | null) =>
    model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks: monitor ? [monitor] : [] });
  await fit(null); // warm-up: kernels, optimizer state
  const times = await interleaved(
    Object.fromEntries(Object.entries(monitors).map(([k, m]) => [k, () => fit(m)])) as Record<string, () => Promise<unknown>>,
    REPS,
  );
  const batches = Math.ceil(examples / 32);
  const base = times['no monitor']!;
  const out: Record<string, unknown> = { examples, batches, msPerFit: {} as Record<string, number>, overhead: {} as Record<string, number> };
  for (const [variant, t] of Object.entries(times)) {
    (out['msPerFit'] as Record<string, number>)[variant] = median(t);
    if (variant === 'no monitor') {
      rows.push({ bench: name, backend, variant, figure: `${(median(t) / batches).toFixed(2)} ms/batch` });
      continue;
    }
    const ratio = medianRatio(t, base);
    (out['overhead'] as Record<string, number>)[variant] = ratio - 1;
    const target = variant.startsWith('default') ? 1.03 : variant === 'everything on' ? 1.1 : undefined;
    rows.push({
      bench: name,
      backend,
      variant,
      figure: pct(ratio),
      ...(target ? { target: `≤ ${pct(target)}`, met: ratio <= target } : {}),
    });
  }

  // A probe is extra forward passes: its cost per probe example, next to a training step's per example.
  const deadRelu = DeadReluProbe.build(model, probe)!;
  await deadRelu.measure();
  const probeTimes: number[] = [];
  for (let i = 0; i < 3 * REPS; i++) {
    const t0 = performance.now();
    await deadRelu.measure();
    probeTimes.push(performance.now() - t0);
  }
  const perExample = median(probeTimes) / 64;
  const trainPerExample = median(base) / examples;
  out['probe'] = { msPerProbe: median(probeTimes), msPerProbeExample: perExample, msPerTrainingExample: trainPerExample };
  rows.push({
    bench: name,
    backend,
    variant: 'dead-ReLU probe cost',
    figure: `${(perExample * 1000).toFixed(1)} µs per probe example (training: ${(trainPerExample * 1000).toFixed(1)} µs per example)`,
  });
  results[`fit: ${name}`] = out;
  tf.dispose([xs, ys, probe]);
  model.optimizer.dispose();
  model.dispose();
}

/** inspectModel against the naive per-weight tfjs checks and against a plain JS sum of the same floats. */
async function inspectorThroughput(backend: 'cpu' | 'wasm') {
  await use(backend);
  for (const [label, units] of [['1M params', 1000], ['10M params', 3162]] as const) {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [units], units })] });
    const weights = model.getWeights();
    const naive = () => {
      for (const w of weights) {
        tf.tidy(() => {
          tf.isNaN(w).any().dataSync();
          tf.isInf(w).any().dataSync();
          tf.min(w).dataSync();
          tf.max(w).dataSync();
        });
      }
    };
    const plainSum = () => {
      let s = 0;
      for (const w of weights) {
        const v = readValuesSync(w);
        for (let i = 0; i < v.length; i++) s += v[i]!;
      }
      return s;
    };
    const times = await interleaved(
      {
        inspectModel: () => inspectModel(model),
        'inspectModel (device)': () => inspectModel(model, { strategy: 'device' }),
        naive,
        'plain JS sum': plainSum,
      },
      REPS,
    );
    const inspect = times['inspectModel'];
    const vsNaive = 1 / medianRatio(inspect, times['naive']);
    const vsFloor = medianRatio(inspect, times['plain JS sum']);
    results[`inspector: ${label} on ${backend}`] = {
      msMedian: Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)])),
      speedupVsNaive: vsNaive,
      ratioToPlainSum: vsFloor,
    };
    rows.push({ bench: `inspectModel, ${label}`, backend, variant: 'vs naive tfjs (isNaN/isInf/min/max, each synced)', figure: `${vsNaive.toFixed(1)}× faster (${median(inspect).toFixed(2)} vs ${median(times['naive']).toFixed(2)} ms)`, target: '≥ 5×', met: vsNaive >= 5 });
    rows.push({ bench: `inspectModel, ${label}`, backend, variant: 'vs plain JS sum (the floor of any JS pass)', figure: `${vsFloor.toFixed(2)}× its time (${median(times['plain JS sum']).toFixed(2)} ms)`, target: '< 1× (SIMD kernel)', met: vsFloor < 1 });
    rows.push({ bench: `inspectModel, ${label}`, backend, variant: 'device reduction (tfjs-node/webgl path) run here', figure: `${median(times['inspectModel (device)']).toFixed(2)} ms` });
    model.dispose();
  }
}

/** tf.enableDebugMode(), tfjs's built-in way to find NaNs, on the same fit. */
async function debugMode() {
  await use('wasm');
  const { xs, ys } = loadMnist(1024);
  const probe = loadMnist(64, { offset: 6000 }).xs;
  const model = mlp();
  const everything = new TrainingMonitor({ deadRelu: { probe, every: 10 }, logger: silent });
  const fit = (callbacks: TrainingMonitor[]) => model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, callbacks });
  await fit([]);
  const times = await interleaved(
    {
      none: () => fit([]),
      monitor: () => fit([everything]),
      debug: () =>
        quietly(async () => {
          tf.env().set('DEBUG', true);
          try {
            await fit([]);
          } finally {
            tf.env().set('DEBUG', false);
          }
        }),
    },
    Math.max(3, Math.ceil(REPS / 2)),
  );
  const monitor = medianRatio(times.monitor, times.none);
  const debug = medianRatio(times.debug, times.none);
  results['vs tf.enableDebugMode'] = { monitorOverhead: monitor - 1, debugModeOverhead: debug - 1 };
  rows.push({ bench: 'vs tfjs debug mode, MLP', backend: 'wasm', variant: 'tfjs-monitor, everything on (fails the job)', figure: pct(monitor) });
  rows.push({ bench: 'vs tfjs debug mode, MLP', backend: 'wasm', variant: 'tf.enableDebugMode(), logging silenced (only warns)', figure: pct(debug) });
  tf.dispose([xs, ys, probe]);
  model.dispose();
}

// BENCH_ONLY=mlp,cnn,inspect,debug runs a subset.
const only = (process.env['BENCH_ONLY'] ?? 'mlp,cnn,inspect,debug').split(',');
if (only.includes('mlp')) await fitOverhead('Dense MLP on MNIST (784-128-64-10)', 'wasm', mlp, 2048, false);
if (only.includes('cnn')) await fitOverhead('small CNN on MNIST', 'cpu', cnn, 256, true);
if (only.includes('inspect')) {
  await inspectorThroughput('cpu');
  await inspectorThroughput('wasm');
}
if (only.includes('debug')) await debugMode();

results['rows'] = rows;
// A subset (BENCH_ONLY) does not replace the full results.
const file = process.env['BENCH_ONLY'] ? './results.partial.json' : './results.json';
writeFileSync(new URL(file, import.meta.url), JSON.stringify(results, null, 2) + '\n');
const m = results['machine'] as ReturnType<typeof machine>;
console.log(`Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, tfjs ${m.tfjs}; median of ${REPS} interleaved rounds.\n`);
console.log('| benchmark | backend | variant | result | target |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.bench} | ${r.backend} | ${r.variant} | ${r.figure} | ${r.target ? `${r.target} ${r.met ? 'met' : '**missed**'}` : ''} |`);
}
