// What a served call is made of, for the serving monitor and the platforms and listeners around it.
import * as tf from '@tensorflow/tfjs-core';
import { collectDependencies, type CollectOptions } from '../deps/collect.js';
import type { DependencySet } from '../deps/dependency-set.js';

export type Inputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
export type Outputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;

/**
 * Receives each call and each output check (the Prometheus export is one). Both run on the
 * request path, inside the monitor's own time: keep them to a few stores.
 */
export interface ServingListener {
  /** A call ended: its latency in seconds (null when it threw) and its examples. */
  call?(seconds: number | null, examples: number): void;
  outputCheck?(nonFinite: boolean): void;
}

/** What a platform gives the serving monitor beyond tfjs: the process's memory and dependencies (Node). */
export interface ServingPlatform {
  /** The process's resident set size in bytes; null where there is none (browsers). */
  processRss: (() => number) | null;
  /** Bytes of JavaScript heap in use; null where the platform does not say. */
  heapUsed: (() => number) | null;
  collectDependencies(options: CollectOptions): DependencySet;
}

/** Chromium's non-standard performance.memory: the page's JS heap, coarse unless cross-origin isolated. */
function pageHeap(): (() => number) | null {
  const memory = (globalThis.performance as { memory?: { usedJSHeapSize?: unknown } } | undefined)?.memory;
  return typeof memory?.usedJSHeapSize === 'number' ? () => memory.usedJSHeapSize as number : null;
}

export const BROWSER_SERVING_PLATFORM: ServingPlatform = { processRss: null, heapUsed: pageHeap(), collectDependencies };

/**
 * Examples in a call: the first dimension of its first input (1 for a scalar), 0 for inputs that
 * are not tensors at all (null: the model will say what is wrong with them).
 */
export function examplesIn(inputs: Inputs): number {
  if (inputs === null || typeof inputs !== 'object') return 0;
  const first = inputs instanceof tf.Tensor ? inputs : Array.isArray(inputs) ? inputs[0] : Object.values(inputs)[0];
  return first instanceof tf.Tensor && first.rank > 0 ? first.shape[0]! : 1;
}
