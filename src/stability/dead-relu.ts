import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';
import type { FindingBase, TrainingPosition } from '../core/findings.js';
import { fmt } from '../core/format-number.js';

/** `deadRelu` options; `probe` is validated by the caller, which knows what a tensor is. */
export function deadReluOptions<P extends z.ZodType>(probe: P) {
  return z
    .object({
      /**
       * A fixed batch of inputs (or one tensor per model input) run through the ReLU layers. Default:
       * none, and dead units are measured on the training batches themselves, at no extra forward pass.
       */
      probe: probe.optional(),
      /** Measure every this many batches (global steps, counted from the first batch). Default 100. */
      every: z.number().int().positive().default(100),
      /** A layer with more than this fraction of dead units is reported. Default 0.5. */
      maxDeadFraction: z.number().min(0).max(1).default(0.5),
      /** Default 'warn'. */
      action: z.enum(ACTIONS).default('warn'),
    })
    .strict();
}

export interface DeadReluFinding extends FindingBase {
  kind: 'dead-relu';
  layer: string;
  /** Fraction of units that output 0 for every measured example. */
  deadFraction: number;
  deadUnits: number;
  units: number;
  /** Fraction of all activations that are 0. */
  zeroFraction: number;
  maxDeadFraction: number;
  /** Examples measured: the probe batch, or the training examples since the previous measure. */
  probeSize: number;
  source: 'probe' | 'training';
}

/** One ReLU layer's measured activations. */
export interface ReluMeasure {
  layer: string;
  deadUnits: number;
  units: number;
  deadFraction: number;
  zeroFraction: number;
}

/** The finding for a layer with too many dead units, or null when it is within the limit. */
export function judgeDeadRelu(
  m: ReluMeasure,
  limits: { maxDeadFraction: number; action: DeadReluFinding['action'] },
  examples: number,
  source: DeadReluFinding['source'],
): Omit<DeadReluFinding, keyof TrainingPosition | 'occurrences' | 'lastStep'> | null {
  if (m.deadFraction <= limits.maxDeadFraction) return null;
  return {
    kind: 'dead-relu',
    action: limits.action,
    layer: m.layer,
    deadFraction: m.deadFraction,
    deadUnits: m.deadUnits,
    units: m.units,
    zeroFraction: m.zeroFraction,
    maxDeadFraction: limits.maxDeadFraction,
    probeSize: examples,
    source,
    message:
      `layer '${m.layer}': ${fmt(100 * m.deadFraction)}% of its units are dead (${m.deadUnits} of ${m.units} output 0 ` +
      `for all ${examples} ${source === 'probe' ? 'probe examples' : 'training examples since the last measure'}), ` +
      `above maxDeadFraction ${limits.maxDeadFraction}`,
  };
}
