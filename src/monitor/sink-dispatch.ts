import type { TrainingPosition } from '../core/findings.js';
import type { EpochSpeed } from '../speed/summary.js';
import type { Finding } from './findings.js';
import type { EpochLogs, Measured, MonitorReport } from './run-report.js';
import type { RunState } from './run-state.js';
import type { MonitorSink, StepRecord } from './sink.js';

/** Hands a run's figures to its sinks, in order; findings are queued as they are made and sent with the next step. */
export class SinkDispatch {
  private readonly sinks: readonly MonitorSink[];
  private readonly findings: Finding[] = [];
  private ended = false;
  /** The fewest steps between histograms any sink asks for; 0: none does. */
  private readonly histogramEvery: number;
  private lastHistogramStep: number | null = null;
  private histograms: { step: number; list: NonNullable<StepRecord['histograms']> } | null = null;

  constructor(run: RunState) {
    this.sinks = run.options.sinks;
    const every = this.sinks.map((s) => s.histogramEvery ?? 0).filter((n) => Number.isFinite(n) && n > 0);
    this.histogramEvery = every.length > 0 ? Math.min(...every) : 0;
  }

  /** Whether the check at this step should read the weights with histograms. */
  histogramsDue(step: number): boolean {
    if (this.histogramEvery === 0) return false;
    return this.lastHistogramStep === null || step - this.lastHistogramStep >= this.histogramEvery;
  }

  /** The histograms the check at `step` made, handed to the sinks with that step's record. */
  setHistograms(step: number, list: NonNullable<StepRecord['histograms']>): void {
    this.lastHistogramStep = step;
    this.histograms = { step, list };
  }

  get active(): boolean {
    return this.sinks.length > 0;
  }

  queueFinding(finding: Finding): void {
    if (this.sinks.length > 0) this.findings.push(finding);
  }

  async step(run: RunState, at: TrainingPosition, layers: { name: string; measured: Measured }[]): Promise<void> {
    if (this.sinks.length === 0) return;
    await this.flushFindings();
    const memory = run.speed.lastSample;
    const histograms = this.histograms?.step === at.step ? this.histograms.list : undefined;
    this.histograms = null;
    const record: StepRecord = {
      at,
      loss: run.lastCheckedStep === at.step ? run.lastLoss : null,
      layers,
      ...run.speed.lastBatch,
      numTensors: memory.numTensors,
      numBytes: memory.numBytes,
      ...(histograms ? { histograms } : {}),
    };
    for (const sink of this.sinks) await sink.step?.(record);
  }

  async epoch(at: TrainingPosition | null, epoch: number, logs: EpochLogs, speed: EpochSpeed): Promise<void> {
    if (this.sinks.length === 0) return;
    await this.flushFindings();
    for (const sink of this.sinks) await sink.epoch?.({ at, epoch, logs, speed });
  }

  /** Once per run: the remaining findings, then the final report. */
  async end(report: () => MonitorReport, ending: { aborted: boolean }): Promise<void> {
    if (this.ended || this.sinks.length === 0) return;
    this.ended = true;
    await this.flushFindings();
    const final = report();
    for (const sink of this.sinks) await sink.end?.(final, ending);
  }

  private async flushFindings(): Promise<void> {
    const queued = this.findings.splice(0);
    for (const finding of queued) for (const sink of this.sinks) await sink.finding?.(finding);
  }
}
