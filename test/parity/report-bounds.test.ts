import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkParity, formatParity, openFeatureLog, parseTolerances, type FeatureLogRecord, type Features } from '../../src/node/index.js';
import { cli, dir, logs } from './fixtures.js';

const rec = (side: FeatureLogRecord['side'], id: string, features: Features, more: Partial<FeatureLogRecord> = {}): FeatureLogRecord => ({
  side,
  id,
  fp: 'f',
  ts: 1,
  features,
  violations: [],
  ...more,
});

async function pair(training: FeatureLogRecord[], serving: FeatureLogRecord[]) {
  const d = dir();
  const paths = { training: join(d, 't.jsonl'), serving: join(d, 's.jsonl') };
  for (const [path, records] of [[paths.training, training], [paths.serving, serving]] as const) {
    const w = await openFeatureLog(path);
    for (const r of records) w.append(r);
    w.close();
  }
  return paths;
}

// Feature names and fields as JSON gives them: `__proto__` an own property, like any other name.
const own = (o: string) => JSON.parse(o) as Features;

describe('names that are Object.prototype members', () => {
  it('--tolerance __proto__=… is an unknown feature like any other (exit 2)', async () => {
    expect(Object.entries(parseTolerances('__proto__=abs:1'))).toEqual([['__proto__', { abs: 1 }]]);
    const { training, serving } = await logs(5);
    for (const name of ['__proto__', 'constructor', 'toString']) {
      await expect(checkParity(training, serving, { tolerance: parseTolerances(`${name}=abs:1`) })).rejects.toThrow(
        `tolerance names feature(s) not in the training log: ${name};`,
      );
      expect(await cli(training, serving, '--tolerance', `${name}=abs:1`)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining(`not in the training log: ${name};`),
      });
    }
  });

  it('are features, fingerprints and schema fields like any other', async () => {
    const { training, serving } = await pair(
      [1, 2].map((i) => rec('training', `e${i}`, own('{"__proto__": 1, "constructor": 1, "toString": "a"}'), { fp: '__proto__' })),
      [1, 2].map((i) => rec('serving', `e${i}`, own('{"__proto__": 1.05, "constructor": 1.05, "toString": "a"}'), { fp: '__proto__' })).concat([
        rec('serving', 'v', null as unknown as Features, { fp: '__proto__', features: null, violations: ['constructor', '__proto__'] }),
      ]),
    );
    const r = await checkParity(training, serving, { tolerance: parseTolerances('__proto__=abs:0.1') });
    expect(r.features.map((f) => [f.feature, f.match, f.mismatch])).toEqual([['__proto__', 2, 0], ['constructor', 0, 2], ['toString', 2, 0]]);
    const viaMap = await checkParity(training, serving, { tolerance: new Map([['__proto__', { abs: 0.1 }]]) });
    expect(viaMap.features.map((f) => f.match)).toEqual([2, 0, 2]);
    await expect(checkParity(training, serving, { tolerance: new Map([['__proto__', { abs: -1 }]]) })).rejects.toThrow(/tolerance\.__proto__.*abs/s);
    expect(Object.entries(r.summary.examplesPerSkewedFeature)).toEqual([['constructor', 2]]);
    expect(Object.entries(r.training.fingerprints)).toEqual([['__proto__', 2]]);
    expect(r.fingerprintMismatches.records).toBe(0);
    expect(Object.entries(r.serving.violations.fields)).toEqual([['constructor', 1], ['__proto__', 1]]);
    expect(r.invariants.map((i) => i.field)).toEqual([null, '__proto__', 'constructor']);
  });
});

describe('long values in the report', () => {
  const MB10 = 10 * 2 ** 20;

  it('are cut in the text and the JSON report, around the first difference, saying so', async () => {
    const long = 'a'.repeat(MB10);
    const array = Array.from({ length: 100_000 }, (_, i) => i);
    const { training, serving } = await pair(
      [rec('training', 'e1', { blob: long, vec: array })],
      [rec('serving', 'e1', { blob: long.slice(0, -1) + 'b', vec: array.map((x) => (x === 50_000 ? -1 : x)) })],
    );
    const r = await checkParity(training, serving);
    expect(r.summary.skewedFeatures).toBe(2); // compared in full
    const [blob, vec] = r.features.map((f) => f.examples[0]!);
    expect((blob!.training as string).length).toBeLessThanOrEqual(200);
    expect(blob!.serving as string).toMatch(/ab$/); // the difference is kept
    expect(blob!.cut).toEqual({ training: { length: MB10, from: expect.any(Number) }, serving: { length: MB10, from: expect.any(Number) } });
    expect((vec!.serving as number[]).length).toBeLessThanOrEqual(40);
    expect(vec!.serving).toContain(-1);
    expect(vec!.cut!.training!.length).toBe(100_000);

    const text = formatParity(r);
    expect(text.length).toBeLessThan(3000);
    expect(text).toMatch(/training …"a+" \(cut, 10485760 chars, from char \d+\), serving …"a+b" \(cut, 10485760 chars, from char \d+\)/);
    expect(text).toMatch(/training …\[[\d,]+\]… \(cut, 100000 elements, from element \d+\), serving …\[[\d,]*-1,[\d,]+\]… \(cut/);

    const out = await cli(training, serving, '--json');
    expect(out.code).toBe(1);
    expect(out.stdout.length).toBeLessThan(10_000);
    expect(JSON.parse(out.stdout).features[0].examples[0].cut.training.length).toBe(MB10);
  });

  it('a malformed line naming a long feature is reported in a bounded message', async () => {
    const { training, serving } = await pair([rec('training', 'e1', { s: 'x' })], [rec('serving', 'e1', { s: 'x' })]);
    const key = 'k'.repeat(100_000);
    appendFileSync(serving, `{"side":"serving","id":"e2","fp":"f","ts":1,"features":{"${key}":{}},"violations":[]}\n`);
    const r = await checkParity(training, serving);
    expect(r.serving.malformed.lines).toEqual([{ line: 2, error: expect.stringMatching(/^features\.k+… \(cut, \d{6} chars\)$/) }]);
    expect(r.serving.malformed.lines[0]!.error.length).toBeLessThan(400);
  });

  it('short values are shown in full, with no cut', async () => {
    const { training, serving } = await pair([rec('training', 'e1', { s: 'x'.repeat(50) })], [rec('serving', 'e1', { s: 'y' })]);
    const r = await checkParity(training, serving);
    expect(r.features[0]!.examples[0]).toEqual({ id: 'e1', training: 'x'.repeat(50), serving: 'y' });
    expect(formatParity(r)).toContain(`s: id e1: training "${'x'.repeat(50)}", serving "y"`);
  });
});
