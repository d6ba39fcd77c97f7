/**
 * npm run bench:serving: what the serving monitor costs per predict call, for the MNIST MLP on
 * wasm at batch 1 and batch 32. Two measurements side by side:
 * - the monitor's own time, measured directly around the model call (its clock reads, output
 *   check, tf.memory(), histograms, listeners), as µs and as a share of the model call;
 * - end to end, served.predict against plain model.predict, in interleaved rounds (wall time).
 * Each figure is the median over rounds with a seeded 95% bootstrap interval of that median, and
 * each target is met, missed or unresolved on that interval (benchmarks/stats.ts, as npm run bench).
 * Writes benchmarks/serving-results.json and prints a markdown table. BENCH_REPS (rounds, 30),
 * BENCH_CALLS (calls per round: 400 at batch 1, 150 at batch 32) and BENCH_BATCHES ('1,32')
 * change the run.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { instrumentServing, monitorServing, quantileOf, type HistogramJson, type NodeServedModel } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { buildMlp } from '../examples/lib/models.js';
import { resolveServingOptions } from '../src/serving/options.js';
import { collectGarbage, machine } from './lib.js';
import { bootstrapInterval, seedFrom, verdict, type Interval, type Verdict } from './stats.js';

const ROUNDS = Number(process.env['BENCH_REPS'] ?? 30);
const DEFAULT_BUDGET = resolveServingOptions({}).outputs.budget;
/**
 * Calls before the measured rounds. V8 needs thousands of calls to optimize the monitor's code
 * fully: over the first 3,000 calls its own time per call was 3–6× the steady state's (measured,
 * p50 1.7–2.3 µs against 0.3–0.7 µs later, batch 32 on wasm). A server reaches the steady state
 * within seconds; a benchmark of a few hundred calls would measure the warm-up.
 */
const WARMUP_CALLS = 10_000;

/** The values a cumulative histogram gained from `a` to `b` (min and max: b's, as bounds for quantiles). */
function since(a: HistogramJson, b: HistogramJson): HistogramJson {
  const was = new Map(a.buckets);
  const buckets = b.buckets.map(([i, n]) => [i, n - (was.get(i) ?? 0)] as [number, number]).filter(([, n]) => n > 0);
  return { ...b, count: b.count - a.count, sum: b.sum - a.sum, buckets };
}
const silent = pino({ level: 'silent' });

function wide(hidden: [number, number]): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: hidden[0], activation: 'relu' }),
      tf.layers.dense({ units: hidden[1], activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

interface Case {
  model: string;
  batch: number;
  prometheus: boolean;
  /** 'budget': the default output checks (within DEFAULT_BUDGET of the model's time); 'off': none, to see their share. */
  checks: 'budget' | 'off';
}

interface Result extends Case {
  callsPerRound: number;
  rounds: number;
  modelCallMicros: Interval;
  ownMicros: Interval;
  /** The per-call median of the monitor's own time (robust to GC pauses and preemption landing in it). */
  ownP50Micros: Interval;
  ownShare: Interval;
  /**
   * With the export: prom-client's observe of the calls' latencies, run at scrape time, off the
   * request path (a scrape's time less that of a second scrape right after it, per call).
   */
  exportAtScrapeMicros: Interval | null;
  endToEndRatio: Interval;
  target: number;
  /** The target judged on the own-time share's interval: met, missed, or unresolved when it straddles. */
  verdict: Verdict;
}

async function measure(c: Case, model: tf.LayersModel, inputs: tf.Tensor[]): Promise<Result> {
  const calls = Number(process.env['BENCH_CALLS'] ?? (c.batch === 1 ? 400 : 150));
  const plain: number[] = [];
  const served: number[] = [];
  const own: number[] = [];
  const ownP50: number[] = [];
  const modelCall: number[] = [];
  const atScrape: number[] = [];
  // Wall time, interleaved: process CPU time (getrusage) came out tens of percent off at batch 32
  // under load, in both directions, so it is not used.
  const wallMicros = (f: () => void) => {
    const t0 = performance.now();
    f();
    return ((performance.now() - t0) * 1000) / calls;
  };
  const timePlain = () => wallMicros(() => {
    for (let i = 0; i < calls; i++) (model.predict(inputs[i % inputs.length]!) as tf.Tensor).dispose();
  });
  const timeServed = (s: NodeServedModel) => wallMicros(() => {
    for (let i = 0; i < calls; i++) (s.predict(inputs[i % inputs.length]!) as tf.Tensor).dispose();
  });
  // One monitor for every round, as a server keeps one: its first calls (the first output check,
  // the first leak samples) are start-up, paid in the warm-up rounds, not per round. Each round's
  // figures are the differences of its histograms' buckets, counts and sums.
  const s = monitorServing(model, { logger: silent, ...(c.checks === 'off' ? { outputs: { every: 1e9 } } : {}) });
  const registry = new Registry();
  if (c.prometheus) await instrumentServing(s, { registry });
  let before = s.run();
  const warmupRounds = Math.ceil(WARMUP_CALLS / calls);
  for (let round = -warmupRounds; round < ROUNDS; round++) {
    // Garbage from the previous round (and the run() snapshots) is collected here, or it lands in
    // whichever timed block comes first and splits the ratios in two modes.
    collectGarbage();
    // Alternate which goes first, so that neither always runs on a warmer cache.
    const [p, m] = round % 2 === 0 ? [timePlain(), timeServed(s)] : [timeServed(s), timePlain()].reverse() as [number, number];
    if (c.prometheus) {
      const t0 = performance.now();
      await registry.metrics();
      const t1 = performance.now();
      await registry.metrics();
      if (round >= 0) atScrape.push((((t1 - t0) - (performance.now() - t1)) * 1000) / calls);
    }
    const after = s.run();
    const ownThisRound = since(before.monitor.own, after.monitor.own);
    const latencyThisRound = since(before.latency, after.latency);
    before = after;
    if (round < 0) continue; // warm-up rounds
    plain.push(p);
    served.push(m);
    own.push((ownThisRound.sum / ownThisRound.count) * 1e6);
    ownP50.push(quantileOf(ownThisRound, 0.5)! * 1e6);
    modelCall.push((latencyThisRound.sum / latencyThisRound.count) * 1e6);
  }
  const label = `serving ${c.model} batch ${c.batch} ${c.checks}${c.prometheus ? ' prometheus' : ''}`;
  const interval = (what: string, values: number[]) => bootstrapInterval(values, { seed: seedFrom(`${label} ${what}`) });
  const ownShare = interval('own share', own.map((o, i) => o / modelCall[i]!));
  const target = c.batch === 1 ? 0.02 : 0.005;
  return {
    ...c,
    callsPerRound: calls,
    rounds: ROUNDS,
    modelCallMicros: interval('model call', modelCall),
    ownMicros: interval('own', own),
    ownP50Micros: interval('own p50', ownP50),
    ownShare,
    exportAtScrapeMicros: c.prometheus ? interval('export at scrape', atScrape) : null,
    endToEndRatio: interval('end to end', served.map((m, i) => m / plain[i]!)),
    target,
    verdict: verdict(ownShare, target),
  };
}

/**
 * The process's first monitor: V8 optimizes code shared by every monitor (the per-call path, the
 * output check that runs one call in 2 here so that it gets hot too), so the first case measured
 * does not pay for it. Returns its own time per call over its first 3,000 calls and its last 3,000.
 */
function warmUp(model: tf.LayersModel, inputs: tf.Tensor[]): { batch: number; firstMicros: number; steadyMicros: number } {
  const s = monitorServing(model, { logger: silent, outputs: { every: 2 } });
  const ownMean = (h: HistogramJson) => (h.sum / h.count) * 1e6;
  for (let i = 0; i < 3000; i++) (s.predict(inputs[i % inputs.length]!) as tf.Tensor).dispose();
  const first = s.run().monitor.own;
  for (let i = 0; i < 30_000; i++) (s.predict(inputs[i % inputs.length]!) as tf.Tensor).dispose();
  const before = s.run().monitor.own;
  for (let i = 0; i < 3000; i++) (s.predict(inputs[i % inputs.length]!) as tf.Tensor).dispose();
  return { batch: inputs[0]!.shape[0]!, firstMicros: ownMean(first), steadyMicros: ownMean(since(before, s.run().monitor.own)) };
}

async function main() {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not load');
  await tf.ready();
  const models: Record<string, tf.LayersModel> = { 'mnist-mlp 784-32-16-10 (the example’s)': buildMlp(), 'mlp 784-128-64-10 (npm run bench’s)': wide([128, 64]) };
  const digits = loadMnist(320).xs;
  const results: Result[] = [];
  // BENCH_BATCHES=32 measures only batch 32, etc.
  const batches = (process.env['BENCH_BATCHES'] ?? '1,32').split(',').map(Number);
  const warmups: { batch: number; firstMicros: number; steadyMicros: number }[] = [];
  for (const batch of batches) {
    const inputs = Array.from({ length: 10 }, (_, i) => tf.slice(digits, [i * batch, 0], [batch, 784]));
    warmups.push(warmUp(Object.values(models)[0]!, inputs));
    for (const [name, model] of Object.entries(models)) {
      for (const [prometheus, checks] of [[false, 'budget'], [false, 'off'], [true, 'budget']] as const) {
        const r = await measure({ model: name, batch, prometheus, checks }, model, inputs);
        results.push(r);
        process.stderr.write(`${name} batch ${batch}${prometheus ? ' + Prometheus' : ''}, checks ${checks}: own ${r.ownMicros.estimate.toFixed(2)} µs of ${r.modelCallMicros.estimate.toFixed(1)} µs\n`);
      }
    }
    tf.dispose(inputs);
  }
  digits.dispose();

  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const ci = (x: Interval, f: (v: number) => string) => `${f(x.estimate)} [${f(x.low)}, ${f(x.high)}]`;
  const lines = [
    '| model | batch | output checks | export | model call (µs) | monitor own time, mean (µs) | own, per-call median (µs) | own mean / call | export at scrape, per call (µs) | end to end (served / plain) | target | verdict |',
    '| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map((r) =>
      [
        r.model,
        r.batch,
        r.checks === 'budget' ? `default (${pct(DEFAULT_BUDGET)} budget)` : 'off',
        r.prometheus ? 'prom-client' : 'none',
        ci(r.modelCallMicros, (v) => v.toFixed(1)),
        ci(r.ownMicros, (v) => v.toFixed(2)),
        ci(r.ownP50Micros, (v) => v.toFixed(2)),
        ci(r.ownShare, pct),
        r.exportAtScrapeMicros ? ci(r.exportAtScrapeMicros, (v) => v.toFixed(2)) : '-',
        ci(r.endToEndRatio, (v) => `${v >= 1 ? '+' : ''}${((v - 1) * 100).toFixed(1)}%`),
        `≤ ${pct(r.target)}`,
        r.verdict,
      ].join(' | '),
    ).map((l) => `| ${l} |`),
  ];
  const load = loadavg().map((l) => +l.toFixed(2));
  console.log(lines.join('\n'));
  console.log(`\n${ROUNDS} rounds per row; load average during the run: ${load.join(', ')} on ${machine().cores} cores`);
  for (const w of warmups) {
    console.log(`warm-up, batch ${w.batch} (checks every 2nd call): own ${w.firstMicros.toFixed(2)} µs per call over the process's first 3,000 calls, ${w.steadyMicros.toFixed(2)} µs after 33,000`);
  }
  writeFileSync(new URL('./serving-results.json', import.meta.url), JSON.stringify({ machine: { ...machine(), loadavg: load }, rounds: ROUNDS, warmups, results }, null, 2) + '\n');
}

await main();
