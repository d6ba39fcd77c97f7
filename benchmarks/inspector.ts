/**
 * The inspector's throughput against the naive tfjs checks and a plain JS sum, and the monitor
 * against tf.enableDebugMode(), tfjs's own way to find NaNs. Interleaved rounds, ratios within rounds.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { TrainingMonitor, inspectModel } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { mlp } from './models.js';
import { interleaved, median, medianRatio, naiveChecks, plainSum, quietly, silentLogger, use } from './lib.js';
import { bootstrapInterval, formatInterval, seedFrom } from './stats.js';

/** A row of the "other measurements" table. */
export interface Row {
  bench: string;
  backend: string;
  variant: string;
  figure: string;
  target?: string;
  met?: boolean;
}

/** inspectModel against the naive per-weight tfjs checks and against a plain JS sum of the same floats. */
export async function inspectorThroughput(backend: 'cpu' | 'wasm', reps: number, results: Record<string, unknown>, rows: Row[]): Promise<void> {
  await use(backend);
  for (const [label, units] of [['1M params', 1000], ['10M params', 3162]] as const) {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [units], units })] });
    const weights = model.getWeights();
    const times = await interleaved(
      {
        inspectModel: () => inspectModel(model),
        'inspectModel (device)': () => inspectModel(model, { strategy: 'device' }),
        naive: () => naiveChecks(weights),
        'plain JS sum': () => plainSum(weights),
      },
      reps,
    );
    const inspect = times['inspectModel'];
    const vsNaive = 1 / medianRatio(inspect, times['naive']);
    const vsFloor = medianRatio(inspect, times['plain JS sum']);
    results[`inspector: ${label} on ${backend}`] = {
      msMedian: Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)])),
      speedupVsNaive: vsNaive,
      ratioToPlainSum: vsFloor,
    };
    const bench = `inspectModel, ${label}`;
    rows.push({ bench, backend, variant: 'vs naive tfjs (isNaN/isInf/min/max, each synced)', figure: `${vsNaive.toFixed(1)}× faster (${median(inspect).toFixed(2)} vs ${median(times['naive']).toFixed(2)} ms)`, target: '≥ 5×', met: vsNaive >= 5 });
    rows.push({ bench, backend, variant: 'vs plain JS sum (the floor of any JS pass)', figure: `${vsFloor.toFixed(2)}× its time (${median(times['plain JS sum']).toFixed(2)} ms)`, target: '< 1× (SIMD kernel)', met: vsFloor < 1 });
    rows.push({ bench, backend, variant: 'device reduction (tfjs-node/webgl path) run here', figure: `${median(times['inspectModel (device)']).toFixed(2)} ms` });
    model.dispose();
  }
}

/** tf.enableDebugMode(), tfjs's built-in way to find NaNs, on the same fit. */
export async function debugMode(reps: number, results: Record<string, unknown>, rows: Row[]): Promise<void> {
  await use('wasm');
  const { xs, ys } = loadMnist(1024);
  const probe = loadMnist(64, { offset: 6000 }).xs;
  const model = mlp();
  const everything = new TrainingMonitor({ deadRelu: { probe, every: 10 }, logger: silentLogger });
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
    reps,
  );
  const overheads = (t: number[]) => t.map((x, i) => x / times.none[i]! - 1);
  const monitor = bootstrapInterval(overheads(times.monitor), { seed: seedFrom('debug mode | monitor') });
  const debug = bootstrapInterval(overheads(times.debug), { seed: seedFrom('debug mode | debug') });
  results['vs tf.enableDebugMode'] = { monitorOverhead: monitor.estimate, debugModeOverhead: debug.estimate, intervals: { monitor, debug } };
  rows.push({ bench: 'vs tfjs debug mode, MLP', backend: 'wasm', variant: 'tfjs-monitor, everything on (fails the job)', figure: formatInterval(monitor, true) });
  rows.push({ bench: 'vs tfjs debug mode, MLP', backend: 'wasm', variant: 'tf.enableDebugMode(), logging silenced (only warns)', figure: formatInterval(debug, true) });
  tf.dispose([xs, ys, probe]);
  model.dispose();
}
