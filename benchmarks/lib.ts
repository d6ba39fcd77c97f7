import * as tf from '@tensorflow/tfjs';
import { cpus, loadavg, totalmem } from 'node:os';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Logger } from '../src/node/index.js';
import { readValuesSync } from '../src/inspect/read-values.js';
import { median } from './stats.js';

export { median };

/** The monitor's logging, silenced: a benchmark times its work, not a terminal. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export async function use(backend: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not load`);
  await tf.ready();
}

/**
 * A full garbage collection, where V8 allows one (exposed at run time, so a plain `node bench.mjs`
 * has it too). Run between timed fits, so that no variant pays for the garbage of the one before.
 */
export const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // Not V8, or flags locked: rounds are still interleaved, only noisier.
  }
  return () => {};
})();

/**
 * Times each variant `reps` times, interleaved (A B C A B C …, with the order rotated every
 * round so no variant always runs first), and returns each variant's times. On a noisy shared
 * machine only ratios within one round mean anything.
 */
export async function interleaved<K extends string>(
  variants: Record<K, () => Promise<unknown> | unknown>,
  reps: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < reps; r++) {
    for (const name of rotated(names, r)) {
      collectGarbage();
      const t0 = performance.now();
      await variants[name]();
      times[name].push(performance.now() - t0);
    }
  }
  return times;
}

/** The names in round `r`'s order: rotated by one each round. */
export const rotated = <T>(names: readonly T[], r: number): T[] => names.map((_, i) => names[(i + r) % names.length]!);

/** Per round, variant time / baseline time; the median of those ratios. */
export function medianRatio(times: number[], baseline: number[]): number {
  return median(times.map((t, i) => t / baseline[i]!));
}

export function machine() {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    /** 1-minute load average when the benchmark started: above the core count, other work competed. */
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
    node: process.version,
    tfjs: tf.version.tfjs,
  };
}

/** Silences console output while `fn` runs (tf.enableDebugMode logs every kernel). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, info: console.info };
  console.log = console.warn = console.info = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

export const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

/** What one would write without the inspector: four tfjs reductions and four reads per weight. */
export function naiveChecks(weights: readonly tf.Tensor[]): void {
  for (const w of weights) {
    tf.tidy(() => {
      tf.isNaN(w).any().dataSync();
      tf.isInf(w).any().dataSync();
      tf.min(w).dataSync();
      tf.max(w).dataSync();
    });
  }
}

/** A plain JS sum of the weights' floats, read in place: the floor any scan is held against. */
export function plainSum(weights: readonly tf.Tensor[]): number {
  let s = 0;
  for (const w of weights) {
    const v = readValuesSync(w);
    for (let i = 0; i < v.length; i++) s += v[i]!;
  }
  return s;
}
