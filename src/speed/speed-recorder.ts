import { BoundedSeries } from '../common/bounded-series.js';
import { sustainedGrowth, type Growth } from './growth.js';
import { mergeMemory, sampleMemory, type MemorySample, type ProcessMemory } from './memory.js';
import type { ResolvedSpeedOptions } from './options.js';
import { median, quantile } from './stats.js';
import { summarizeMemory, type BaselineKey, type EpochSpeed, type SpeedSummary } from './summary.js';

/** Batch times over training, bounded: a merged point keeps the mean and the slowest batch. */
export interface BatchTimePoint {
  step: number;
  toStep: number;
  meanMs: number;
  maxMs: number;
}

/** The monitor's own time per batch: its hooks, checks and probes, measured directly. */
export interface MonitorTime {
  batches: number;
  msPerBatch: { median: number | null; mean: number | null; p95: number | null };
  /** Mean own time over mean step time (the training step, without the monitor). */
  shareOfStep: number | null;
}

export interface SpeedReport extends SpeedSummary {
  monitor: MonitorTime;
  /** Memory over training, bounded: merged points keep the peaks. */
  memorySeries: MemorySample[];
  batchTimeSeries: BatchTimePoint[];
}

export interface BatchGrowth {
  tensors: Growth | null;
  bytes: Growth | null;
}

/**
 * Times batches and epochs and samples memory during fit. The batch time runs from the first
 * monitor hook of the batch to the next, so it covers tfjs's training step and not our checks.
 */
export class SpeedRecorder {
  private readonly batchMs: number[] = [];
  private readonly ownMs: number[] = [];
  private readonly examplesPerSecond: number[] = [];
  private readonly epochs: EpochSpeed[] = [];
  private readonly memory: BoundedSeries<MemorySample>;
  private readonly batchTimes: BoundedSeries<BatchTimePoint>;
  private readonly recentTensors: number[] = [];
  private readonly recentBytes: number[] = [];
  private peak: MemorySample = { step: 0, numTensors: 0, numBytes: 0 };
  private last: MemorySample = { step: 0, numTensors: 0, numBytes: 0 };
  /** The batch that ended last: its time and examples/s (null when unknown). */
  lastBatch: { ms: number | null; examplesPerSecond: number | null } = { ms: null, examplesPerSecond: null };
  private batchStart: number | null = null;
  /** Tensors tfjs keeps on purpose until training ends (History's epoch logs): not a leak. */
  private retained = 0;
  private epochStart = 0;
  private epochBatches = 0;
  private epochExamples: number | null = 0;

  constructor(
    private readonly options: ResolvedSpeedOptions,
    seriesPoints: number,
    private readonly processMemory: ProcessMemory | null = null,
  ) {
    this.memory = new BoundedSeries(seriesPoints, mergeMemory);
    this.batchTimes = new BoundedSeries(seriesPoints, (a, b) => {
      const n = (p: BatchTimePoint) => p.toStep - p.step + 1;
      return {
        step: a.step,
        toStep: b.toStep,
        meanMs: (a.meanMs * n(a) + b.meanMs * n(b)) / (n(a) + n(b)),
        maxMs: Math.max(a.maxMs, b.maxMs),
      };
    });
  }

  epochBegin(now: number): void {
    this.epochStart = now;
    this.epochBatches = 0;
    this.epochExamples = 0;
  }

  batchBegin(now: number): void {
    this.batchStart = now;
  }

  /** Records the batch that just ended; returns the growth trends seen over the leak window. */
  batchEnd(now: number, step: number, size: number | undefined): BatchGrowth {
    this.lastBatch = { ms: null, examplesPerSecond: null };
    if (this.batchStart !== null) {
      const ms = now - this.batchStart;
      this.lastBatch = { ms, examplesPerSecond: size !== undefined && ms > 0 ? (size * 1000) / ms : null };
      this.batchMs.push(ms);
      this.batchTimes.add({ step, toStep: step, meanMs: ms, maxMs: ms });
      if (size !== undefined && ms > 0) this.examplesPerSecond.push((size * 1000) / ms);
      this.batchStart = null;
    }
    this.epochBatches++;
    this.epochExamples = size === undefined || this.epochExamples === null ? null : this.epochExamples + size;

    const sample = sampleMemory(step, step % this.options.processMemoryEvery === 0 ? this.processMemory : null);
    this.memory.add(sample);
    this.peak = mergeMemory(this.peak, sample);
    this.last = sample;
    const window = this.options.leak.window;
    this.recentTensors.push(sample.numTensors - this.retained);
    this.recentBytes.push(sample.numBytes - 4 * this.retained);
    if (this.recentTensors.length > window) {
      this.recentTensors.shift();
      this.recentBytes.shift();
    }
    if (this.recentTensors.length < window) return { tensors: null, bytes: null };
    return {
      tensors: sustainedGrowth(this.recentTensors, this.options.leak.tensorsPerBatch),
      bytes: sustainedGrowth(this.recentBytes, this.options.leak.bytesPerBatch),
    };
  }

  /** The memory sample of the batch that ended last. */
  get lastSample(): MemorySample {
    return this.last;
  }

  /** Records the monitor's own time in one batch's hooks. */
  ownTime(ms: number): void {
    this.ownMs.push(ms);
  }

  /** Declares `count` more float32 scalars that tfjs keeps until training ends, so their growth is expected. */
  retainedUntilTrainEnd(count: number): void {
    this.retained += count;
  }

  epochEnd(epoch: number, now: number): EpochSpeed {
    const ms = now - this.epochStart;
    const speed: EpochSpeed = {
      epoch,
      ms,
      batches: this.epochBatches,
      examples: this.epochExamples,
      examplesPerSecond: this.epochExamples !== null && ms > 0 ? (this.epochExamples * 1000) / ms : null,
    };
    this.epochs.push(speed);
    return speed;
  }

  summary(key: BaselineKey): SpeedSummary {
    const mean = this.batchMs.length ? this.batchMs.reduce((a, b) => a + b, 0) / this.batchMs.length : null;
    const memory = summarizeMemory(this.peak, this.last);
    return {
      key,
      batches: this.batchMs.length,
      msPerBatch: { median: median(this.batchMs), p95: quantile(this.batchMs, 0.95), mean },
      examplesPerSecond: median(this.examplesPerSecond),
      epochs: this.epochs.map((e) => ({ ...e })),
      memory,
    };
  }

  private monitorTime(): MonitorTime {
    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
    const own = mean(this.ownMs);
    const step = mean(this.batchMs);
    return {
      batches: this.ownMs.length,
      msPerBatch: { median: median(this.ownMs), mean: own, p95: quantile(this.ownMs, 0.95) },
      shareOfStep: own !== null && step ? own / step : null,
    };
  }

  report(key: BaselineKey): SpeedReport {
    return { ...this.summary(key), monitor: this.monitorTime(), memorySeries: this.memory.toArray(), batchTimeSeries: this.batchTimes.toArray() };
  }
}
