import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkQuality,
  FeatureSetMismatchError,
  formatQuality,
  openFeatureLog,
  openPredictionLog,
  readPredictionLog,
  saveProfile,
  type QualityReport,
} from '../../src/node/index.js';
import { dir, referenceOf, writeLogs } from './fixtures.js';

const DAY = 86_400_000;
const T0 = 20_000 * DAY; // 2024-10-04, midnight UTC

function reference() {
  const d = dir();
  const path = join(d, 'reference.json');
  saveProfile(path, referenceOf(1, 10_000, 3000));
  return { d, path };
}

const statusOf = (r: QualityReport) => ({
  inputs: r.inputDrift.map((w) => w.status),
  outputs: r.outputDrift.map((w) => w.status),
  quality: r.quality.map((q) => q.status),
  findings: r.findings.map((f) => f.kind),
});

describe('checkQuality on logs', () => {
  it('a period like the reference: no finding; then a drifted one: input, output and slice findings naming what moved', async () => {
    const { d, path } = reference();
    const same = await writeLogs(d, { n: 3000, seed: 2, prefix: 'same-' });
    const ok = await checkQuality({ reference: path, features: same.features, predictions: same.predictions, labels: same.labels });
    expect(statusOf(ok)).toEqual({ inputs: ['ok'], outputs: ['ok'], quality: ['ok'], findings: [] });
    expect(ok.status).toBe('ok');
    expect(ok.labels).toMatchObject({ records: 3000, joined: 3000, unknownIds: 0, duplicates: 0, passes: 1 });

    // f0 shifts by 0.5 σ; the truth moves for the south region only (the model goes wrong there).
    const drifted = await writeLogs(d, { n: 3000, seed: 3, prefix: 'drifted-', world: { shift: 0.5, concept: 1.5, conceptRegion: 'south' } });
    const r = await checkQuality({ reference: path, features: drifted.features, predictions: drifted.predictions, labels: drifted.labels });
    expect(r.status).toBe('finding');
    const input = r.findings.filter((f) => f.kind === 'input-drift');
    expect(input.map((f) => f.kind === 'input-drift' && f.feature)).toEqual(['f0']);
    expect(input[0]).toMatchObject({ statistic: 'jensen-shannon', threshold: 0.02, n: { reference: 10_000, served: 3000 } });
    expect(input[0]!.value).toBeGreaterThan(0.02);
    expect(input[0]!.message).toMatch(/^input drift in f0 \(2023-11-14T22:13:20Z–2023-11-14T23:03:19Z\): Jensen-Shannon 0\.0\d+ > threshold 0\.02, beyond noise \(p .* < .*\) on 10000 reference \/ 3000 served examples; PSI 0\.\d+$/);
    expect(r.findings.some((f) => f.kind === 'output-drift')).toBe(true);
    const slices = r.findings.filter((f) => f.kind === 'quality-regression' && f.slice !== null);
    expect(slices.length).toBeGreaterThan(0);
    for (const f of slices) expect(f.kind === 'quality-regression' && f.slice).toEqual({ feature: 'region', value: 'south' });
    expect(r.quality[0]!.slices[0]).toMatchObject({ feature: 'region', value: 'south', status: 'regression' });
    expect(formatQuality(r)).toMatch(/REGRESSION quality regression of version v1 on slice region=south/);
  });

  it('per window and model version; a window with nothing served is "no data", not "no drift"', async () => {
    const { d, path } = reference();
    const a = await writeLogs(d, { n: 600, seed: 4, prefix: 'a-', ts0: T0, step: 100, version: 'v1' }); // day 0
    const b = await writeLogs(d, { n: 600, seed: 5, prefix: 'b-', ts0: T0 + 2 * DAY, step: 100, version: 'v2' }); // day 2; day 1 is empty
    const r = await checkQuality({ reference: path, features: [a.features, b.features], predictions: [a.predictions, b.predictions], labels: [a.labels, b.labels] }, { windowMs: DAY });
    expect(r.inputDrift.map((w) => [w.start, w.examples, w.status])).toEqual([
      ['2024-10-04T00:00:00.000Z', 600, 'ok'],
      ['2024-10-05T00:00:00.000Z', 0, 'no-data'],
      ['2024-10-06T00:00:00.000Z', 600, 'ok'],
    ]);
    expect(r.inputDrift[1]!.features.every((f) => f.status === 'no-data' && f.value === null)).toBe(true);
    expect(r.quality.map((q) => [q.version, q.start, q.predictions, q.labelled, q.status])).toEqual([
      ['v1', '2024-10-04T00:00:00.000Z', 600, 600, 'ok'],
      ['v2', '2024-10-06T00:00:00.000Z', 600, 600, 'ok'],
    ]);
    expect(r.outputDrift.map((o) => [o.version, o.start, o.status])).toEqual([
      ['v1', '2024-10-04T00:00:00.000Z', 'ok'],
      ['v2', '2024-10-06T00:00:00.000Z', 'ok'],
    ]); // each version from its first window to its last
    expect(formatQuality(r)).toMatch(/input drift, 2024-10-05T00:00Z–2024-10-06T00:00Z: 0 served example\(s\) — no data/);
    const empty = await checkQuality({ reference: path, features: a.features, predictions: a.predictions }, { since: T0 + 10 * DAY });
    expect(empty.status).toBe('no-data');
    expect(empty.logs.features!.outside).toBe(600);
    expect(formatQuality(empty)).toMatch(/NO DATA: nothing was served in the period, so nothing was compared \(this is not "no drift"\)/);
  });

  it('says "not enough labelled examples" on 12 of them, however bad they look', async () => {
    const { d, path } = reference();
    const logs = await writeLogs(d, { n: 1200, seed: 6, labelEvery: 100, world: { concept: 3 } });
    const r = await checkQuality({ reference: path, features: logs.features, predictions: logs.predictions, labels: logs.labels });
    expect(r.quality[0]).toMatchObject({ labelled: 12, predictions: 1200, status: 'not-enough-labels' });
    expect(r.quality[0]!.metrics[0]).toMatchObject({ metric: 'accuracy', status: 'not-enough-labels', interval: null });
    expect(r.findings.filter((f) => f.kind === 'quality-regression')).toEqual([]);
    expect(formatQuality(r)).toMatch(/accuracy .* not enough labelled examples/);
  });

  it('labels for ids no prediction has are counted, with examples, never dropped silently', async () => {
    const { d, path } = reference();
    const logs = await writeLogs(d, { n: 500, seed: 7 });
    const late = await openPredictionLog(logs.labels);
    late.label({ id: 'never-predicted-1', label: 1 });
    late.label({ id: 'never-predicted-2', label: 'yes' });
    late.label({ id: 'ex-7-3', label: 0 }); // a correction: the last label wins
    late.close();
    const r = await checkQuality({ reference: path, predictions: logs.predictions, labels: logs.labels });
    expect(r.labels).toMatchObject({ records: 503, joined: 500, unknownIds: 2, sampleUnknownIds: ['never-predicted-1', 'never-predicted-2'], duplicates: 1 });
    expect(formatQuality(r)).toMatch(/labels: \S+labels\.jsonl, 503 record\(s\), 500 joined to predictions, 2 for ids no prediction has \(e\.g\. never-predicted-1, never-predicted-2\), 1 repeated/);
  });

  it('a log whose features are not the reference’s is an error naming the missing and the extra ones', async () => {
    const { d, path } = reference();
    const log = await openFeatureLog(join(d, 'other.jsonl'));
    for (let i = 0; i < 50; i++) log.append({ side: 'serving', id: `x${i}`, fp: 'x', ts: T0 + i, features: { f0: 1, f1: 2, region: 'north', color: 'red', size: 3 }, violations: [] });
    log.close();
    const error = await checkQuality({ reference: path, features: join(d, 'other.jsonl') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureSetMismatchError);
    expect((error as FeatureSetMismatchError).missing).toEqual(['f2']);
    expect((error as FeatureSetMismatchError).extra).toEqual(['color', 'size']);
    expect((error as Error).message).toMatch(/missing from the served data: f2; not in the reference: color, size/);
  });

  it('counts malformed lines and unusable outputs by line, and reads outputs back exactly (NaN included)', async () => {
    const { d, path } = reference();
    const logs = await writeLogs(d, { n: 300, seed: 8 });
    const w = await openPredictionLog(logs.predictions);
    w.prediction({ id: 'nan', version: 'v1', output: [NaN, 1] });
    w.prediction({ id: 'three', version: 'v1', output: [0.2, 0.3, 0.5] });
    w.close();
    appendFileSync(logs.predictions, '{"kind":"prediction","id":"x"\n{"kind":"prediction","id":"y","ts":1,"version":"","output":1}\n');
    const read = [];
    for await (const e of readPredictionLog(logs.predictions)) read.push(e);
    expect(read[300]).toMatchObject({ line: 301, record: { id: 'nan', output: [NaN, 1] } });
    expect(read.slice(-2)).toEqual([
      { line: 303, error: expect.stringMatching(/^not JSON/) },
      { line: 304, error: 'version: must be a non-empty string (the model version), got ""' },
    ]);
    const r = await checkQuality({ reference: path, predictions: logs.predictions });
    expect(r.logs.predictions).toMatchObject({ records: 302, malformed: { count: 2 }, invalid: { count: 2 } });
    expect(r.logs.predictions!.invalid.lines.map((l) => l.line)).toEqual([301, 302]);
    expect(r.logs.predictions!.invalid.lines[1]!.error).toMatch(/id three: output has 3 probabilities, the reference has 2 classes \(no, yes\)$/);
  });

  it('names the bad field of a broken profile, and refuses thresholds or slices the profile does not have', async () => {
    const { d, path } = reference();
    const logs = await writeLogs(d, { n: 100, seed: 9 });
    const broken = join(d, 'broken.json');
    writeFileSync(broken, JSON.stringify({ format: 'tfjs-monitor-reference-profile', formatVersion: 1, task: 'classification' }));
    await expect(checkQuality({ reference: broken, predictions: logs.predictions })).rejects.toThrow(/reference profile .*broken\.json is not a valid reference profile:\n {2}- model: /);
    await expect(checkQuality({ reference: join(d, 'nope.json'), predictions: logs.predictions })).rejects.toThrow(/nope\.json does not exist/);
    await expect(checkQuality({ reference: path, predictions: logs.predictions }, { thresholds: { f7: 0.1 } })).rejects.toThrow(/thresholds name feature\(s\) not in the reference profile: f7/);
    await expect(checkQuality({ reference: path, features: logs.features, predictions: logs.predictions }, { slices: ['f0'] })).rejects.toThrow(/slice key\(s\) f0 not in the reference profile/);
  });

  it('joins in several passes when the labels do not fit in memory, with the same result', async () => {
    const { d, path } = reference();
    const logs = await writeLogs(d, { n: 2000, seed: 10, world: { concept: 0.3 } });
    const input = { reference: path, features: logs.features, predictions: logs.predictions, labels: logs.labels };
    const once = await checkQuality(input);
    const parts = await checkQuality(input, { maxLabelsInMemory: 300 });
    expect(once.labels!.passes).toBe(1);
    expect(parts.labels!.passes).toBe(8);
    expect({ ...parts, labels: { ...parts.labels, passes: 1 } }).toEqual(once);
  });

  it('reads SQLite prediction logs, and samples the same ids as the feature logs at one rate', async () => {
    const { d } = reference();
    const sqlite = await openPredictionLog(join(d, 'p.db'), { sampleRate: 0.1 });
    let logged = 0;
    for (let i = 0; i < 2000; i++) if (sqlite.prediction({ id: `o${i}`, version: 'v1', output: [0.5, 0.5] })) logged++;
    sqlite.close();
    const ids = [];
    for await (const e of readPredictionLog(join(d, 'p.db'))) if ('record' in e) ids.push(e.record.id);
    expect(ids).toHaveLength(logged);
    expect(logged).toBeGreaterThan(150);
    expect(logged).toBeLessThan(250);
    const { sampled } = await import('../../src/parity/feature-set.js');
    expect(ids).toEqual(Array.from({ length: 2000 }, (_, i) => `o${i}`).filter((id) => sampled(id, 0.1)));
  });

  it('refuses a SQLite file that is not a prediction log, and leaves it as it was', async () => {
    const { d } = reference();
    const path = join(d, 'other.db');
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(path);
    other.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('tea')");
    other.close();
    const before = readFileSync(path);
    await expect(openPredictionLog(path)).rejects.toThrow(/prediction log .*other\.db is not a tfjs-monitor SQLite prediction log \(it has no prediction_log table\); it was left untouched/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
