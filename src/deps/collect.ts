import * as tf from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import type { DataSource, DependencySet } from './dependency-set.js';

export interface CollectOptions {
  /**
   * Loaded tfjs module namespaces to read versions from: the `tf` of `@tensorflow/tfjs` (its
   * `tf.version` lists every package it bundles), a backend module (`version_wasm`), etc.
   * tfjs-core and tfjs-layers, which tfjs-monitor itself loads, are always read.
   */
  tfjs?: object | readonly object[];
  /** The data sources this run reads, e.g. `[{ name: 'mnist', version: '2024-05-01' }]`. */
  dataSources?: readonly DataSource[];
}

/** `version_<short>` exports of the tfjs packages, and the package each names. */
const VERSION_EXPORTS: Record<string, string> = {
  version_core: 'tfjs-core',
  version_layers: 'tfjs-layers',
  version_converter: 'tfjs-converter',
  version_cpu: 'tfjs-backend-cpu',
  version_webgl: 'tfjs-backend-webgl',
  version_wasm: 'tfjs-backend-wasm',
  version_webgpu: 'tfjs-backend-webgpu',
  version_data: 'tfjs-data',
};

/** Flags that change what a backend computes with; read only once tfjs has evaluated them. */
const BACKEND_FLAGS: Record<string, string[]> = {
  wasm: ['WASM_HAS_SIMD_SUPPORT', 'WASM_HAS_MULTITHREAD_SUPPORT'],
  webgl: ['WEBGL_VERSION', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_PACK'],
};

/** Adds `version` for `name`; a second, different version of the same package is kept beside it. */
export function addVersion(packages: Record<string, string>, name: string, version: string): void {
  const known = packages[name]?.split(' + ') ?? [];
  if (!known.includes(version)) packages[name] = [...known, version].sort().join(' + ');
}

/** Versions a tfjs namespace carries: `version_*` constants, and `version` (an object in @tensorflow/tfjs). */
export function versionsOf(namespace: object, into: Record<string, string>): void {
  const ns = namespace as Record<string, unknown>;
  for (const [key, pkg] of Object.entries(VERSION_EXPORTS)) {
    if (typeof ns[key] === 'string') addVersion(into, `@tensorflow/${pkg}`, ns[key]);
  }
  const union = ns['version'];
  if (union && typeof union === 'object') {
    for (const [pkg, v] of Object.entries(union)) if (typeof v === 'string') addVersion(into, `@tensorflow/${pkg}`, v);
  }
}

function runtime(): DependencySet['runtime'] {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  if (g.process?.versions?.node) return { name: 'node', version: `v${g.process.versions.node}` };
  if (g.navigator?.userAgent) return { name: 'browser', version: g.navigator.userAgent };
  return null;
}

/**
 * The dependency set of this run, as far as a browser can see it: the loaded tfjs versions,
 * the backend in use (tf.getBackend()) and its evaluated capability flags, the runtime and the
 * declared data sources. In Node, `collectDependencies` from 'tfjs-monitor/node' adds every
 * loaded @tensorflow package and the lockfile's hash.
 */
export function collectDependencies(options: CollectOptions = {}): DependencySet {
  const packages: Record<string, string> = {};
  addVersion(packages, '@tensorflow/tfjs-core', tf.version_core);
  addVersion(packages, '@tensorflow/tfjs-layers', version_layers);
  const namespaces = options.tfjs === undefined ? [] : Array.isArray(options.tfjs) ? options.tfjs : [options.tfjs];
  for (const ns of namespaces as object[]) versionsOf(ns, packages);
  const name = tf.getBackend() ?? 'none';
  const features = tf.env().features;
  const flags: Record<string, boolean | number | string> = {};
  for (const flag of BACKEND_FLAGS[name] ?? []) {
    const v = features[flag];
    if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') flags[flag] = v;
  }
  const dataSources = [...(options.dataSources ?? [])].map((d) => ({ name: d.name, version: d.version }));
  dataSources.sort((a, b) => a.name.localeCompare(b.name));
  return { packages: sortKeys(packages), backend: { name, flags }, runtime: runtime(), lockfile: null, dataSources };
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
