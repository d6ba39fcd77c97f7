import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';
import type { FindingBase } from '../core/findings.js';
import { fmt } from '../core/format-number.js';

/** `lossSpike` options. Spikes are always recorded in the report; a finding only when `action` is given. */
export const lossSpikeOptions = z
  .object({
    /** Checks the mean and spread are taken over. Default 50. */
    window: z.number().int().min(5).default(50),
    /** How many standard deviations above the mean a spike is. Default 4. */
    sigmas: z.number().positive().default(4),
    /** How many times the mean a spike is, at least. Default 1.5. */
    minRatio: z.number().min(1).default(1.5),
    /** Default: none (recorded, not a finding). */
    action: z.enum(ACTIONS).optional(),
  })
  .strict();

/** The loss jumped far above its recent average: an early warning, before anything is non-finite. */
export interface LossSpikeFinding extends FindingBase {
  kind: 'loss-spike';
  loss: number;
  mean: number;
  std: number;
}

export function describeSpike(loss: number, spike: { mean: number; std: number }, window: number): string {
  return `the loss jumped to ${fmt(loss)}, against a mean of ${fmt(spike.mean)} ± ${fmt(spike.std)} over the last ${window} checks`;
}

/** A batch whose loss jumped far above its recent average, before anything is non-finite. */
export interface LossSpike {
  step: number;
  epoch: number;
  batch: number;
  loss: number;
  /** Mean and standard deviation of the losses of the window before it. */
  mean: number;
  std: number;
}

/**
 * Early warning in the manner of Lightning's SpikeDetection: a loss is a spike when it exceeds
 * the mean of the last `window` losses by `sigmas` standard deviations and by `minRatio` times.
 * Both conditions, so that the normal noise of minibatch losses never counts.
 */
export class LossSpikeDetector {
  private readonly recent: number[] = [];

  constructor(
    private readonly window: number,
    private readonly sigmas: number,
    private readonly minRatio: number,
  ) {}

  /** Judges `loss` against the window before it, then adds it (a non-finite loss is not added). */
  add(loss: number): { mean: number; std: number } | null {
    if (!Number.isFinite(loss)) return null;
    let spike: { mean: number; std: number } | null = null;
    if (this.recent.length === this.window) {
      const mean = this.recent.reduce((a, b) => a + b, 0) / this.window;
      const std = Math.sqrt(this.recent.reduce((a, b) => a + (b - mean) ** 2, 0) / this.window);
      if (loss > mean + this.sigmas * std && loss > this.minRatio * mean) spike = { mean, std };
    }
    this.recent.push(loss);
    if (this.recent.length > this.window) this.recent.shift();
    return spike;
  }
}
