import * as tf from '@tensorflow/tfjs-core';
import { sustainedGrowth, type Growth } from '../speed/growth.js';
import { sampleMemory, type MemorySample } from '../speed/memory.js';
import { LogHistogram } from './histogram.js';
import type { ResolvedServingOptions } from './options.js';

/** Growth trends judged at the end of a memory sample, or null for a figure that is not growing. */
export interface LeakTrends {
  tensors: Growth | null;
  bytes: Growth | null;
  rss: Growth | null;
}

const maxOf = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

/**
 * Per-call figures of one served model, in bounded memory: counts, latency and the monitor's own
 * time as log histograms, calls in flight, and memory. tf.memory() is read at the end of each
 * call; for the leak trend each sample is the lowest figure over `leak.every` calls, so that
 * tensors of other calls still in flight do not look like growth. RSS is read every
 * `processMemoryEvery` calls.
 */
export class ServingRecorder {
  calls = 0;
  thrown = 0;
  /** Examples in calls that returned. */
  examples = 0;
  checked = 0;
  nonFinite = 0;
  inFlight = 0;
  peakInFlight = 0;
  readonly latency = new LogHistogram();
  readonly own = new LogHistogram();
  batchMin = Infinity;
  batchMax = -Infinity;
  batchSum = 0;
  private activeMs = 0;
  private activeSince = 0;
  peak: Omit<MemorySample, 'step' | 'heapUsed'> = { numTensors: 0, numBytes: 0 };
  last = { numTensors: 0, numBytes: 0 };
  private block = { calls: 0, tensors: Infinity, bytes: Infinity };
  private readonly samples = { tensors: [] as number[], bytes: [] as number[], rss: [] as number[] };

  private readonly leak: ResolvedServingOptions['leak'];
  private readonly processEvery: number;

  constructor(
    options: Pick<ResolvedServingOptions, 'leak' | 'processMemoryEvery'>,
    private readonly processRss: (() => number) | null,
  ) {
    this.leak = options.leak;
    this.processEvery = options.processMemoryEvery;
  }

  begin(now: number, examples: number): number {
    if (this.inFlight++ === 0) this.activeSince = now;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    if (examples < this.batchMin) this.batchMin = examples;
    if (examples > this.batchMax) this.batchMax = examples;
    this.batchSum += examples;
    return ++this.calls;
  }

  /** Ends a call: `seconds` is its latency, or null when it threw. Returns leak trends when a sample completes. */
  end(now: number, seconds: number | null, examples: number): LeakTrends | null {
    if (--this.inFlight === 0) this.activeMs += now - this.activeSince;
    if (seconds === null) this.thrown++;
    else {
      this.latency.add(seconds);
      this.examples += examples;
    }
    return this.sampleMemory();
  }

  /** Seconds during which at least one call was in flight (so far). */
  activeSeconds(now: number): number {
    return (this.activeMs + (this.inFlight > 0 ? now - this.activeSince : 0)) / 1000;
  }

  private sampleMemory(): LeakTrends | null {
    // The engine's own counters: what tf.memory() reports, without the object it builds per call.
    const info = tf.engine().state;
    this.last.numTensors = info.numTensors;
    this.last.numBytes = info.numBytes;
    if (info.numTensors > this.peak.numTensors) this.peak.numTensors = info.numTensors;
    if (info.numBytes > this.peak.numBytes) this.peak.numBytes = info.numBytes;
    const rss = this.processRss && this.calls % this.processEvery === 0 ? this.sampleProcess() : undefined;
    if (this.calls <= this.leak.warmup) return null;
    let judged = false;
    if (rss !== undefined) {
      this.push(this.samples.rss, rss);
      judged = true;
    }
    const block = this.block;
    if (info.numTensors < block.tensors) block.tensors = info.numTensors;
    if (info.numBytes < block.bytes) block.bytes = info.numBytes;
    if (++block.calls >= this.leak.every) {
      this.push(this.samples.tensors, block.tensors);
      this.push(this.samples.bytes, block.bytes);
      this.block = { calls: 0, tensors: Infinity, bytes: Infinity };
      judged = true;
    }
    if (!judged) return null;
    const judge = (s: number[], perSample: number) => (s.length < this.leak.window ? null : sustainedGrowth(s, perSample));
    const per = this.leak.every;
    return {
      tensors: judge(this.samples.tensors, this.leak.tensorsPerCall * per),
      bytes: judge(this.samples.bytes, this.leak.bytesPerCall * per),
      rss: judge(this.samples.rss, this.leak.rssBytesPerCall * this.processEvery),
    };
  }

  private push(series: number[], value: number): void {
    series.push(value);
    if (series.length > this.leak.window) series.shift();
  }

  /** The process's RSS (Node) and the backend's own figure, into the peaks; the RSS read, if any. */
  sampleProcess(): number | undefined {
    const backend = sampleMemory(this.calls, null).backendBytes;
    this.peak.backendBytes = maxOf(this.peak.backendBytes, backend);
    if (!this.processRss) return undefined;
    const rss = this.processRss();
    this.peak.rss = maxOf(this.peak.rss, rss);
    return rss;
  }
}
