import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkParity, defineFeatures, openFeatureLog, parseTolerances } from '../../src/node/index.js';
import { cli, define, dir, input, logs, raw } from './fixtures.js';

describe('the shared feature function', () => {
  it('computes features, validates the data contract naming the fields, and builds training rows', () => {
    const f = define();
    expect(f.compute(raw(12))).toEqual({ total: expect.closeTo(1.5 * 13, 9), country: 'DE', bulk: true, hist: [0, 13] });
    expect(() => f.compute({ price: -1, qty: 2.5, country: 'FRA', tags: [] })).toThrow(/breaks the input schema at price, qty, country/);
    expect(f.violations({ price: 1, qty: 1, country: 'FR' })).toEqual(['tags']);
    const numeric = defineFeatures({ name: 'n', version: '1', input, compute: (o) => ({ b: o.price, a: [o.qty, 1], c: o.qty > 1 }) });
    expect(numeric.toRows([raw(1), raw(2)])).toEqual({ columns: ['a[0]', 'a[1]', 'b', 'c'], rows: [[2, 1, 1.1, 1], [3, 1, 1.2, 1]] });
    expect(() => f.toRows([raw(1)])).toThrow(/feature country is a string; encode it as numbers/);
  });

  it('fingerprints the definition: the same code agrees, a changed compute or version differs', () => {
    expect(define().fingerprint).toBe(define().fingerprint);
    expect(define('2').fingerprint).not.toBe(define().fingerprint);
    const changed = defineFeatures({ name: 'order', version: '1', input, compute: (o) => ({ total: o.price * o.qty * 100 }) });
    expect(changed.fingerprint).not.toBe(define().fingerprint);
  });

  it('samples the same ids on both sides at the same rate', async () => {
    const d = dir();
    const f = define();
    const t = await openFeatureLog(join(d, 't.jsonl'));
    f.logTraining(Array.from({ length: 2000 }, (_, i) => ({ id: `o${i}`, raw: raw(i) })), t, { sampleRate: 0.1 });
    t.close();
    const s = await openFeatureLog(join(d, 's.db')); // the SQLite log
    f.logServing(s, { sampleRate: 0.1 });
    for (let i = 0; i < 2000; i++) f.serve(raw(i), { id: `o${i}` });
    s.close();
    const report = await checkParity(join(d, 't.jsonl'), join(d, 's.db'));
    expect(report.training.records).toBeGreaterThan(150);
    expect(report.training.records).toBeLessThan(250);
    expect(report.ids).toMatchObject({ joined: report.training.records, trainingOnly: 0, servingOnly: 0 });
    expect(report.ok).toBe(true);
  });
});

describe('checkParity', () => {
  it('counts, per feature, matches and mismatches, and summarises the skewed features and their examples', async () => {
    // Serving computes the price in cents for every 5th example: a unit mismatch.
    const { training, serving } = await logs(100, (i) => (i % 5 === 0 ? { ...raw(i), price: raw(i).price * 100 } : raw(i)));
    const r = await checkParity(training, serving);
    expect(r.summary).toEqual({ skewedFeatures: 1, examplesPerSkewedFeature: { total: 20 } });
    const total = r.features.find((f) => f.feature === 'total')!;
    expect(total).toMatchObject({ base: 100, test: 100, match: 80, mismatch: 20, baseOnly: 0, testOnly: 0, skewed: true });
    expect(total.examples[0]).toEqual({ id: 'o0', training: 1, serving: 100 });
    expect(r.features.filter((f) => !f.skewed).map((f) => f.feature)).toEqual(['bulk', 'country', 'hist']);
    expect(r.ok).toBe(false);
  });

  it('applies absolute and relative tolerances per feature, element-wise for arrays', async () => {
    const { training, serving } = await logs(50, (i) => ({ ...raw(i), price: raw(i).price * (1 + 1e-7) }));
    expect((await checkParity(training, serving)).summary.skewedFeatures).toBe(1); // exact by default
    expect((await checkParity(training, serving, { tolerance: { total: { rel: 1e-6 } } })).ok).toBe(true);
    expect((await checkParity(training, serving, { tolerance: { total: { abs: 1e-9 } } })).ok).toBe(false);
    expect(parseTolerances('total=abs:1e-6+rel:0.01,hist=abs:0')).toEqual({ total: { abs: 1e-6, rel: 0.01 }, hist: { abs: 0 } });
    expect(() => parseTolerances('total=1e-6')).toThrow(/cannot read "total=1e-6"; write feature=abs:1e-6/);
    await expect(checkParity(training, serving, { tolerance: { totl: { abs: 1 } } })).rejects.toThrow(
      /tolerance names feature\(s\) not in the training log: totl; its features are: bulk, country, hist, total/,
    );
  });

  it('reports ids on one side only, duplicate ids and a serving process with another feature definition', async () => {
    const d = dir();
    const t = await openFeatureLog(join(d, 't.jsonl'));
    define().logTraining([0, 1, 2, 3, 3].map((i) => ({ id: `o${i}`, raw: raw(i) })), t);
    t.close();
    const s = await openFeatureLog(join(d, 's.jsonl'));
    const v2 = define('2').logServing(s);
    for (const i of [2, 3, 4, 5, 5]) v2.serve(raw(i), { id: `o${i}` });
    s.close();
    const r = await checkParity(join(d, 't.jsonl'), join(d, 's.jsonl'));
    expect(r.ids).toMatchObject({ joined: 2, trainingOnly: 2, servingOnly: 2, sampleTrainingOnly: ['o0', 'o1'], sampleServingOnly: ['o4', 'o5'] });
    expect([r.training.duplicateIds, r.serving.duplicateIds]).toEqual([1, 1]);
    expect(r.fingerprintMismatches.records).toBe(5);
    expect(r.ok).toBe(false);
  });

  it('counts malformed lines with their numbers, never crashing, and keeps every line before a torn write', async () => {
    const { training, serving } = await logs(10);
    const lines = readFileSync(serving, 'utf8').split('\n');
    writeFileSync(serving, [lines[0], '{not json', lines[1], '{"side":"serving","id":7}', ...lines.slice(2)].join('\n'));
    appendFileSync(serving, '{"side":"serving","id":"o99","fp":"x","ts":1,"feat'); // a crash mid-write
    const r = await checkParity(training, serving);
    expect(r.serving.malformed.count).toBe(3);
    expect(r.serving.malformed.lines.map((m) => m.line)).toEqual([2, 4, 13]);
    expect(r.serving.malformed.lines[1]!.error).toMatch(/^id: /);
    expect(r.ids.joined).toBe(10); // nothing before or after the bad lines was lost
  });

  it('reports empty logs as empty, not as "no skew"', async () => {
    const d = dir();
    writeFileSync(join(d, 'empty.jsonl'), '');
    const { training } = await logs(5);
    const r = await checkParity(training, join(d, 'empty.jsonl'));
    expect(r).toMatchObject({ empty: true, ok: false, summary: { skewedFeatures: 0 } });
    await expect(checkParity(join(d, 'missing.jsonl'), training)).rejects.toThrow(/feature log .*missing\.jsonl does not exist/);
  });

  it('compares schema violations: a serving rate past training’s by more than the threshold is a finding', async () => {
    // 10% of served orders arrive without a country.
    const { training, serving } = await logs(200, (i) => (i % 10 === 0 ? { ...raw(i), country: undefined } : raw(i)));
    const r = await checkParity(training, serving);
    expect(r.serving.violations).toMatchObject({ records: 20, rate: 0.1, fields: { country: 20 } });
    expect(r.invariants.map((i) => [i.field, i.servingRate])).toEqual([[null, 0.1], ['country', 0.1]]);
    expect(r.invariants[1]!.message).toBe('field country is broken by 10.00% of served examples against 0.00% in training');
    expect(r.summary.skewedFeatures).toBe(0); // violations are not counted as skew
    expect((await checkParity(training, serving, { maxViolationRateIncrease: 0.2 })).invariants).toEqual([]);
  });
});

describe('tfjs-monitor parity (CLI)', () => {
  it('prints the report and exits 1 on skew, 0 when within tolerance, 2 on bad input', async () => {
    const { training, serving } = await logs(40, (i) => (i % 4 === 0 ? { ...raw(i), price: raw(i).price + 0.001 } : raw(i)));
    const skewed = await cli(training, serving);
    expect(skewed.code).toBe(1);
    expect(skewed.stdout).toMatch(/^features with skew: 1 \(total: 10 example\(s\)\)$/m);
    expect(skewed.stdout).toMatch(/^total +40 +40 +30 +10 +0 +0 +SKEW$/m);
    expect((await cli(training, serving, '--tolerance', 'total=abs:0.1'))).toMatchObject({ code: 0, stdout: expect.stringMatching(/parity: ok/) });
    const json = JSON.parse((await cli(training, serving, '--json')).stdout);
    expect(json.summary.examplesPerSkewedFeature).toEqual({ total: 10 });
    expect(await cli(training, serving, '--tolerance', 'total=abs:x')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--tolerance: cannot read/) });
    expect(await cli(training, serving, '--tolerance', 'nope=abs:1')).toMatchObject({ code: 2, stderr: expect.stringMatching(/not in the training log: nope/) });
    expect(await cli(training)).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: tfjs-monitor parity/) });
  });
});
