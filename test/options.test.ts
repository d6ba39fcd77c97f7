import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, MonitorSetupError, TrainingMonitor, UnsupportedModelError, inspectModel } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { disposeModel, expectNoLeak, memoryLogger, mlp } from './helpers/models.js';

function problemsOf(options: unknown): string[] {
  try {
    new TrainingMonitor(options as never);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidOptionsError);
    expect((e as Error).message).toMatch(/^Invalid TrainingMonitor options:/);
    return (e as InvalidOptionsError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('expected the options to be rejected');
}

describe('options', () => {
  it('names the field, the allowed values and what was given', () => {
    expect(problemsOf({ nonFinite: { action: 'explode' } })).toEqual([
      'nonFinite.action: Invalid option: expected one of "warn"|"stop"|"fail"|"rollback-and-stop", got "explode"',
    ]);
    expect(problemsOf({ checkEvery: 0 })[0]).toMatch(/^checkEvery: .*>0, got 0$/);
    expect(problemsOf({ checkEvery: 1.5 })[0]).toMatch(/^checkEvery: .*int.*, got 1\.5$/);
  });

  it('lists unknown options with the allowed names, at any depth', () => {
    expect(problemsOf({ checkevery: 2 })[0]).toMatch(/^checkevery: unknown option \(allowed: checkEvery, nonFinite, snapshotEvery, updateRatio, locate, lossSpike, weightBounds, deadRelu, logger, verbose, strategy, timelinePoints, staleness, sinks, dataSources, speed\)$/);
    expect(problemsOf({ weightBounds: [{ maxAbs: 1, layers: 'x' }] })[0]).toMatch(
      /^weightBounds\[0\]\.layers: unknown option \(allowed: layer, weight, min, max, maxAbs, action\)$/,
    );
  });

  it('checks weight-bound rules and dead-ReLU settings', () => {
    expect(problemsOf({ weightBounds: [{ layer: 'dense_*' }] })).toEqual([
      'weightBounds[0]: a weight-bound rule needs at least one of min, max or maxAbs',
    ]);
    expect(problemsOf({ weightBounds: [{ min: 2, max: 1 }] })).toEqual(['weightBounds[0]: min must not be greater than max']);
    expect(problemsOf({ weightBounds: [{ maxAbs: -1 }] })[0]).toMatch(/^weightBounds\[0\]\.maxAbs: expected a number > 0/);
    expect(problemsOf({ weightBounds: [{ max: NaN }] })[0]).toMatch(/^weightBounds\[0\]\.max: /);
    expect(problemsOf({ deadRelu: { every: 0 } })[0]).toMatch(/^deadRelu\.every: /);
    expect(problemsOf({ deadRelu: { probe: [[1, 2]] } })[0]).toMatch(/^deadRelu\.probe.*expected a tf\.Tensor/);
    const probe = tf.zeros([2, 784]);
    expect(problemsOf({ deadRelu: { probe, maxDeadFraction: 1.5 } })[0]).toMatch(/^deadRelu\.maxDeadFraction: .*<=1, got 1\.5$/);
    probe.dispose();
  });

  it('checks the speed options', () => {
    expect(problemsOf({ speed: { leak: { window: 5 } } })[0]).toMatch(/^speed\.leak\.window: .*>=10, got 5$/);
    expect(problemsOf({ speed: { baseline: { record: true } } })[0]).toMatch(/^speed\.baseline\.path: /);
    expect(problemsOf({ speed: { versions: { code: 'x' } } })[0]).toMatch(
      /^speed\.versions\.code: unknown option \(allowed: codeVersion, modelVersion, dataVersion\)$/,
    );
    expect(problemsOf({ speed: { baseline: { path: 'b.json', tolerance: { throughput: 0 } } } })[0]).toMatch(
      /^speed\.baseline\.tolerance\.throughput: .*>0, got 0$/,
    );
  });

  it('rejects a logger that is not one', () => {
    expect(problemsOf({ logger: console.log })[0]).toMatch(/^logger: expected a pino logger/);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ checkEvery: -1, nonFinite: { action: 1 }, strategy: 'gpu' })).toHaveLength(3);
  });

  it('accepts no options at all', () => {
    expect(() => new TrainingMonitor()).not.toThrow();
  });
});

describe('models tfjs-monitor cannot serve', () => {
  it('says so when the model is not a LayersModel', async () => {
    await expect(inspectModel({ predict() {} } as never)).rejects.toThrow(UnsupportedModelError);
    await expect(inspectModel({ predict() {} } as never)).rejects.toThrow(/expected a tfjs LayersModel \(from tf\.sequential\(\) or tf\.model\(\)\), got Object/);
    expect(() => new TrainingMonitor().setModel(42 as never)).toThrow(/expected a tfjs LayersModel.*got number/);
  });

  it('says that two copies of tfjs are loaded when the model comes from another tfjs-layers', async () => {
    // The UMD bundle is a second, separate copy of tfjs-layers, as a mismatched install would load.
    const require = createRequire(import.meta.url);
    const foreignLayers = require('@tensorflow/tfjs-layers/dist/tf-layers.js');
    const foreign = foreignLayers.sequential({ layers: [foreignLayers.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] });
    foreign.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(inspectModel(foreign)).rejects.toThrow(
      /comes from @tensorflow\/tfjs-layers 4\.\d+\.\d+, while tfjs-monitor loaded @tensorflow\/tfjs-layers 4\.\d+\.\d+: two copies of tfjs .*needs @tensorflow\/tfjs 4\.0\.0 or later 4\.x.*npm ls/,
    );

    const { xs, ys } = loadMnist(20);
    // tfjs wraps a callback it does not recognise as a plain object: the monitor says why it cannot work.
    await expect(foreign.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [new TrainingMonitor({ logger: memoryLogger().logger })] })).rejects.toThrow(
      MonitorSetupError,
    );
    tf.dispose([xs, ys]);
    foreign.dispose();
  });

  it('explains the plain-object-callback ordering trap instead of failing obscurely', async () => {
    const model = mlp();
    const { xs, ys } = loadMnist(20);
    const monitor = new TrainingMonitor({ logger: memoryLogger().logger });
    await expect(
      model.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [{ onEpochEnd: async () => {} }, monitor] as never }),
    ).rejects.toThrow(/wrap those in `new tf\.CustomCallback/);
    // The documented fix works.
    await expectNoLeak(() =>
      model.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [new tf.CustomCallback({ onEpochEnd: async () => {} }), monitor] }),
    );
    expect(monitor.report().steps).toBe(1);
    tf.dispose([xs, ys]);
    disposeModel(model);
  });
});
