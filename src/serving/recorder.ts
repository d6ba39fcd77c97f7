import * as tf from '@tensorflow/tfjs-core';
import type { Growth } from '../speed/growth.js';
import { sampleMemory, type MemorySample } from '../speed/memory.js';
import { LogHistogram } from './histogram.js';
import { TrendWindow } from './trend-window.js';
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
  peak: Omit<MemorySample, 'step'> = { numTensors: 0, numBytes: 0 };
  last = { numTensors: 0, numBytes: 0 };
  private blockCalls = 0;
  private blockTensors = Infinity;
  private blockBytes = Infinity;
  private readonly samples: Record<keyof LeakTrends, TrendWindow>;

  private readonly leak: ResolvedServingOptions['leak'];
  /** One per tfjs-core copy, for the process's life: its counters are read at the end of every call. */
  private readonly engine = tf.engine();
  private readonly processEvery: number;

  constructor(
    options: Pick<ResolvedServingOptions, 'leak' | 'processMemoryEvery'>,
    private readonly processRss: (() => number) | null,
    private readonly heapUsed: (() => number) | null = null,
  ) {
    this.leak = options.leak;
    this.processEvery = options.processMemoryEvery;
    const w = options.leak.window;
    this.samples = { tensors: new TrendWindow(w), bytes: new TrendWindow(w), rss: new TrendWindow(w) };
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
    const info = this.engine.state;
    this.last.numTensors = info.numTensors;
    this.last.numBytes = info.numBytes;
    if (info.numTensors > this.peak.numTensors) this.peak.numTensors = info.numTensors;
    if (info.numBytes > this.peak.numBytes) this.peak.numBytes = info.numBytes;
    const rss = this.calls % this.processEvery === 0 ? this.sampleProcess() : undefined;
    if (this.calls <= this.leak.warmup) return null;
    // Nothing is allocated here unless a figure grew: this runs at the end of every call.
    let judged = false;
    if (rss !== undefined) {
      this.samples.rss.push(rss);
      judged = true;
    }
    if (info.numTensors < this.blockTensors) this.blockTensors = info.numTensors;
    if (info.numBytes < this.blockBytes) this.blockBytes = info.numBytes;
    if (++this.blockCalls >= this.leak.every) {
      this.samples.tensors.push(this.blockTensors);
      this.samples.bytes.push(this.blockBytes);
      this.blockCalls = 0;
      this.blockTensors = this.blockBytes = Infinity;
      judged = true;
    }
    if (!judged) return null;
    const per = this.leak.every;
    const tensors = this.samples.tensors.growth(this.leak.tensorsPerCall * per);
    const bytes = this.samples.bytes.growth(this.leak.bytesPerCall * per);
    const rssGrowth = this.samples.rss.growth(this.leak.rssBytesPerCall * this.processEvery);
    return tensors || bytes || rssGrowth ? { tensors, bytes, rss: rssGrowth } : null;
  }

  /** The process's RSS and JS heap (where the platform has them) and the backend's own figure, into the peaks; the RSS read, if any. */
  sampleProcess(): number | undefined {
    const backend = sampleMemory(this.calls, null).backendBytes;
    this.peak.backendBytes = maxOf(this.peak.backendBytes, backend);
    if (this.heapUsed) this.peak.heapUsed = maxOf(this.peak.heapUsed, this.heapUsed());
    if (!this.processRss) return undefined;
    const rss = this.processRss();
    this.peak.rss = maxOf(this.peak.rss, rss);
    return rss;
  }
}
