import type { TrainingPosition } from '../core/findings.js';
import { judgeUpdateRatio, ratioPerUpdate } from '../stability/update-ratio.js';
import { WeightSnapshot } from '../tfjs/weight-snapshot.js';
import type { RunState } from './run-state.js';

/** The copies a run starts with: the initial weights, for rollback, replays and the first update ratio. */
export function takeInitialSnapshots(run: RunState): void {
  if (run.needsSnapshots()) run.snapshot = WeightSnapshot.take(run.weights, -1);
  if (run.options.updateRatio) run.ratioBase = WeightSnapshot.take(run.weights, -1);
}

/** Every `snapshotEvery` checks that passed, a new copy of the weights replaces the last one. */
export async function maybeSnapshot(run: RunState, at: TrainingPosition): Promise<void> {
  if (!run.snapshot || ++run.checksSinceSnapshot < run.options.snapshotEvery) return;
  run.checksSinceSnapshot = 0;
  run.snapshot.dispose();
  run.snapshot = WeightSnapshot.take(run.weights, at.step);
}

/**
 * Every `updateRatio.every` checks that passed: per layer, ‖W − W before‖/‖W before‖ per update
 * since the last measure, judged against [min, max]; then the current weights become the base.
 */
export async function maybeMeasureUpdates(run: RunState, at: TrainingPosition): Promise<void> {
  const rule = run.options.updateRatio;
  if (!rule || !run.ratioBase || ++run.checksSinceRatio < rule.every) return;
  run.checksSinceRatio = 0;
  const steps = at.step - run.ratioBase.step;
  const layers = run.layers
    .map((l, index) => ({ index, weights: l.weights.flatMap((w) => (w.trainable ? [run.weights.indexOf(w)] : [])) }))
    .filter((l) => l.weights.length > 0);
  const norms = await run.ratioBase.changeNorms(run.weights, layers.map((l) => l.weights));
  layers.forEach(({ index }, k) => {
    const perStep = ratioPerUpdate(norms[k]!.delta, norms[k]!.before, steps);
    run.measure(index, (p) => (p.updateRatio = perStep));
    const layer = run.layers[index]!.name;
    const judged = judgeUpdateRatio(layer, perStep, steps, rule);
    if (!judged) return;
    const key = `update-ratio:${layer}:${judged.bound}`;
    if (run.findings.seenAgain(key, at)) return;
    run.findings.add(key, { ...judged, ...at, occurrences: 1, lastStep: at.step });
  });
  run.ratioBase.dispose();
  run.ratioBase = WeightSnapshot.take(run.weights, at.step);
}

/** Frees every copy the run holds. */
export function disposeSnapshots(run: RunState): void {
  run.snapshot?.dispose();
  run.snapshot = null;
  run.ratioBase?.dispose();
  run.ratioBase = null;
}
