/**
 * npm run bench:quality: checkQuality (input drift, output drift, served quality with slices) on
 * 1M logged predictions × 20 features over 24 hourly windows, with labels for 30% of them.
 * The logs are generated into a temporary directory (and removed); the check runs in a child
 * process of its own, so its peak RSS is the check's alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkQuality, openFeatureLog, openPredictionLog, ProfileBuilder, saveProfile } from '../src/node/index.js';

const N = Number(process.env['QUALITY_EXAMPLES'] ?? 1_000_000);
const NUMERIC = 19; // + region: 20 features
const T0 = Date.UTC(2026, 10, 20);
const HOUR = 3_600_000;

function generator(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const regions = ['north', 'south', 'east', 'west'];
  /** In the last 6 hours f3 has shifted by half a standard deviation: something to find. */
  return (shifted: boolean) => {
    const features: Record<string, number | string> = {};
    for (let f = 0; f < NUMERIC; f++) features[`f${f}`] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) + (shifted && f === 3 ? 0.5 : 0);
    features['region'] = regions[Math.floor(u() * 4)]!;
    const p = 1 / (1 + Math.exp(-2 * (features['f0'] as number)));
    return { features, output: [1 - p, p], label: u() < p ? 1 : 0, u: u() };
  };
}

async function generate(dir: string) {
  const ref = new ProfileBuilder({ task: 'classification', classes: ['no', 'yes'], slices: ['region'], model: 'bench', version: 'v1' });
  const draw = generator(1);
  for (let i = 0; i < 50_000; i++) ref.addTraining(draw(false).features);
  for (let i = 0; i < 10_000; i++) ref.addValidation(draw(false));
  saveProfile(join(dir, 'reference.json'), ref);
  const f = await openFeatureLog(join(dir, 'features.jsonl'));
  const p = await openPredictionLog(join(dir, 'predictions.jsonl'));
  const l = await openPredictionLog(join(dir, 'labels.jsonl'));
  const served = generator(2);
  for (let i = 0; i < N; i++) {
    const ts = T0 + Math.floor((i / N) * 24 * HOUR);
    const e = served(ts >= T0 + 18 * HOUR);
    const id = `req-${i}`;
    f.append({ side: 'serving', id, fp: 'bench', ts, features: e.features, violations: [] });
    p.prediction({ id, version: 'v1', output: e.output, ts });
    if (e.u < 0.3) l.label({ id, label: e.label, ts: ts + HOUR });
  }
  for (const w of [f, p, l]) w.close();
}

async function check(dir: string, maxLabelsInMemory: number) {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const t = performance.now();
  const r = await checkQuality(
    { reference: join(dir, 'reference.json'), features: join(dir, 'features.jsonl'), predictions: join(dir, 'predictions.jsonl'), labels: join(dir, 'labels.jsonl') },
    { windowMs: HOUR, maxLabelsInMemory },
  );
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const drifting = [...new Set(r.findings.flatMap((f) => (f.kind === 'input-drift' ? [f.feature] : [])))];
  const windows = new Set(r.findings.map((f) => f.window.start)).size;
  console.log(JSON.stringify({ seconds, peakRss, labels: r.labels, windows: r.inputDrift.length, drifting, windowsWithFindings: windows, findings: r.findings.length }));
}

if (process.argv[2] === '--check') {
  await check(process.argv[3]!, Number(process.argv[4]));
} else {
  const { machine } = await import('./lib.js');
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-quality-bench-'));
  try {
    const t = performance.now();
    await generate(dir);
    const writeSeconds = (performance.now() - t) / 1000;
    const size = (name: string) => statSync(join(dir, name)).size / 2 ** 20;
    const m = machine();
    console.log(`Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores), Node ${m.node}.\n`);
    console.log('| predictions | features | feature log | prediction log | labels | maxLabelsInMemory | join passes | windows | check time | peak RSS | findings |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    // The default, then a limit under the labels' count: the join takes several passes and memory stays lower.
    for (const maxLabels of [500_000, 100_000]) {
      const out = execFileSync('node', ['--import', 'tsx', 'benchmarks/quality.ts', '--check', dir, String(maxLabels)], { encoding: 'utf8', maxBuffer: 2 ** 26 });
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      console.log(
        `| ${N.toLocaleString('en')} | 20 | ${size('features.jsonl').toFixed(0)} MiB | ${size('predictions.jsonl').toFixed(0)} MiB | ${r.labels.records.toLocaleString('en')} | ` +
          `${maxLabels.toLocaleString('en')} | ${r.labels.passes} | ${r.windows} | ${r.seconds.toFixed(1)} s | ${(r.peakRss / 2 ** 20).toFixed(0)} MiB | ` +
          `drift of ${r.drifting.join(', ') || 'nothing'} in ${r.windowsWithFindings} window(s) |`,
      );
    }
    console.log(`\n(profiling the reference and writing the logs took ${writeSeconds.toFixed(1)} s; reference profile ${(size('reference.json') * 1024).toFixed(0)} KiB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
