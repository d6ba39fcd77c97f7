import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor, formatReport } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(200);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

describe('report', () => {
  it('keeps a bounded timeline for long runs without losing the extremes', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ timelinePoints: 8, logger: memoryLogger().logger });
    // Brief spikes in the logits bias, one up and one down, each undone at the next batch.
    const spikes: Record<number, number> = { 7: 5, 8: 0, 30: -5, 31: 0 };
    let step = 0;
    const spiker = new tf.CustomCallback({
      onBatchEnd: async () => {
        const value = spikes[step++];
        if (value === undefined) return;
        const bias = model.getLayer('logits').weights[1]!.read() as tf.Variable;
        tf.tidy(() => bias.assign(tf.fill(bias.shape, value)));
      },
    });
    await expectNoLeak(() =>
      model.fit(data.xs, data.ys, { epochs: 5, batchSize: 20, shuffle: false, verbose: 0, callbacks: [spiker, monitor] }),
    );
    const timeline = monitor.report().layers.find((l) => l.name === 'logits')!.timeline;
    expect(timeline.length).toBeLessThanOrEqual(8);
    expect(timeline[0]!.step).toBe(0);
    expect(timeline.at(-1)!.toStep).toBe(49); // the whole run is covered, to its last step
    for (let i = 1; i < timeline.length; i++) expect(timeline[i]!.step).toBe(timeline[i - 1]!.toStep + 1);
    // Both one-batch spikes survive the merging, in the points that cover their steps.
    const at = (s: number) => timeline.find((p) => p.step <= s && s <= p.toStep)!;
    expect(at(7).max).toBe(5);
    expect(at(30).min).toBe(-5);
    expect(Math.max(...timeline.map((p) => p.max!))).toBe(5);
    expect(Math.min(...timeline.map((p) => p.min!))).toBe(-5);
    disposeModel(model);
  });

  it('gives the same findings and timelines with the device reduction as with the host scan', async () => {
    const reports = [];
    for (const strategy of ['scan', 'device'] as const) {
      const model = mlp();
      const monitor = new TrainingMonitor({
        strategy,
        nonFinite: { action: 'warn' },
        weightBounds: [{ layer: 'logits', maxAbs: 0.4 }],
        logger: memoryLogger().logger,
      });
      await expectNoLeak(() =>
        model.fit(data.xs, data.ys, {
          epochs: 2,
          batchSize: 20,
          shuffle: false,
          verbose: 0,
          callbacks: [injectNaN(model, 'hidden2/bias', 11), monitor],
        }),
      );
      reports.push(monitor.report());
      disposeModel(model);
    }
    const [scan, device] = reports;
    expect(device!.strategy).toBe('device');
    const essentials = (r: typeof scan) => r!.findings.map((f) => [f.kind, f.step, f.layer, f.weight, f.occurrences]);
    expect(essentials(device)).toEqual(essentials(scan));
    expect(scan!.findings.find((f) => f.kind === 'non-finite')).toMatchObject({ step: 11, layer: 'hidden2', weight: 'hidden2/bias' });
    scan!.layers.forEach((layer, i) =>
      layer.timeline.forEach((p, k) => expect(device!.layers[i]!.timeline[k]!.maxAbs).toBeCloseTo(p.maxAbs!, 5)),
    );
  });

  it('formats a table a person can read', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ weightBounds: [{ layer: 'logits', maxAbs: 0.1 }], logger: memoryLogger().logger });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const text = formatReport(monitor.report());
    expect(text).toMatch(/^status: warned \(1 epoch\(s\), 4 step\(s\), 4 check\(s\), 0 probe\(s\); backend \w+, (scan|device)\)/);
    expect(text).toMatch(/^layer +class +min +max +max\|w\| +dead % +zero %$/m);
    expect(text).toMatch(/^logits +Dense +-0\.\d{4} +0\.\d{4} +0\.\d{4} +- +-$/m);
    expect(text).toMatch(/\[warn\] weight-bound at epoch 0, batch 0 \(step 0\): layer 'logits', weight 'logits\/kernel'.*\(seen at 4 checks, last at step 3\)/);
    disposeModel(model);
  });
});

describe('the published package', () => {
  const ROOT = [
    'DEFAULT_WEIGHT_BOUNDS', 'InvalidOptionsError', 'MonitorSetupError', 'TrainingInstabilityError', 'TrainingMonitor',
    'UnsupportedModelError', 'formatReport', 'inspectModel', 'inspectTensor', 'renderHtmlReport',
    'FeatureSetMismatchError', 'PROFILE_FORMAT', 'ProfileBuilder', 'QualityInputError', 'QualityJoin', 'evaluateQuality', 'formatQuality',
    'jensenShannon', 'lInfinity', 'mergeProfiles', 'parseProfile', 'psi',
    'monitorServing', 'compareServingRuns', 'formatServingComparison', 'servingVerdictLine', 'servingRules', 'ServingRuleError',
    'SERVING_METRICS', 'DEFAULT_LATENCY_BUCKETS', 'DEFAULT_SERVING_TOLERANCE', 'DEFAULT_MIN_CALLS', 'LogHistogram', 'quantileOf',
    'collectDependencies', 'diffDependencies', 'formatDependencyDiff',
  ];
  const NODE_ONLY = [
    'DEFAULT_STAGES', 'DurationError', 'FeatureInputError', 'FeatureSet', 'NODE_PLATFORM', 'PostgresStore', 'SqliteStore',
    'StalenessTracker', 'StoreError', 'UnknownStageError', 'alertingRules', 'checkParity', 'defineFeatures', 'formatParity', 'parseStageRecord',
    'openFeatureLog', 'openStore', 'parseDuration', 'parseTolerances', 'readFeatureLog', 'stalenessRegistry',
    'writeHtmlReport', 'writeJsonReport', 'TensorBoardSink', 'tensorBoardSink', 'PushgatewaySink', 'pushgatewaySink',
    'checkQuality', 'mergeProfileFiles', 'openPredictionLog', 'profileTrainingLog', 'qualityRegistry', 'readPredictionLog', 'readProfile', 'saveProfile',
    'instrumentServing', 'findLockfile', 'readServingRun', 'saveServingRun',
  ];

  it("is imported as 'tfjs-monitor' (in Node, the Node entry) and serves the public API with type declarations", async () => {
    const pkg = await import('tfjs-monitor');
    expect(Object.keys(pkg).sort()).toEqual([...ROOT, ...NODE_ONLY].sort());
    const node = await import('tfjs-monitor/node');
    expect(Object.keys(node).sort()).toEqual(Object.keys(pkg).sort());
    // Node's monitor is the browser-safe one with files added: one class hierarchy, one instanceof.
    expect(new node.TrainingMonitor({ logger: memoryLogger().logger })).toBeInstanceOf((await import('../dist/index.js')).TrainingMonitor);
    const browserRoot = await import('../dist/index.js');
    expect(Object.keys(browserRoot).sort()).toEqual([...ROOT].sort());
    const { existsSync } = await import('node:fs');
    expect(existsSync(new URL('../dist/index.d.ts', import.meta.url))).toBe(true);
  });
});
