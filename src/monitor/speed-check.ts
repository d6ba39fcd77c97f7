import type { TrainingPosition } from '../core/findings.js';
import { fmt } from '../core/format-number.js';
import { describeChanges, diffDependencies } from '../deps/diff.js';
import type { Growth } from '../speed/growth.js';
import type { BatchGrowth } from '../speed/speed-recorder.js';
import type { BaselineKey } from '../speed/summary.js';
import type { RunState } from './run-state.js';

/** At the end of a run: records it as the speed baseline, or compares it with the recorded one. */
export function settleBaseline(run: RunState, key: BaselineKey): void {
  const options = run.options.speed.baseline;
  if (!options || !run.door.baselines) return;
  const unhealthy = run.findings.failing.length ? 'the run failed' : run.findings.stoppedBy ? 'the run was stopped early' : null;
  const summary = { ...run.speed.summary(key), dependencies: run.dependencies };
  run.baseline = run.door.baselines.settle(options, summary, unhealthy, run.door.logger);
  const regressions = run.baseline.comparison?.regressions ?? [];
  if (regressions.length === 0) return;
  const at = run.lastPosition ?? { epoch: run.epoch, batch: 0, step: 0 };
  const list = regressions
    .map((r) => `${r.metric} ${fmt(r.baseline!)} → ${fmt(r.run!)} (${r.change! >= 0 ? '+' : ''}${fmt(100 * r.change!)}%)`)
    .join(', ');
  run.findings.add('speed-regression', {
    kind: 'speed-regression',
    action: options.action,
    ...at,
    baselinePath: options.path,
    key: key,
    regressions,
    message: `slower or heavier than the baseline in ${options.path}: ${list}`,
    occurrences: 1,
    lastStep: at.step,
  });
}

/**
 * At the start of a run: reads the baseline file (a corrupt one fails now, not after hours of
 * training) and raises `dependency-change` when the baseline for this run's versions and backend
 * was recorded with other dependencies. With `record: true` that baseline is the one being replaced.
 */
export function checkBaselineDependencies(run: RunState, key: BaselineKey): void {
  const options = run.options.speed.baseline;
  if (!options || !run.door.baselines) return;
  const baseline = run.door.baselines.find(options.path, key);
  if (!baseline?.dependencies) return;
  const diff = diffDependencies(baseline.dependencies, run.dependencies);
  if (diff.same) return;
  const at = { epoch: run.epoch, batch: 0, step: 0 };
  const recorded = options.record ? 'the baseline this run replaces' : 'the baseline';
  run.findings.add('dependency-change', {
    kind: 'dependency-change',
    action: options.dependencyAction,
    ...at,
    baselinePath: options.path,
    key,
    changes: diff.changes,
    message: `dependencies differ from ${recorded} in ${options.path}: ${describeChanges(diff)}`,
    occurrences: 1,
    lastStep: 0,
  });
}

/** Tensor leaks and memory growth, from the trend over the leak window. */
export function recordGrowth(run: RunState, at: TrainingPosition, growth: BatchGrowth): void {
  const leak = run.options.speed.leak;
  const report = (kind: 'tensor-leak' | 'memory-growth', figure: 'numTensors' | 'numBytes', g: Growth, tolerance: number) => {
    if (run.findings.seenAgain(kind, at)) return;
    const unit = figure === 'numTensors' ? 'tensors' : 'tensor bytes';
    run.findings.add(kind, {
      kind,
      action: leak.action,
      ...at,
      figure,
      ...g,
      tolerance,
      message:
        `${unit} grew from ${g.from} to ${g.to} over the last ${g.window} batches ` +
        `(${fmt(g.perBatch)} per batch, rising at ${g.rises} of them; tolerance ${tolerance} per batch)`,
      occurrences: 1,
      lastStep: at.step,
    });
  };
  if (growth.tensors) report('tensor-leak', 'numTensors', growth.tensors, leak.tensorsPerBatch);
  else if (growth.bytes) report('memory-growth', 'numBytes', growth.bytes, leak.bytesPerBatch);
}
