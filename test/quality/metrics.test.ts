import { describe, expect, it } from 'vitest';
import { evaluateQuality, ProfileBuilder, QualityInputError, type NumericProfile } from '../../src/node/index.js';
import { normalQuantile } from '../../src/quality/stats.js';
import { referenceOf, rng, world } from './fixtures.js';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

/** A regression: y = 2x + ε (σ = 1); the model predicts 2x + bias. */
function regressionData(seed: number, n: number, bias = 0) {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = r.normal();
    return { id: `r${seed}-${i}`, ts: 0, features: { x }, output: 2 * x + bias, label: 2 * x + r.normal() };
  });
}

describe('served metrics against an independent computation', () => {
  it('classification: accuracy, log-loss (probabilities clipped at 1e-7) and the Welch interval of its change', () => {
    const ref = referenceOf(1, 2000, 3000);
    const draw = world(7, { concept: 0.4 });
    const rows = Array.from({ length: 1500 }, (_, i) => draw(i));
    rows[0]!.output = [1, 0]; // a confident mistake when its label is 1: −ln(1e-7), not infinity
    rows[0]!.label = 1;
    const r = evaluateQuality(ref, {
      predictions: rows.map((e) => ({ id: e.id, ts: 0, version: 'v1', output: e.output })),
      labels: rows.map((e) => ({ id: e.id, label: e.label })),
    });
    const losses = rows.map((e) => -Math.log(Math.max(e.output[e.label]!, 1e-7)));
    const correct = rows.filter((e) => (e.output[1]! > e.output[0]! ? 1 : 0) === e.label).length;
    const [accuracy, logLoss] = r.quality[0]!.metrics;
    expect(accuracy!.served).toBeCloseTo(correct / 1500, 12);
    expect(logLoss!.served).toBeCloseTo(mean(losses), 12);
    expect(Math.max(...losses)).toBeCloseTo(16.118, 3);
    // The reference's per-example losses, recomputed from the same seeded world.
    const v = world(1);
    const valid = Array.from({ length: 5000 }, (_, i) => v(i)).slice(2000);
    const refLosses = valid.map((e) => -Math.log(Math.max(e.output[e.label]!, 1e-7)));
    expect(logLoss!.reference).toBeCloseTo(mean(refLosses), 12);
    const z = normalQuantile(1 - 0.01 / (2 * (1 + r.quality[0]!.slicesJudged)));
    const se = Math.sqrt(variance(losses) / 1500 + variance(refLosses) / 3000);
    const d = mean(losses) - mean(refLosses);
    expect(logLoss!.changeInterval![0]).toBeCloseTo(d - z * se, 10);
    expect(logLoss!.changeInterval![1]).toBeCloseTo(d + z * se, 10);
  });

  it('regression: MAE, RMSE and the score histogram of the outputs; a bias of ¾ σ is a regression, none is not', () => {
    const b = new ProfileBuilder({ task: 'regression', model: 'line' });
    for (const e of regressionData(1, 5000)) b.addTraining(e.features);
    for (const e of regressionData(2, 3000)) b.addValidation(e);
    const ref = b.toJSON();
    expect(ref.validation.output.kind).toBe('numeric');
    expect((ref.validation.output as NumericProfile).histogram.edges).toHaveLength(9);

    const judge = (bias: number) => {
      const rows = regressionData(3, 2000, bias);
      const r = evaluateQuality(ref, {
        features: rows,
        predictions: rows.map((e) => ({ id: e.id, ts: 0, version: 'v1', output: e.output })),
        labels: rows.map((e) => ({ id: e.id, label: e.label })),
      });
      const errors = rows.map((e) => e.output - e.label);
      const [mae, rmse] = r.quality[0]!.metrics;
      expect(mae!.served).toBeCloseTo(mean(errors.map(Math.abs)), 12);
      expect(rmse!.served).toBeCloseTo(Math.sqrt(mean(errors.map((e) => e * e))), 12);
      return r;
    };
    const same = judge(0);
    expect(same.quality[0]!.metrics.map((m) => m.status)).toEqual(['ok', 'ok']);
    expect(same.findings).toEqual([]);
    const biased = judge(0.75);
    expect(biased.quality[0]!.metrics.map((m) => m.status)).toEqual(['regression', 'regression']);
    expect(biased.quality[0]!.metrics[1]!.served).toBeCloseTo(1.25, 1); // √(1 + 0.75²)
    expect(biased.findings.map((f) => f.kind).sort()).toEqual(['output-drift', 'quality-regression', 'quality-regression']);
  });

  it('refuses outputs and labels that do not fit the task, saying which example and why', () => {
    const b = new ProfileBuilder({ task: 'classification', classes: ['a', 'b', 'c'] });
    expect(() => b.addValidation({ output: [0.5, 0.5], label: 0 })).toThrow(QualityInputError);
    expect(() => b.addValidation({ output: [0.5, 0.5], label: 0 })).toThrow(/validation example 0: output has 2 probabilities, the reference has 3 classes/);
    expect(() => b.addValidation({ output: [2, -1, 0], label: 0 })).toThrow(/probabilities must be numbers in \[0, 1\]/);
    expect(() => b.addValidation({ output: [3, 2, 1], label: 0 })).toThrow(/must be numbers in \[0, 1\], got 3/);
    expect(() => b.addValidation({ output: [0.2, 0.2, 0.2], label: 0 })).toThrow(/sum to 0\.6.*not 1 \(logits\? apply softmax first\)/);
    expect(() => b.addValidation({ output: [0.2, 0.3, 0.5], label: 'd' })).toThrow(/label "d" is not one of the classes \(a, b, c\)/);
    expect(() => new ProfileBuilder({ task: 'classification' })).toThrow(/classes: classes are required for classification/);
    expect(() => new ProfileBuilder({ task: 'regression', slices: ['x'] }).addValidation({ output: 1, label: 1 })).toThrow(/no value for the slice feature x/);
  });

  it('a per-feature threshold replaces the default for that feature only', () => {
    const ref = referenceOf(1, 5000, 1000);
    const draw = world(4, { shift: 0.5 });
    const served = Array.from({ length: 2000 }, (_, i) => ({ ...draw(i), ts: 0 }));
    expect(evaluateQuality(ref, { features: served }).findings.map((f) => f.kind === 'input-drift' && f.feature)).toEqual(['f0']);
    const relaxed = evaluateQuality(ref, { features: served }, { thresholds: { f0: 0.5 } });
    expect(relaxed.findings).toEqual([]);
    expect(relaxed.inputDrift[0]!.features.find((f) => f.feature === 'f0')).toMatchObject({ threshold: 0.5, status: 'ok' });
    expect(relaxed.inputDrift[0]!.features.find((f) => f.feature === 'f1')!.threshold).toBe(0.02);
  });
});

describe('slices', () => {
  it('need the served features: without them there are no slice rows, and asking for one is an error', () => {
    const ref = referenceOf(1, 2000, 1000);
    const draw = world(5);
    const rows = Array.from({ length: 500 }, (_, i) => draw(i));
    const data = { predictions: rows.map((e) => ({ id: e.id, ts: 0, version: 'v1', output: e.output })), labels: rows.map((e) => ({ id: e.id, label: e.label })) };
    const r = evaluateQuality(ref, data);
    expect(r.quality[0]!.slices).toEqual([]);
    expect(r.options.slices).toEqual([]);
    expect(() => evaluateQuality(ref, data, { slices: ['region'] })).toThrow(/slicing by region needs the served features/);
    const withFeatures = evaluateQuality(ref, { ...data, features: rows.map((e) => ({ id: e.id, ts: 0, features: e.features })) });
    expect(withFeatures.quality[0]!.slices.map((s) => s.value).sort()).toEqual(['east', 'north', 'south', 'west']);
  });
});
