import { z } from 'zod';
import { describePosition } from '../../core/findings.js';
import type { ValueHistogram } from '../../inspect/histogram.js';
import type { Finding } from '../../monitor/findings.js';
import { formatReport } from '../../monitor/format-report.js';
import type { MonitorReport } from '../../monitor/run-report.js';
import type { MonitorSink, StepRecord } from '../../monitor/sink.js';
import { parseOptions } from '../../options/validate.js';
import { EventFile, ensureLogdir } from './event-file.js';
import { loadEventEncoder, type EventInput, type SummaryValue } from './records.js';
import { StepWindow } from './step-window.js';

export const tensorBoardOptions = z
  .object({
    /** The run's directory, created if missing: `tensorboard --logdir <its parent or itself>`. */
    logdir: z.string().min(1),
    /**
     * How often the step figures are written: 'batch' every step, a number every that many steps,
     * 'epoch' (the default, as `tf.node.tensorBoard`) once per epoch. A write covers the steps
     * since the last one: the lowest min, the highest of the other layer figures, peak tensors.
     */
    updateFreq: z.union([z.literal('batch'), z.literal('epoch'), z.number().int().positive()]).default('epoch'),
    /** Steps between weight histograms (at the first check this many steps after the last); 0: none. Default 100. */
    histogramEvery: z.number().int().nonnegative().default(100),
  })
  .strict();
export type TensorBoardOptions = z.input<typeof tensorBoardOptions>;
type Resolved = z.output<typeof tensorBoardOptions>;
type EpochRecord = Parameters<NonNullable<MonitorSink['epoch']>>[0];

/** `**`, `_` and friends in a message are text, not markdown. */
const escapeMarkdown = (s: string) => s.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
const now = () => Date.now() / 1000;

function histo(tag: string, h: ValueHistogram): SummaryValue {
  return {
    tag,
    histo: { min: h.min, max: h.max, num: h.num, sum: h.sum, sum_squares: h.sumSquares, bucket_limit: h.bucketLimit, bucket: h.bucket },
  };
}

/**
 * Writes a run's figures as TensorBoard event files in `logdir`, one file per run: per-layer
 * scalars (`hidden1/maxAbs`, `hidden1/deadFraction`, `hidden1/updateRatio`…), `loss`,
 * `speed/msPerBatch`, `speed/examplesPerSecond`, `memory/numTensors`, the epoch logs as
 * `epoch_loss`, `epoch_val_loss`… at step epoch + 1 (as `tf.node.tensorBoard`), weight
 * histograms (`hidden1/kernel`), and the findings and the final report as text (`findings`, `run`).
 * Step figures are at the monitor's global step, from 0, as findings name them. A later run of
 * the same sink (a reused monitor's next fit) goes on from the earlier runs' last step and epoch,
 * so that its curves continue theirs in TensorBoard instead of being drawn over them.
 */
export class TensorBoardSink implements MonitorSink {
  readonly histogramEvery: number;
  readonly logdir: string;
  /** Every event file this sink has written, the current one last. */
  readonly files: string[] = [];
  private file: EventFile | null = null;
  private readonly window = new StepWindow();
  /** Steps and epochs of the earlier runs, added to this run's; null between runs (set at a run's first record). */
  private stepBase: number | null = null;
  private epochBase: number | null = null;
  /** The step after the last one of the runs that ended, and the last epoch step written. */
  private nextStep = 0;
  private lastEpoch = 0;

  constructor(private readonly options: Resolved) {
    this.logdir = options.logdir;
    this.histogramEvery = options.histogramEvery;
    ensureLogdir(options.logdir);
  }

  async step(r: StepRecord): Promise<void> {
    const step = this.global(r.at.step);
    this.window.add(step, r);
    const events: EventInput[] = [];
    const histograms = (r.histograms ?? []).flatMap((h) => (h.histogram ? [histo(h.weight, h.histogram)] : []));
    if (histograms.length > 0) events.push({ wallTime: now(), step, values: histograms });
    const every = this.options.updateFreq === 'batch' ? 1 : this.options.updateFreq;
    if (every !== 'epoch' && this.window.steps >= every) events.push(this.takeWindow());
    await this.write(events);
  }

  async epoch(r: EpochRecord): Promise<void> {
    const values: SummaryValue[] = [];
    for (const [key, value] of Object.entries(r.logs)) {
      if (key !== 'epoch' && Number.isFinite(value)) values.push({ tag: `epoch_${key}`, simple_value: value });
    }
    if (r.speed.batches > 0) values.push({ tag: 'epoch_msPerBatch', simple_value: r.speed.ms / r.speed.batches });
    if (r.speed.examplesPerSecond !== null) values.push({ tag: 'epoch_examplesPerSecond', simple_value: r.speed.examplesPerSecond });
    // tfjs counts a fit's epochs from 0, or from its initialEpoch: one that would not go past the
    // earlier runs' last epoch is shifted after it, once per run; one that does is kept as it is.
    this.epochBase ??= r.epoch + 1 > this.lastEpoch ? 0 : this.lastEpoch - r.epoch;
    const epoch = this.epochBase + r.epoch + 1;
    this.lastEpoch = Math.max(this.lastEpoch, epoch);
    const events: EventInput[] = [{ wallTime: now(), step: epoch, values }];
    if (this.options.updateFreq === 'epoch' && this.window.steps > 0) events.push(this.takeWindow());
    await this.write(events);
  }

  async finding(f: Finding): Promise<void> {
    const text = `**${f.kind}** [${f.action}] at ${describePosition(f)}: ${escapeMarkdown(f.message)}`;
    await this.write([{ wallTime: now(), step: this.global(f.step), values: [{ tag: 'findings', text }] }]);
  }

  /** The steps not yet written, the report as text; then the file is closed (a next run gets a new one). */
  async end(report: MonitorReport): Promise<void> {
    const events: EventInput[] = [];
    const last = this.window.lastStep ?? this.global(Math.max(0, report.steps - 1));
    if (this.window.steps > 0) events.push(this.takeWindow());
    // The next run starts after this one's steps (at least one past the last written here).
    this.nextStep = Math.max(this.nextStep, this.global(report.steps), last + 1);
    this.stepBase = this.epochBase = null;
    events.push({ wallTime: now(), step: last, values: [{ tag: 'run', text: '```\n' + formatReport(report) + '\n```' }] });
    try {
      await this.write(events);
    } finally {
      this.file?.close();
      this.file = null;
    }
  }

  /** A step of this run as the sink's global step: after the earlier runs' steps. */
  private global(step: number): number {
    this.stepBase ??= this.nextStep;
    return this.stepBase + step;
  }

  private takeWindow(): EventInput {
    const step = this.window.lastStep!;
    return { wallTime: now(), step, values: this.window.take() };
  }

  private async write(events: EventInput[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.file) {
      this.file = new EventFile(this.logdir, await loadEventEncoder());
      this.files.push(this.file.path);
    }
    this.file.write(events);
  }
}

/** A sink for `sinks: [...]` that writes TensorBoard event files; see TensorBoardSink. */
export function tensorBoardSink(options: TensorBoardOptions): TensorBoardSink {
  return new TensorBoardSink(parseOptions(tensorBoardOptions, options, 'tensorBoardSink options'));
}
