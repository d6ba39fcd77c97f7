/**
 * npm run bench:parity: checkParity on 1M served examples × 20 features (and the same number of
 * training examples), streamed from JSON-lines logs. Reports time and peak memory.
 */
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkParity, openFeatureLog, type FeatureLogRecord } from '../src/node/index.js';
import { machine } from './lib.js';

const N = Number(process.env['PARITY_EXAMPLES'] ?? 1_000_000);
const FEATURES = 20;
const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-parity-bench-'));

async function write(path: string, side: FeatureLogRecord['side'], skewEvery: number) {
  const log = await openFeatureLog(path);
  for (let i = 0; i < N; i++) {
    const features: Record<string, number> = {};
    for (let f = 0; f < FEATURES; f++) features[`f${f}`] = ((i * 31 + f * 7) % 1000) / 10;
    if (skewEvery && i % skewEvery === 0) features['f3'] = features['f3']! * 10;
    log.append({ side, id: `ex-${i}`, fp: 'bench', ts: 0, features, violations: [] });
  }
  log.close();
}

const t0 = performance.now();
await write(join(dir, 'training.jsonl'), 'training', 0);
await write(join(dir, 'serving.jsonl'), 'serving', 1000);
const writeSeconds = (performance.now() - t0) / 1000;
const bytes = statSync(join(dir, 'serving.jsonl')).size;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const t1 = performance.now();
const report = await checkParity(join(dir, 'training.jsonl'), join(dir, 'serving.jsonl'));
const seconds = (performance.now() - t1) / 1000;
clearInterval(sampler);
rmSync(dir, { recursive: true });

const m = machine();
console.log(`Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores), Node ${m.node}.\n`);
console.log('| examples per side | features | serving log | check time | peak RSS | skewed features found |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(
  `| ${N.toLocaleString('en')} | ${FEATURES} | ${(bytes / 2 ** 20).toFixed(0)} MiB | ${seconds.toFixed(1)} s | ${(peakRss / 2 ** 20).toFixed(0)} MiB | ` +
    `${report.summary.skewedFeatures} (${JSON.stringify(report.summary.examplesPerSkewedFeature)}) |`,
);
console.log(`\n(writing both logs took ${writeSeconds.toFixed(1)} s)`);
