/**
 * Run by bounded-memory.test.ts in a child process (node --expose-gc): writes logs of the sizes
 * given, checks each, and prints the largest live heap seen while checking (a full GC every
 * 50 ms, then heapUsed: what the check holds, not garbage waiting to be collected).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkQuality, openFeatureLog, openPredictionLog, saveProfile } from '../../src/node/index.js';
import { referenceOf, world } from './fixtures.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const [maxLabelsInMemory, ...sizes] = process.argv.slice(2).map(Number);
const results = [];
for (const n of sizes) {
  const d = mkdtempSync(join(tmpdir(), 'tfjs-monitor-quality-memory-'));
  saveProfile(join(d, 'reference.json'), referenceOf(1, 5000, 2000, { numeric: 5 }));
  const f = await openFeatureLog(join(d, 'features.jsonl'));
  const p = await openPredictionLog(join(d, 'predictions.jsonl'));
  const l = await openPredictionLog(join(d, 'labels.jsonl'));
  const draw = world(2, { numeric: 5 });
  for (let i = 0; i < n!; i++) {
    const e = draw(i);
    const ts = 1_700_000_000_000 + i * 100;
    f.append({ side: 'serving', id: e.id, fp: 'test', ts, features: e.features, violations: [] });
    p.prediction({ id: e.id, version: 'v1', output: e.output, ts });
    if (i % 2 === 0) l.label({ id: e.id, label: e.label, ts });
  }
  for (const w of [f, p, l]) w.close();
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 50);
  const r = await checkQuality(
    { reference: join(d, 'reference.json'), features: join(d, 'features.jsonl'), predictions: join(d, 'predictions.jsonl'), labels: join(d, 'labels.jsonl') },
    { windowMs: 3_600_000, maxLabelsInMemory },
  );
  clearInterval(timer);
  results.push({ n, passes: r.labels!.passes, joined: r.labels!.joined, windows: r.inputDrift.length, heldMiB: (peak - before) / 2 ** 20 });
}
console.log(JSON.stringify(results));
