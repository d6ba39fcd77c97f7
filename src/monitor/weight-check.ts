import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingPosition } from '../core/findings.js';
import { countOutsideOnDevice } from '../inspect/device-reduce.js';
import { inspectRanges, inspectRangesWithHistograms } from '../inspect/inspect-tensor.js';
import { readValuesSync } from '../inspect/read-values.js';
import { countOutside } from '../inspect/scan.js';
import type { TensorRange } from '../inspect/tensor-health.js';
import { describeSpike } from '../stability/loss-spikes.js';
import { describeNonFinite, describeOrigin, findNonFinite, type KernelFault, type NamedRange, type NonFiniteValues } from '../stability/non-finite.js';
import { describeBreach, type BoundBreach } from '../stability/weight-bounds.js';
import { numberRange, valueOf } from '../tfjs/fit-logs.js';
import { replayForFault } from '../tfjs/replay.js';
import type { RunState } from './run-state.js';
import { maybeMeasureUpdates, maybeSnapshot } from './snapshots.js';

/** A loss value as a loop or a fit log gives it. */
export interface LossEntry {
  key: string;
  value: number | tf.Scalar;
}

/** A gradient, by the name of its variable (as `tf.variableGrads` keys them). */
export interface GradEntry {
  name: string;
  tensor: tf.Tensor;
}

const rangesOf = (entries: readonly LossEntry[], read: TensorRange[]) =>
  entries.map((l) => (typeof l.value === 'number' ? numberRange(l.value) : read.shift()!));

/** Non-finite losses only (epoch and validation logs): no weights read. */
export async function checkLosses(run: RunState, at: TrainingPosition, losses: readonly LossEntry[], epochEnd: boolean): Promise<void> {
  if (losses.length === 0) return;
  const tensors = losses.flatMap((l) => (typeof l.value === 'number' ? [] : [l.value]));
  const ranges = rangesOf(losses, await inspectRanges(tensors, run.strategy));
  const main = ranges[losses.findIndex((l) => l.key === 'loss')];
  if (main) run.lastLoss = valueOf(main);
  const bad = findNonFinite(losses.map((l, i) => ({ weight: l.key, range: ranges[i]!, role: 'loss' })));
  if (bad.length > 0) await recordNonFinite(run, at, bad, [], epochEnd);
}

/** The step's check: losses, gradients and every weight in one pass; then bounds, snapshots, ratios. */
export async function checkStep(run: RunState, at: TrainingPosition, losses: readonly LossEntry[], grads: readonly GradEntry[]): Promise<void> {
  run.lastCheckedStep = at.step;
  run.checks++;
  const lossTensors = losses.flatMap((l) => (typeof l.value === 'number' ? [] : [l.value]));
  const weightTensors = run.weights.map((w) => w.read());
  // One pass (or one device read-back) for the losses, the gradients and every weight together;
  // on a histogram step the weights' pass gives their histograms too (still one read each).
  const histograms = run.sinks.histogramsDue(at.step);
  const read = await inspectRanges([...lossTensors, ...grads.map((g) => g.tensor), ...(histograms ? [] : weightTensors)], run.strategy);
  if (histograms) {
    const scanned = inspectRangesWithHistograms(weightTensors);
    read.push(...scanned.map((s) => s.range));
    run.sinks.setHistograms(at.step, scanned.map((s, i) => ({ layer: run.weights[i]!.layer, weight: run.weights[i]!.weight, histogram: s.histogram })));
  }
  const lossRanges = rangesOf(losses, read.splice(0, lossTensors.length));
  const gradRanges = read.splice(0, grads.length);
  const weightNamed: NamedRange[] = run.weights.map((w, i) => ({ layer: w.layer, weight: w.weight, range: read[i]!, role: 'weight' }));
  const main = lossRanges[losses.findIndex((l) => l.key === 'loss')];
  if (main) {
    run.lastLoss = valueOf(main);
    run.loss.add({ step: at.step, toStep: at.step, min: run.lastLoss, max: run.lastLoss });
    detectSpike(run, at, run.lastLoss);
  }
  const nonFinite = findNonFinite([
    ...losses.map((l, i): NamedRange => ({ weight: l.key, range: lossRanges[i]!, role: 'loss' })),
    ...grads.map((g, i): NamedRange => ({ ...gradientName(run, g.name), range: gradRanges[i]!, role: 'gradient' })),
    ...weightNamed,
  ]);
  run.lastCheckFinite = !nonFinite.some((v) => v.layer !== undefined && !v.gradient);
  if (nonFinite.length > 0) await recordNonFinite(run, at, nonFinite, weightNamed, false);
  for (const breach of run.bounds.breaches(weightNamed.map((w) => w.range))) {
    await recordBreach(run, at, breach, weightTensors[breach.weight]!, weightNamed[breach.weight]!.range);
  }
  if (nonFinite.length === 0) {
    await maybeSnapshot(run, at);
    await maybeMeasureUpdates(run, at);
  }
  weightNamed.forEach(({ range: h }, i) => {
    if (h.min === null || h.max === null) return;
    run.measure(run.layerOfWeight[i]!, (p) => {
      p.min = Math.min(p.min ?? Infinity, h.min!);
      p.max = Math.max(p.max ?? -Infinity, h.max!);
      p.maxAbs = Math.max(p.maxAbs ?? 0, -h.min!, h.max!);
    });
  });
}

/** A gradient's variable, named as the report names weights (`dense_1/kernel`), with its layer. */
function gradientName(run: RunState, name: string): { layer?: string; weight: string } {
  const w = run.weights.find((w) => w.read().name === name || w.weight === name);
  return w ? { layer: w.layer, weight: w.weight } : { weight: name };
}

async function locate(run: RunState): Promise<{ origin: KernelFault | null; replayed: boolean; originError?: string }> {
  if (run.trap) return { origin: run.trap.fault, replayed: false };
  const probe = run.options.deadRelu?.probe;
  if (run.locateMode() !== 'on-detect' || !probe || !run.snapshot || !run.target.model) return { origin: null, replayed: false };
  try {
    return { origin: await replayForFault(run.target.model, probe, run.weights, run.snapshot), replayed: true };
  } catch (e) {
    // Attribution is best-effort: its failure must never hide the finding it was attributing.
    return { origin: null, replayed: false, originError: (e as Error)?.message ?? String(e) };
  }
}

async function recordNonFinite(run: RunState, at: TrainingPosition, affected: NonFiniteValues[], weights: NamedRange[], epochEnd: boolean): Promise<void> {
  run.nonFiniteSinceRelu = true;
  if (run.findings.seenAgain('non-finite', at)) return;
  const { origin, replayed, originError } = await locate(run);
  const { message, largestWeight } = describeNonFinite(affected, weights);
  const action = run.options.nonFinite.action;
  // Also at the final check: training is over, but the model must still be left finite.
  const snapshot = action === 'rollback-and-stop' ? run.snapshot : null;
  if (snapshot) snapshot.restore(run.weights);
  const restored = snapshot
    ? `; rolled back to the weights of ${snapshot.step < 0 ? 'the start of training' : `step ${snapshot.step}`}, the last that passed the checks`
    : '';
  run.findings.add('non-finite', {
    kind: 'non-finite',
    action,
    ...at,
    ...affected[0]!,
    affected,
    ...(largestWeight ? { largestWeight } : {}),
    ...(snapshot ? { rolledBackTo: snapshot.step } : {}),
    ...(origin ? { origin } : {}),
    ...(originError ? { originError } : {}),
    message: (epochEnd ? `${message}, in the logs of the epoch that ended at this batch` : message) + describeOrigin(origin, replayed, originError) + restored,
    occurrences: 1,
    lastStep: at.step,
  });
}

async function recordBreach(run: RunState, at: TrainingPosition, breach: BoundBreach, tensor: tf.Tensor, range: TensorRange): Promise<void> {
  const key = `weight-bound:${breach.rule}:${breach.weight}:${breach.bound}`;
  if (run.findings.seenAgain(key, at)) return;
  const outside =
    run.strategy === 'scan' ? countOutside(readValuesSync(tensor), breach.lo, breach.hi) : await countOutsideOnDevice(tensor, breach.lo, breach.hi);
  const w = run.weights[breach.weight]!;
  run.findings.add(key, {
    kind: 'weight-bound',
    action: breach.action,
    ...at,
    layer: w.layer,
    weight: w.weight,
    bound: breach.bound,
    observed: breach.observed,
    limit: breach.limit,
    fractionOutOfBounds: range.size > 0 ? outside / range.size : 0,
    rule: breach.rule,
    message: describeBreach(w, breach, outside, range.size),
    occurrences: 1,
    lastStep: at.step,
  });
}

function detectSpike(run: RunState, at: TrainingPosition, loss: number): void {
  const spike = run.spikeDetector.add(loss);
  if (!spike) return;
  if (run.spikes.length < 1000) run.spikes.push({ ...at, loss, ...spike });
  const action = run.options.lossSpike.action;
  if (!action || run.findings.seenAgain('loss-spike', at)) return;
  run.findings.add('loss-spike', {
    kind: 'loss-spike',
    action,
    ...at,
    loss,
    ...spike,
    message: describeSpike(loss, spike, run.options.lossSpike.window),
    occurrences: 1,
    lastStep: at.step,
  });
}
