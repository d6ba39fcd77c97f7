import type { TrainingPosition } from '../core/findings.js';
import { inspectRanges } from '../inspect/inspect-tensor.js';
import { nonFiniteCount } from '../inspect/tensor-health.js';
import { judgeDeadRelu } from '../stability/dead-relu.js';
import { DeadReluProbe } from '../tfjs/dead-relu-probe.js';
import { TrainingBatchRelu } from '../tfjs/relu-batch-watch.js';
import type { RunState } from './run-state.js';

/** Sets up what measures dead units: the probe (a model is needed), else the training batches' own ReLU outputs. */
export function installRelu(run: RunState): void {
  const options = run.options.deadRelu;
  if (!options) return;
  const model = run.target.model;
  run.relu = options.probe && model ? DeadReluProbe.build(model, options.probe) : TrainingBatchRelu.install(run.layers);
  run.reluLayers = new Set((run.relu?.layers ?? []).flatMap((layer) => run.layerIndex.get(layer) ?? []));
  if (!run.relu) {
    run.door.logger.warn(
      { event: 'tfjs-monitor.no-relu' },
      'deadRelu: the model has no ReLU layers (relu/relu6 activation on Dense, Conv or Activation layers, ' +
        'or a ReLU layer), so the dead-ReLU check is off for this run',
    );
  }
}

/** Whether every weight is finite now: from this step's check when there was one, else by a scan. */
async function weightsFinite(run: RunState, at: TrainingPosition): Promise<boolean> {
  if (run.lastCheckedStep === at.step) return run.lastCheckFinite;
  const ranges = await inspectRanges(run.weights.map((w) => w.read()), run.strategy);
  return ranges.every((r) => nonFiniteCount(r) === 0);
}

/**
 * Measures dead units and reports layers above the limit. Not on non-finite weights, nor on
 * activations gathered since a NaN appeared: wasm's ReLU maps NaN to 0, which would read as dead.
 */
export async function measureRelu(run: RunState, at: TrainingPosition): Promise<void> {
  const relu = run.relu;
  const options = run.options.deadRelu;
  if (!relu || !options) return;
  const tainted = run.nonFiniteSinceRelu || !(await weightsFinite(run, at));
  run.nonFiniteSinceRelu = false;
  if (tainted) {
    if (relu instanceof TrainingBatchRelu) relu.reset();
    return;
  }
  run.probes++;
  const stats = await relu.measure();
  const source = relu instanceof TrainingBatchRelu ? 'training' : 'probe';
  const examples = relu instanceof TrainingBatchRelu ? relu.lastSize : relu.probeSize;
  for (const s of stats) {
    const index = run.layerIndex.get(s.layer);
    if (index === undefined) continue;
    run.measure(index, (p) => {
      p.deadFraction = Math.max(p.deadFraction ?? 0, s.deadFraction);
      p.zeroFraction = Math.max(p.zeroFraction ?? 0, s.zeroFraction);
    });
    const layer = run.layers[index]!.name + s.node;
    const judged = judgeDeadRelu({ ...s, layer }, options, examples, source);
    if (!judged) continue;
    const key = `dead-relu:${layer}`;
    if (run.findings.seenAgain(key, at)) continue;
    run.findings.add(key, { ...judged, ...at, occurrences: 1, lastStep: at.step });
  }
}

/** Gives back what dead-unit measuring installed. The probe model is dropped, never disposed: it shares the weights. */
export function releaseRelu(run: RunState): void {
  if (run.relu instanceof TrainingBatchRelu) run.relu.uninstall();
  run.relu = null;
}
