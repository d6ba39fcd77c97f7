import { describe, expect, it } from 'vitest';
import { evaluateQuality, type QualityOptions } from '../../src/node/index.js';
import { referenceOf, world } from './fixtures.js';

const HOUR = 3_600_000;

/**
 * The share of windows with a finding of `kind` when every served window is drawn from the
 * reference's own distribution, over `references` independently drawn references (a reference
 * has sampling noise of its own, which a test on one reference would leave out).
 */
function falseAlarmRate(kind: 'drift' | 'quality', { n, windows, references, numeric, options = {} }: { n: number; windows: number; references: number; numeric: number; options?: QualityOptions }) {
  let alarms = 0;
  for (let k = 0; k < references; k++) {
    const seed = 100 + 10 * k;
    const ref = referenceOf(seed, 10_000, 2000, { numeric });
    const draw = world(seed + 1, { numeric });
    const features = [];
    const predictions = [];
    const labels = [];
    for (let w = 0; w < windows; w++) {
      for (let i = 0; i < n; i++) {
        const e = draw(w * n + i);
        features.push({ id: e.id, ts: w * HOUR + i, features: e.features });
        predictions.push({ id: e.id, ts: w * HOUR + i, version: 'v1', output: e.output });
        if (kind === 'quality') labels.push({ id: e.id, label: e.label });
      }
    }
    const r = evaluateQuality(ref, kind === 'quality' ? { features, predictions, labels } : { features, predictions }, { windowMs: HOUR, ...options });
    const judged = kind === 'drift' ? r.inputDrift.filter((w) => w.status !== 'not-enough-data').length : r.quality.length;
    expect(judged).toBe(windows);
    const flagged = r.findings.filter((f) => (kind === 'drift') === (f.kind !== 'quality-regression'));
    alarms += new Set(flagged.map((f) => f.window.start)).size;
  }
  return alarms / (windows * references);
}

// Measured rates (seeded, so the same on every run) are in the README's "Prediction quality and
// drift" section; the target is at most 1% of windows.
describe('false alarms on windows drawn from the reference distribution, at the default thresholds', { timeout: 120_000 }, () => {
  it('drift: 20 numeric features, a categorical one and the outputs, windows of 200 examples: ≤ 1%', () => {
    expect(falseAlarmRate('drift', { n: 200, windows: 1000, references: 2, numeric: 20 })).toBeLessThanOrEqual(0.01);
  });

  it('drift: windows of 100 examples, the default minimum: ≤ 1%', () => {
    expect(falseAlarmRate('drift', { n: 100, windows: 1000, references: 2, numeric: 20 })).toBeLessThanOrEqual(0.01);
  });

  it('drift: windows of 1000 examples: ≤ 1% (measured 0)', () => {
    expect(falseAlarmRate('drift', { n: 1000, windows: 300, references: 1, numeric: 20 })).toBe(0);
  });

  it('drift, the p-value gate alone (thresholds 0), windows of 200: still ≤ 1%', () => {
    expect(falseAlarmRate('drift', { n: 200, windows: 1000, references: 1, numeric: 20, options: { jensenShannon: 0, lInfinity: 0 } })).toBeLessThanOrEqual(0.01);
  });

  it('served quality: accuracy and log-loss, overall and on 3 judged region slices, windows of 500 labelled: ≤ 1%', () => {
    const rate = falseAlarmRate('quality', { n: 500, windows: 300, references: 4, numeric: 2 });
    expect(rate).toBeLessThanOrEqual(0.01);
  });
});
