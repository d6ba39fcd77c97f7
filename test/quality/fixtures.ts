import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ProfileBuilder, type ReferenceProfile } from '../../src/node/index.js';

export const dir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-quality-'));

/** A seeded generator (mulberry32): the same draws on every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const pick = <T>(items: readonly T[], weights: readonly number[]) => {
    let u = uniform() * weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < items.length; i++) if ((u -= weights[i]!) < 0) return items[i]!;
    return items.at(-1)!;
  };
  return { uniform, normal, pick };
}

export const REGIONS = ['north', 'south', 'east', 'west'] as const;

/**
 * A synthetic world with `numeric` normal features f0…, a categorical `region`, and a binary
 * classifier that predicts P(y = 1) = σ(2·f0), which is the truth in the reference world, so
 * served data from that world has the validation quality. `shift` moves f0's mean (the inputs
 * drift, the model stays right); `concept` moves the truth to σ(2·(f0 − concept)) (the model
 * goes wrong), only in `conceptRegion` when given.
 */
export function world(seed: number, { numeric = 3, shift = 0, concept = 0, conceptRegion = null as string | null, regionWeights = [0.4, 0.3, 0.2, 0.1] } = {}) {
  const r = rng(seed);
  return (i: number) => {
    const features: Record<string, number | string> = {};
    for (let f = 0; f < numeric; f++) features[`f${f}`] = r.normal() + (f === 0 ? shift : 0);
    const region = r.pick(REGIONS, regionWeights);
    features['region'] = region;
    const x = features['f0'] as number;
    const p = 1 / (1 + Math.exp(-2 * x));
    const c = conceptRegion === null || conceptRegion === region ? concept : 0;
    const label = r.uniform() < 1 / (1 + Math.exp(-2 * (x - c))) ? 1 : 0;
    return { id: `ex-${seed}-${i}`, features, output: [1 - p, p], label };
  };
}

export function referenceOf(seed: number, training: number, validation: number, options: { numeric?: number } = {}): ReferenceProfile {
  const b = new ProfileBuilder({ task: 'classification', classes: ['no', 'yes'], slices: ['region'], model: 'synthetic', version: 'v1' });
  const draw = world(seed, options);
  for (let i = 0; i < training; i++) b.addTraining(draw(i).features);
  for (let i = 0; i < validation; i++) b.addValidation(draw(training + i));
  return b.toJSON();
}

/** The built CLI (`npm run build` first), with its exit code. */
export const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  promisify(execFile)('node', ['dist/cli/main.js', 'quality', ...args], { maxBuffer: 64 * 2 ** 20 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

export interface LogOptions {
  n: number;
  seed: number;
  /** ms of the first record, and between records */
  ts0?: number;
  step?: number;
  labelEvery?: number;
  version?: string;
  world?: Parameters<typeof world>[1];
  /** a file prefix, to write several periods into one directory */
  prefix?: string;
}

/** Writes a served feature log (as FeatureSet.logServing writes), a prediction log and a label log. */
export async function writeLogs(d: string, o: LogOptions) {
  const { openFeatureLog, openPredictionLog } = await import('../../src/node/index.js');
  const p = o.prefix ?? '';
  const paths = { features: join(d, `${p}features.jsonl`), predictions: join(d, `${p}predictions.jsonl`), labels: join(d, `${p}labels.jsonl`) };
  const f = await openFeatureLog(paths.features);
  const pr = await openPredictionLog(paths.predictions);
  const l = await openPredictionLog(paths.labels);
  const draw = world(o.seed, o.world);
  for (let i = 0; i < o.n; i++) {
    const e = draw(i);
    const ts = (o.ts0 ?? 1_700_000_000_000) + i * (o.step ?? 1000);
    f.append({ side: 'serving', id: e.id, fp: 'test', ts, features: e.features, violations: [] });
    pr.prediction({ id: e.id, version: o.version ?? 'v1', output: e.output, ts });
    if (i % (o.labelEvery ?? 1) === 0) l.label({ id: e.id, label: e.label, ts: ts + 60_000 });
  }
  for (const w of [f, pr, l]) w.close();
  return paths;
}
