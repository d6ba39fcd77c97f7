import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkParity, defineFeatures, openFeatureLog, readFeatureLog, type FeatureLogRecord, type Features } from '../../src/node/index.js';
import { readLines } from '../../src/storage/log-lines.js';
import { cli, dir, logs } from './fixtures.js';

// Click-through rate: 0/0 is NaN, 1/0 is Infinity.
const ads = defineFeatures({
  name: 'ads',
  version: '1',
  input: z.object({ clicks: z.number().int().nonnegative(), impressions: z.number().int().nonnegative() }),
  compute: (a) => ({ ctr: a.clicks / a.impressions, rates: [a.clicks / a.impressions, -a.clicks / a.impressions, 1] }),
});
const ad = (i: number, impressions = 100 + i) => ({ clicks: i % 3, impressions });

/** A training and a serving log of 100 ads; serving sees `impressions` from `served`. */
async function adLogs(ext: string, served: (i: number) => number, trained: (i: number) => number = (i) => 100 + i) {
  const d = dir();
  const paths = { training: join(d, `training.${ext}`), serving: join(d, `serving.${ext}`) };
  const t = await openFeatureLog(paths.training);
  ads.logTraining(Array.from({ length: 100 }, (_, i) => ({ id: `a${i}`, raw: ad(i, trained(i)) })), t);
  t.close();
  const s = await openFeatureLog(paths.serving);
  ads.logServing(s);
  for (let i = 0; i < 100; i++) ads.serve(ad(i, served(i)), { id: `a${i}` });
  s.close();
  return paths;
}

async function entries(path: string) {
  const out = [];
  for await (const e of readFeatureLog(path)) out.push(e);
  return { records: out.flatMap((e) => ('record' in e ? [e.record] : [])), bad: out.flatMap((e) => ('error' in e ? [e] : [])) };
}

const rec = (id: string, features: Features): FeatureLogRecord => ({ side: 'serving', id, fp: 'f', ts: 1, features, violations: [] });
const line = (id: string) => JSON.stringify(rec(id, { x: 1 }));

async function writeRecords(path: string, records: FeatureLogRecord[]) {
  const w = await openFeatureLog(path);
  for (const r of records) w.append(r);
  w.close();
}

describe('non-finite feature values', () => {
  it.each(['jsonl', 'db'])('round-trip through the %s log and count as skew against numbers', async (ext) => {
    // 10% of served ads arrive with impressions = 0.
    const { training, serving } = await adLogs(ext, (i) => (i % 10 === 0 ? 0 : 100 + i));
    const r = await checkParity(training, serving);
    expect(r.serving.malformed.count).toBe(0);
    expect(r.summary).toEqual({ skewedFeatures: 2, examplesPerSkewedFeature: { ctr: 10, rates: 10 } });
    const [ctr, rates] = r.features;
    expect(ctr!.examples.slice(0, 2)).toEqual([
      { id: 'a0', training: 0, serving: NaN },
      { id: 'a10', training: 1 / 110, serving: Infinity },
    ]);
    expect(rates!.examples[1]).toEqual({ id: 'a10', training: [1 / 110, -1 / 110, 1], serving: [Infinity, -Infinity, 1] });
    expect(r.ok).toBe(false);
  });

  it.each(['jsonl', 'db'])('match the same non-finite value, also inside arrays (%s)', async (ext) => {
    const zeroes = (i: number) => (i % 10 === 0 ? 0 : 100 + i);
    const { training, serving } = await adLogs(ext, zeroes, zeroes);
    const r = await checkParity(training, serving);
    expect(r.features.map((f) => [f.feature, f.match, f.mismatch])).toEqual([['ctr', 100, 0], ['rates', 100, 0]]);
    expect(r.ok).toBe(true);
  });

  it('are told apart from each other and from strings, under any tolerance', async () => {
    const d = dir();
    const pairs: [Features, Features][] = [
      [{ v: NaN }, { v: Infinity }],
      [{ v: -Infinity }, { v: Infinity }],
      [{ v: 'NaN' }, { v: NaN }],
      [{ v: 'Infinity' }, { v: Infinity }],
      [{ v: Infinity }, { v: 1e308 }],
      [{ v: NaN }, { v: 0 }],
      [{ v: [NaN, 1] }, { v: [0, 1] }],
      [{ v: [NaN, -Infinity] }, { v: [NaN, -Infinity] }], // the one match
    ];
    await writeRecords(join(d, 't.jsonl'), pairs.map(([a], i) => ({ ...rec(`r${i}`, a), side: 'training' })));
    await writeRecords(join(d, 's.db'), pairs.map(([, b], i) => rec(`r${i}`, b)));
    const r = await checkParity(join(d, 't.jsonl'), join(d, 's.db'), { tolerance: { v: { abs: 1, rel: 0.5 } } });
    expect(r.features[0]).toMatchObject({ match: 1, mismatch: 7 });
    expect(r.features[0]!.examples[2]).toEqual({ id: 'r2', training: 'NaN', serving: NaN });
  });

  it('are written as valid JSON that names the value; the null of older logs is explained', async () => {
    const { serving } = await adLogs('jsonl', (i) => (i % 10 === 0 ? 0 : 100 + i));
    const lines = readFileSync(serving, 'utf8').trimEnd().split('\n');
    for (const l of lines) JSON.parse(l); // throws on invalid JSON
    expect(lines[0]).toContain('"features":{"ctr":{"$num":"NaN"},"rates":[{"$num":"NaN"},{"$num":"NaN"},1]}');
    expect(lines[10]).toContain('"features":{"ctr":{"$num":"Infinity"},"rates":[{"$num":"Infinity"},{"$num":"-Infinity"},1]}');
    writeFileSync(serving, lines[5]!.replace(/"ctr":[^,]*/, '"ctr":null') + '\n');
    const { bad } = await entries(serving);
    expect(bad).toEqual([{ line: 1, error: expect.stringMatching(/^features\.ctr: null .*NaN/) }]);
  });

  it('show as NaN and Infinity in the CLI reports, never as null or missing', async () => {
    const { training, serving } = await adLogs('jsonl', (i) => (i % 10 === 0 ? 0 : 100 + i));
    const text = await cli(training, serving);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('id a0: training 0, serving NaN; id a10: training 0.00909090909090909, serving Infinity');
    const json = JSON.parse((await cli(training, serving, '--json')).stdout);
    expect(json.features[1].examples[1].serving).toEqual([{ $num: 'Infinity' }, { $num: '-Infinity' }, 1]);
  });
});

describe('the JSON-lines log on disk', () => {
  it('starts a new writer on a fresh line after a torn last line: a crash costs only that line', async () => {
    const path = join(dir(), 'serving.jsonl');
    await writeRecords(path, Array.from({ length: 10 }, (_, i) => rec(`o${i}`, { x: i })));
    appendFileSync(path, '{"side":"serving","id":"o10","fp":"f","ts":1,"feat'); // the process crashed mid-write
    await writeRecords(path, Array.from({ length: 10 }, (_, i) => rec(`n${i}`, { x: i })));
    const { records, bad } = await entries(path);
    expect(records.map((r) => r.id)).toEqual([...Array.from({ length: 10 }, (_, i) => `o${i}`), ...Array.from({ length: 10 }, (_, i) => `n${i}`)]);
    expect(bad.map((b) => b.line)).toEqual([11]);
    // A log that ends with a whole line gets no blank line.
    const before = readFileSync(path, 'utf8');
    (await openFeatureLog(path)).close();
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('numbers lines as grep -n does: \\r\\n ends a line, a lone \\r does not', async () => {
    const path = join(dir(), 'serving.jsonl');
    const text = [
      `${line('r1')}\r\n`,
      `${line('r2')}\n`,
      `${line('r3')}\r${line('r4')}\n`, // a lone \r: one (malformed) line
      ...[5, 6, 7, 8, 9].map((i) => `${line(`r${i}`)}\r\n`),
      `{not json\r\n`,
      `${line('r11')}\r\n`,
    ].join('');
    writeFileSync(path, text);
    const { records, bad } = await entries(path);
    expect(bad.map((b) => b.line)).toEqual([3, 9]);
    expect(records.map((r) => r.id)).toEqual(['r1', 'r2', 'r5', 'r6', 'r7', 'r8', 'r9', 'r11']);
    // The same numbers as grep -n, which counts \n only.
    const grep = text.split('\n').flatMap((l, i) => (l.startsWith('{not') || l.includes('\r{') ? [i + 1] : []));
    expect(grep).toEqual([3, 9]);
  });

  it('skips a line too long to be a record without holding it, and numbers the next one right', async () => {
    const path = join(dir(), 'serving.jsonl');
    writeFileSync(path, `${line('r1')}\n${'x'.repeat(5000)}\n${line('r3')}\n${'y'.repeat(5000)}`);
    const lines = [];
    for await (const l of readLines(path, { maxChars: 1000 })) lines.push([l.line, l.text === null ? null : l.text.slice(0, 5), l.chars]);
    const n = line('r1').length;
    expect(lines).toEqual([[1, '{"sid', n], [2, null, 5000], [3, '{"sid', n], [4, null, 5000]]);
  });

  it('accepts a UTF-8 byte order mark at the start', async () => {
    const path = join(dir(), 'serving.jsonl');
    writeFileSync(path, `\uFEFF${line('r1')}\r\n${line('r2')}\n`);
    const { records, bad } = await entries(path);
    expect([records.length, bad]).toEqual([2, []]);
  });

  it('a directory or a missing file given as a log is bad input naming it (exit 2)', async () => {
    const d = dir();
    const { training, serving } = await logs(3);
    for (const name of ['logs.jsonl', 'logs.db']) {
      const path = join(d, name);
      mkdirSync(path);
      await expect(checkParity(training, path)).rejects.toThrow(`feature log ${path} is a directory, not a file`);
      expect(await cli(path, serving)).toMatchObject({ code: 2, stderr: expect.stringContaining(`feature log ${path} is a directory`) });
      expect(await cli(training, path)).toMatchObject({ code: 2, stderr: expect.stringContaining(`feature log ${path} is a directory`) });
    }
    const missing = join(d, 'missing.jsonl');
    expect(await cli(training, missing)).toMatchObject({ code: 2, stderr: expect.stringContaining(`feature log ${missing} does not exist`) });
  });
});
