import * as tf from '@tensorflow/tfjs-core';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsRegistry } from '../common/metrics-registry.js';
import { DEFAULT_LATENCY_BUCKETS, SERVING_METRICS as M, VERSION_LABELS } from '../serving/metric-names.js';
import type { ServedModel } from '../serving/served-model.js';
import { loadPromClient } from '../storage/prom-client.js';
import { PendingObservations } from './pending-observations.js';

export interface ServingMetricsOptions {
  /** A prom-client Registry to register in; default prom-client's global `register`. */
  registry?: MetricsRegistry;
  /** Latency histogram buckets in seconds (Prometheus `le`); default DEFAULT_LATENCY_BUCKETS. */
  buckets?: number[];
}

type Labels = Record<(typeof VERSION_LABELS)[number], string>;

type Totals = ReturnType<ServedModel['totals']>;

/** The served models each registry exports, so that its counters and gauges read them at scrape time. */
const attached = new WeakMap<Registry, Set<ServedModel>>();
/** Per registry and served model, the totals already added to the counters. */
const reportedBy = new WeakMap<Registry, Map<ServedModel, Totals>>();
/** Per registry and served model, latencies not yet in the histogram. */
const pendingBy = new WeakMap<Registry, Map<ServedModel, PendingObservations>>();

function labelsOf(served: ServedModel): Labels {
  const o = served.options;
  return { model: o.model, model_version: o.modelVersion, code_version: o.codeVersion, data_version: o.dataVersion };
}

/**
 * Exports served models' calls as Prometheus metrics (SERVING_METRICS), labelled with model,
 * model_version, code_version and data_version: a latency histogram in seconds, counters of
 * requests, errors, checked outputs and non-finite ones, examples, and gauges of calls in flight
 * and tensors held. Several models (or versions) share one registry. Serve `registry.metrics()`
 * at /metrics; add prom-client's collectDefaultMetrics() for process RSS and heap.
 */
export async function instrumentServing(served: ServedModel | readonly ServedModel[], options: ServingMetricsOptions = {}): Promise<MetricsRegistry> {
  const client = await loadPromClient('the serving Prometheus export');
  const registry = (options.registry as Registry | undefined) ?? client.register;
  const models = attached.get(registry) ?? new Set<ServedModel>();
  attached.set(registry, models);
  const labelNames = [...VERSION_LABELS];
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  // Counters are read from the served models' own totals at each scrape: nothing of prom-client
  // runs on the request path for them (its label hashing there cost more than the whole monitor).
  const reported = reportedBy.get(registry) ?? new Map<ServedModel, Totals>();
  reportedBy.set(registry, reported);
  const counter = (name: string, help: string, key: keyof Totals) =>
    existing<Counter<string>>(name) ??
    new client.Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Counter<string>) {
        for (const s of models) {
          const last = reported.get(s)!;
          const now = s.totals()[key];
          if (now > last[key]) this.inc(labelsOf(s), now - last[key]);
          last[key] = now;
        }
      },
    });
  const pending = pendingBy.get(registry) ?? new Map<ServedModel, PendingObservations>();
  pendingBy.set(registry, pending);
  const duration =
    existing<Histogram<string>>(M.duration) ??
    new client.Histogram({
      name: M.duration,
      help: 'Latency of model calls that returned, in seconds.',
      labelNames,
      buckets: options.buckets ?? DEFAULT_LATENCY_BUCKETS,
      registers: [registry],
      // The request path only stores each latency (PendingObservations): observed here, at scrape.
      collect() {
        for (const p of pending.values()) p.drain();
      },
    });
  const counters = [
    counter(M.requests, 'Model calls, returned or thrown.', 'calls'),
    counter(M.errors, 'Model calls that threw.', 'thrown'),
    counter(M.nonFinite, 'Checked model calls whose outputs held NaN or Infinity.', 'nonFinite'),
    counter(M.checks, 'Model calls whose outputs were checked for NaN and Infinity.', 'checked'),
    counter(M.examples, 'Examples in model calls that returned.', 'examples'),
  ];
  if (!existing(M.inFlight)) {
    new client.Gauge({
      name: M.inFlight,
      help: 'Model calls in flight.',
      labelNames,
      registers: [registry],
      collect(this: Gauge<string>) {
        this.reset();
        for (const s of models) this.inc(labelsOf(s), s.inFlight);
      },
    });
    const memory = (name: string, help: string, read: (m: tf.MemoryInfo) => number) =>
      new client.Gauge({ name, help, registers: [registry], collect(this: Gauge<string>) { this.set(read(tf.memory())); } });
    memory(M.tensors, 'Tensors held by tfjs in this process.', (m) => m.numTensors);
    memory(M.tensorBytes, 'Bytes of the tensors held by tfjs in this process.', (m) => m.numBytes);
  }
  const list: readonly ServedModel[] = Array.isArray(served) ? served : [served as ServedModel];
  for (const s of list) {
    if (models.has(s)) continue;
    models.add(s);
    // Every metric covers the calls from now on; every series exists at 0 from the start, so
    // rates and ratios are defined before the first error.
    reported.set(s, s.totals());
    const labels = labelsOf(s);
    for (const c of counters) c.labels(labels).inc(0);
    const d = duration.labels(labels);
    const latencies = new PendingObservations((seconds) => d.observe(seconds));
    pending.set(s, latencies);
    s.listen({
      call(seconds) {
        if (seconds !== null) latencies.add(seconds);
      },
    });
  }
  return registry;
}
