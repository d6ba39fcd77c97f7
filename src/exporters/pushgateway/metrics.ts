import type { FindingKind } from '../../monitor/findings.js';
import { TRAINING_FINDING_KINDS } from '../../core/finding-kinds.js';

/** Every kind of finding, so that each is pushed (0 when none): `> 0` alerts need no absent(). */
export const KINDS = TRAINING_FINDING_KINDS;

export const PREFIX = 'tfjs_monitor_training_';

/** What one push carries. */
export interface PushedFigures {
  findings: Map<FindingKind, number>;
  epochs: number;
  steps: number;
  examplesPerSecond: number | null;
  peakTensors: number | null;
  /** At the end only: which of the two timestamps this run sets. */
  outcome: 'success' | 'failure' | null;
}

/** The metrics of one push, in a fresh prom-client registry. */
export function fillRegistry(client: typeof import('prom-client'), figures: PushedFigures): import('prom-client').Registry {
  const registry = new client.Registry();
  const gauge = (name: string, help: string, value: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    new client.Gauge({ name: PREFIX + name, help, registers: [registry] }).set(value);
  };
  const findings = new client.Gauge({
    name: `${PREFIX}findings`,
    help: 'Findings of the training run so far, by kind (each distinct problem once).',
    labelNames: ['kind'],
    registers: [registry],
  });
  for (const kind of KINDS) findings.set({ kind }, figures.findings.get(kind) ?? 0);
  gauge('epochs', 'Epochs the training run has completed.', figures.epochs);
  gauge('steps', 'Training steps (batches) the run has taken.', figures.steps);
  gauge('examples_per_second', "Training throughput: the last epoch's, and at the end the run's median over batches.", figures.examplesPerSecond);
  gauge('peak_tensors', 'The most tensors tfjs held at once during the run.', figures.peakTensors);
  const now = Date.now() / 1000;
  if (figures.outcome === 'success') gauge('last_success_timestamp_seconds', 'Unix time at which the training run last ended without a failing or stopping finding.', now);
  if (figures.outcome === 'failure') gauge('last_failure_timestamp_seconds', 'Unix time at which a training run last failed, was stopped by a finding, or aborted.', now);
  return registry;
}
