import { resolveStrategy } from '../inspect/inspect-tensor.js';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedOptions } from './options.js';
import type { MonitorRun } from './run.js';
import type { MonitorReport } from './run-report.js';

/** The run as plain JSON: status, findings, per-layer timelines, speed and memory. */
export function buildReport(run: MonitorRun | null, options: ResolvedOptions): MonitorReport {
  if (!run) {
    return {
      status: 'healthy',
      backend: tf.getBackend(),
      strategy: resolveStrategy(options.strategy),
      startedAt: '',
      endedAt: null,
      epochs: 0,
      steps: 0,
      checks: 0,
      probes: 0,
      lastLoss: null,
      loss: [],
      epochLogs: [],
      lossSpikes: [],
      stoppedAt: null,
      findings: [],
      layers: [],
      speed: null,
    };
  }
  const s = run.state;
  const stopped = s.findings.stoppedBy;
  return {
    status: s.findings.status(),
    backend: s.backend,
    strategy: s.strategy,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    epochs: s.epochs,
    steps: s.step,
    checks: s.checks,
    probes: s.probes,
    lastLoss: s.lastLoss,
    loss: s.loss.toArray(),
    epochLogs: s.epochLogs.map((e) => ({ ...e })),
    lossSpikes: s.spikes.map((x) => ({ ...x })),
    stoppedAt: stopped ? { epoch: stopped.epoch, batch: stopped.batch, step: stopped.step, kind: stopped.kind } : null,
    findings: s.findings.all.map((f) => structuredClone(f)),
    layers: s.layers
      .map((l, i) => ({
        name: l.name,
        className: l.className,
        weights: l.weights.map((w) => w.weight),
        relu: s.reluLayers.has(i),
        last: { ...s.last[i]! },
        timeline: s.timelines[i]!.toJSON(),
      }))
      .filter((l) => l.weights.length > 0 || l.relu),
    dependencies: structuredClone(s.dependencies),
    speed: { ...s.speed.report(run.baselineKey()), baseline: s.baseline },
  };
}
