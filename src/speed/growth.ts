/** Sustained growth of a figure over a window of batches. */
export interface Growth {
  /** Net growth over the window divided by the batches it spans. */
  perBatch: number;
  /** Batches at which the figure rose. */
  rises: number;
  from: number;
  to: number;
  window: number;
}

/**
 * Whether `samples` (one per batch, oldest first) keep growing: the net growth per batch exceeds
 * `tolerance` and the figure rose at least at `max(3, window / 10)` separate batches. The second
 * condition tells a leak from a one-time allocation, such as Adam creating its slots at the
 * first step, which is a single rise however large.
 */
export function sustainedGrowth(samples: readonly number[], tolerance: number): Growth | null {
  const window = samples.length;
  if (window < 2) return null;
  let rises = 0;
  for (let i = 1; i < window; i++) if (samples[i]! > samples[i - 1]!) rises++;
  const from = samples[0]!;
  const to = samples[window - 1]!;
  const perBatch = (to - from) / (window - 1);
  if (perBatch <= tolerance || rises < Math.max(3, Math.ceil(window / 10))) return null;
  return { perBatch, rises, from, to, window };
}
