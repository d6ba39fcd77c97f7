import type { TrainingPosition } from '../core/findings.js';
import { fmt } from '../core/format-number.js';
import type { Growth } from '../speed/growth.js';
import type { BatchGrowth } from '../speed/speed-recorder.js';
import type { BaselineKey } from '../speed/summary.js';
import type { RunState } from './run-state.js';

/** At the end of a run: records it as the speed baseline, or compares it with the recorded one. */
export function settleBaseline(run: RunState, key: BaselineKey): void {
  const options = run.options.speed.baseline;
  if (!options || !run.door.baselines) return;
  const unhealthy = run.findings.failing.length ? 'the run failed' : run.findings.stoppedBy ? 'the run was stopped early' : null;
  run.baseline = run.door.baselines.settle(options, run.speed.summary(key), unhealthy, run.door.logger);
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
