import { z } from 'zod';
import { ACTIONS } from '../core/actions.js';
import type { FindingBase, TrainingPosition } from '../core/findings.js';
import { fmt } from '../core/format-number.js';

/**
 * `updateRatio` options: ‖ΔW‖/‖W before the update‖ per layer, the ratio cs231n and SageMaker
 * Debugger watch (healthy training sits near 1e-3). Off unless given.
 */
export const updateRatioOptions = z
  .object({
    /** Below this, the layer is not learning. Default 1e-8. */
    min: z.number().nonnegative().default(1e-8),
    /** Above this, an update moves the weights by more than their own size: divergence ahead. Default 10 (SageMaker Debugger's rule). */
    max: z.number().positive().default(10),
    /** Measure every this many checks (each measure keeps a copy of the weights until the next). Default 1: every update. */
    every: z.number().int().positive().default(1),
    /** Default 'warn'. */
    action: z.enum(ACTIONS).default('warn'),
  })
  .strict();
export type ResolvedUpdateRatioOptions = z.output<typeof updateRatioOptions>;

/** A layer whose weights move too much (divergence ahead) or not at all (frozen) per update. */
export interface UpdateRatioFinding extends FindingBase {
  kind: 'update-ratio';
  layer: string;
  /** ‖ΔW‖/‖W before‖ per update, averaged over the `steps` updates since the previous measure. */
  perStep: number;
  steps: number;
  bound: 'min' | 'max';
  limit: number;
}

type Judged = Omit<UpdateRatioFinding, keyof TrainingPosition | 'occurrences' | 'lastStep'>;

/**
 * ‖W_now − W_before‖ / ‖W_before‖ over `steps` updates, per update. A layer whose weights were
 * all 0 before has no scale to compare with: 0 when nothing moved, Infinity when it did.
 */
export function ratioPerUpdate(deltaNorm: number, beforeNorm: number, steps: number): number {
  const ratio = beforeNorm > 0 ? deltaNorm / beforeNorm : deltaNorm > 0 ? Infinity : 0;
  return ratio / Math.max(1, steps);
}

/** The finding for a layer outside [min, max], or null. */
export function judgeUpdateRatio(layer: string, perStep: number, steps: number, rule: ResolvedUpdateRatioOptions): Judged | null {
  const bound = perStep > rule.max ? 'max' : perStep < rule.min ? 'min' : null;
  if (!bound) return null;
  const limit = bound === 'max' ? rule.max : rule.min;
  return {
    kind: 'update-ratio',
    action: rule.action,
    layer,
    perStep,
    steps,
    bound,
    limit,
    message:
      `layer '${layer}': ‖ΔW‖/‖W‖ = ${fmt(perStep)} per update over the last ${steps} update(s), ` +
      `${bound === 'max' ? 'above' : 'below'} ${fmt(limit)}${bound === 'min' ? ': the layer is not learning' : ': divergence ahead'}`,
  };
}
