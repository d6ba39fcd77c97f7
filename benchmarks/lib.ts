import * as tf from '@tensorflow/tfjs';
import { cpus, totalmem } from 'node:os';

/** Median of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

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
    const order = names.map((_, i) => names[(i + r) % names.length]!);
    for (const name of order) {
      const t0 = performance.now();
      await variants[name]();
      times[name].push(performance.now() - t0);
    }
  }
  return times;
}

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
