import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParityReport } from '../../src/parity/check-parity.js';
import type { FeatureDrift, QualityReport } from '../../src/quality/report-types.js';
import type { SpeedSummary } from '../../src/speed/summary.js';
import type { MonitorReport } from '../../src/monitor/run-report.js';
import type { StalenessReport } from '../../src/staleness/staleness-report.js';

// Typed fixtures: when a report type changes, tsc points here, so the files the tests feed the
// CLI stay what the library really writes.

export const tempDir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-cli-'));

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

export const KEY = { codeVersion: 'c1', modelVersion: 'm1', dataVersion: 'd1', backend: 'cpu' };

export function speedSummary(overrides: Partial<SpeedSummary> = {}): SpeedSummary {
  return {
    key: { ...KEY },
    batches: 40,
    msPerBatch: { median: 3, p95: 6, mean: 3.5 },
    examplesPerSecond: 10_000,
    epochs: [{ epoch: 0, ms: 140, batches: 40, examples: 1280, examplesPerSecond: 9142.86 }],
    memory: { peakNumTensors: 16, peakNumBytes: 6_000_000, endNumTensors: 14, endNumBytes: 5_900_000, peakRss: 3e8, peakHeapUsed: 5e7 },
    ...overrides,
  };
}

const at = { epoch: 0, batch: 3, step: 3 };

/** A run with one finding of every kind, as `monitor.saveReport()` writes it. */
export function monitorReport(): MonitorReport {
  const summary = speedSummary();
  const rows = [{ metric: 'examples/s (median)', baseline: 10_000, run: 5_000, change: -0.5, better: 'higher' as const, tolerance: 0.2, regressed: true }];
  return {
    status: 'warned',
    backend: 'cpu',
    strategy: 'scan',
    startedAt: '2026-11-20T10:00:00.000Z',
    endedAt: '2026-11-20T10:01:00.000Z',
    epochs: 1,
    steps: 40,
    checks: 40,
    probes: 4,
    lastLoss: 0.31,
    loss: [
      { step: 0, toStep: 0, min: 2.3, max: 2.3 },
      { step: 1, toStep: 3, min: 0.3, max: 1.9 },
    ],
    epochLogs: [{ epoch: 0, loss: 0.5, acc: 0.8 }],
    lossSpikes: [{ ...at, loss: 9, mean: 1, std: 0.1 }],
    stoppedAt: null,
    findings: [
      { kind: 'non-finite', ...at, action: 'warn', message: 'NaN', occurrences: 1, lastStep: 3, weight: 'loss', nanCount: 1, infCount: 0, size: 1,
        affected: [{ weight: 'loss', nanCount: 1, infCount: 0, size: 1 }, { layer: 'dense', weight: 'dense/kernel', gradient: true, nanCount: 1, infCount: 0, size: 9 }], largestWeight: { layer: 'dense', weight: 'dense/kernel', maxAbs: 12 },
        origin: { kernel: 'Log', pass: 'forward', layerClass: null, inputsFinite: true, nanCount: 1, infCount: 0, size: 1 }, originError: undefined },
      { kind: 'weight-bound', ...at, action: 'warn', message: 'too big', occurrences: 2, lastStep: 9, layer: 'dense', weight: 'dense/kernel',
        bound: 'maxAbs', observed: 3, limit: 2, fractionOutOfBounds: 0.01, rule: 0 },
      { kind: 'dead-relu', ...at, action: 'warn', message: 'dead', occurrences: 1, lastStep: 3, layer: 'dense', deadFraction: 0.9, deadUnits: 29,
        units: 32, zeroFraction: 0.95, maxDeadFraction: 0.5, probeSize: 32, source: 'probe' },
      { kind: 'tensor-leak', ...at, action: 'warn', message: 'leak', occurrences: 1, lastStep: 3, figure: 'numTensors', perBatch: 1, tolerance: 0.1,
        rises: 40, from: 10, to: 50, window: 50 },
      { kind: 'speed-regression', ...at, action: 'warn', message: 'slower', occurrences: 1, lastStep: 3, baselinePath: 'b.json', key: { ...KEY }, regressions: rows },
      { kind: 'update-ratio', ...at, action: 'warn', message: 'frozen', occurrences: 1, lastStep: 3, layer: 'dense', perStep: 1e-9, steps: 10, bound: 'min', limit: 1e-6 },
      { kind: 'loss-spike', ...at, action: 'warn', message: 'spike', occurrences: 1, lastStep: 3, loss: 9, mean: 1, std: 0.1 },
    ],
    layers: [
      { name: 'dense', className: 'Dense', weights: ['dense/kernel', 'dense/bias'], relu: true, last: { min: -1, max: 1, maxAbs: 1, deadFraction: 0.9, zeroFraction: 0.95 },
        timeline: [{ step: 0, toStep: 0, epoch: 0, batch: 0, min: -1, max: 1, maxAbs: 1, deadFraction: 0.1 }] },
    ],
    speed: {
      ...summary,
      monitor: { batches: 40, msPerBatch: { median: 0.2, mean: 0.25, p95: 0.4 }, shareOfStep: 0.08 },
      memorySeries: [{ step: 0, numTensors: 16, numBytes: 6_000_000, rss: 3e8 }],
      batchTimeSeries: [{ step: 0, toStep: 0, meanMs: 3, maxMs: 3 }],
      baseline: { path: 'b.json', status: 'compared', comparison: { rows, regressions: rows } },
    },
  };
}

export function stalenessReport(): StalenessReport {
  return {
    model: 'ranker',
    now: '2026-11-20T12:00:00.000Z',
    stages: ['data_snapshot', 'deploy'],
    production: {
      version: 'v1', lastStage: 'deploy', lastStageAt: '2026-11-11T00:00:00.000Z', ageMs: 1, deployedAt: '2026-11-11T00:00:00.000Z', deployedAgeMs: 1, modelAgeMs: 2,
      stages: [{ stage: 'deploy', at: '2026-11-11T00:00:00.000Z', ageMs: 1 }],
    },
    inFlight: [],
    perStage: [{ stage: 'deploy', lastSuccess: '2026-11-11T00:00:00.000Z', version: 'v1', ageMs: 1, sloMs: 3_600_000, stalled: true }],
    problems: [],
    stalled: [{ kind: 'stage-stalled', model: 'ranker', version: 'v2', stage: 'deploy', ageMs: 1, sloMs: 1, waitingSince: '2026-11-11T00:00:00.000Z', message: 'stalled' }],
  };
}

export function parityReport(): ParityReport {
  const side = (path: string) => ({ path, records: 3, malformed: { count: 0, lines: [] }, duplicateIds: 0, fingerprints: { fp1: 3 }, violations: { records: 0, rate: 0, fields: {} } });
  return {
    training: side('training.jsonl'),
    serving: side('serving.jsonl'),
    empty: false,
    ids: { joined: 3, trainingOnly: 0, servingOnly: 0, sampleTrainingOnly: [], sampleServingOnly: [] },
    fingerprintMismatches: { records: 0, servingFingerprints: ['fp1'], trainingFingerprints: ['fp1'] },
    features: [{ feature: 'price', base: 3, test: 3, match: 2, mismatch: 1, baseOnly: 0, testOnly: 0, mismatchRate: 1 / 3, skewed: true, examples: [
      { id: 'o1', training: 1, serving: [2, 3] },
      { id: 'o2', training: 'a'.repeat(100), serving: 'b', cut: { training: { length: 5000, from: 10 } } },
    ] }],
    summary: { skewedFeatures: 1, examplesPerSkewedFeature: { price: 1 } },
    invariants: [{ kind: 'invariant-violation', field: 'price', trainingRate: 0, servingRate: 0.1, message: 'broken' }],
    ok: false,
  };
}

/** A drifted window with a finding of every kind, as `quality --json` writes it (before the non-finite numbers are tagged). */
export function qualityReport(): QualityReport {
  const window = { start: '2026-11-19T00:00:00.000Z', end: '2026-11-20T00:00:00.000Z' };
  const n = { reference: 5000, served: 300 };
  const drift = (feature: string): FeatureDrift => ({
    feature, kind: 'numeric', statistic: 'jensen-shannon', value: 0.2, threshold: 0.02, pValue: 1e-9, alpha: 0.005, psi: 1.1, category: null, n,
    status: 'drift', reason: null, histograms: { labels: ['< 1', '≥ 1'], reference: [0.5, 0.5], served: [0.1, 0.9] },
  });
  const accuracy = { metric: 'accuracy' as const, reference: 0.9, served: 0.7, interval: [0.65, 0.75] as [number, number], change: -0.2,
    changeInterval: [-0.25, -0.15] as [number, number], tolerance: 0.01, n, status: 'regression' as const };
  const driftFinding = { window, statistic: 'jensen-shannon' as const, value: 0.2, threshold: 0.02, pValue: 1e-9, alpha: 0.005, psi: 1.1, category: null, n };
  const log = (path: string) => ({ path, records: 300, malformed: { count: 0, lines: [] }, invalid: { count: 1, lines: [{ line: 7, error: 'output: wrong length' }] }, outside: 0 });
  return {
    format: 'tfjs-monitor-quality-report',
    reference: { path: 'reference.json', model: 'ranker', version: 'v1', task: 'classification', classes: ['no', 'yes'], trainingExamples: 5000,
      validationExamples: 2000, metrics: { accuracy: 0.9, logLoss: 0.3 } },
    options: { windowMs: 86_400_000, jensenShannon: 0.02, lInfinity: 0.05, thresholds: {}, falseAlarmRate: 0.01, minExamples: 100, minLabelled: 100,
      tolerance: { accuracy: 0.01, logLoss: 0.05, mae: 0.05, rmse: 0.05 }, slices: ['region'] },
    logs: { features: log('serving.jsonl'), predictions: log('predictions.jsonl'), labels: null },
    labels: { records: 300, joined: 300, unknownIds: 0, sampleUnknownIds: [], duplicates: 0, passes: 1 },
    inputDrift: [{ ...window, examples: 300, violations: 0, status: 'drift', features: [drift('price')] }],
    outputDrift: [{ ...window, version: 'v2', status: 'drift', output: drift('(output)') }],
    quality: [{ ...window, version: 'v2', predictions: 300, labelled: 300, status: 'regression', confidence: 0.95, metrics: [accuracy],
      slices: [{ feature: 'region', value: 'west', labelled: 120, status: 'regression', metrics: [accuracy] }], slicesJudged: 4, slicesRegressed: 1 }],
    findings: [
      { kind: 'input-drift', feature: 'price', ...driftFinding, message: 'price drifted' },
      { kind: 'output-drift', version: 'v2', ...driftFinding, message: 'outputs of v2 drifted' },
      { kind: 'quality-regression', window, version: 'v2', slice: { feature: 'region', value: 'west' }, metric: 'accuracy', reference: 0.9, served: 0.7,
        change: -0.2, changeInterval: [-0.25, -0.15], tolerance: 0.01, n, message: 'accuracy of v2 fell' },
    ],
    status: 'finding',
  };
}
