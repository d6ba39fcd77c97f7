import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProfileBuilder, readProfile, saveProfile } from '../../src/node/index.js';
import { monitorReport } from '../cli/fixtures.js';
import { PROMTOOL } from '../helpers/promtool.js';
import { cli, dir, referenceOf, world, writeLogs } from './fixtures.js';

const d = dir();
const reference = join(d, 'reference.json');
let same: Awaited<ReturnType<typeof writeLogs>>;
let drifted: Awaited<ReturnType<typeof writeLogs>>;

beforeAll(async () => {
  saveProfile(reference, referenceOf(1, 10_000, 3000));
  same = await writeLogs(d, { n: 2000, seed: 2, prefix: 'same-' });
  drifted = await writeLogs(d, { n: 2000, seed: 3, prefix: 'drifted-', world: { shift: 1, concept: 2 } });
});

describe('tfjs-monitor quality', () => {
  it('exits 0 with the drift and quality tables when nothing moved', async () => {
    const { code, stdout, stderr } = await cli('--reference', reference, '--features', same.features, '--predictions', same.predictions, '--labels', same.labels);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^feature +statistic +value +threshold +p-value +PSI +ref\/served +status$/m);
    expect(stdout).toMatch(/^f0 +Jensen-Shannon +\S+ +0\.02 +\S+ +\S+ +10000\/2000 +ok$/m);
    expect(stdout).toMatch(/^v1, \S+ +2000\/2000 +99\.\d+% +accuracy +0\.\d+ +0\.\d+ \[0\.\d+, 0\.\d+\] +-?0\.\d+ \[-0\.\d+, 0\.\d+\] +ok$/m);
    expect(stdout).toMatch(/^findings: none$/m);
  });

  it('exits 1 on a finding, and --json gives the whole report', async () => {
    const { code, stdout } = await cli('--reference', reference, '--features', drifted.features, '--predictions', drifted.predictions, '--labels', drifted.labels, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.status).toBe('finding');
    expect(new Set(report.findings.map((f: { kind: string }) => f.kind))).toEqual(new Set(['input-drift', 'output-drift', 'quality-regression']));
    // … which `tfjs-monitor report --quality` takes whole, as it is written.
    const quality = join(d, 'quality.json');
    writeFileSync(quality, stdout);
    const run = join(d, 'run.json');
    writeFileSync(run, JSON.stringify(monitorReport()));
    const html = await promisify(execFile)('node', ['dist/cli/main.js', 'report', run, '-o', join(d, 'run.html'), '--quality', quality]).catch((e) => e);
    expect(html.stderr).toBe('');
    expect(readFileSync(join(d, 'run.html'), 'utf8')).toMatch(/<h2>Prediction quality and drift<\/h2>/);
  });

  it('exits 3 when nothing was served in the period (nothing to compare with)', async () => {
    const { code, stdout } = await cli('--reference', reference, '--predictions', same.predictions, '--since', '2030-01-01T00:00:00Z');
    expect(code).toBe(3);
    expect(stdout).toMatch(/NO DATA/);
  });

  it('exits 2 on bad input, saying what and where', async () => {
    const cases: [string[], RegExp][] = [
      [['--reference', join(d, 'missing.json'), '--predictions', same.predictions], /reference profile .*missing\.json does not exist/],
      [['--reference', same.predictions, '--predictions', same.predictions], /reference profile .* is not valid JSON/],
      [['--reference', reference, '--predictions', join(d, 'nope.jsonl')], /prediction log .*nope\.jsonl does not exist/],
      [['--reference', reference], /give --features, --predictions, or both/],
      [['--reference', reference, '--predictions', same.predictions, '--window', '1 day'], /--window: cannot read "1 day" as a duration/],
      [['--reference', reference, '--predictions', same.predictions, '--since', 'yesterday'], /--since must be an ISO time/],
      [['--reference', reference, '--predictions', same.predictions, '--js', '2'], /--js must be a number from 0 to 1, got "2"/],
      [['--reference', reference, '--predictions', same.predictions, '--threshold', 'f9=0.1'], /thresholds name feature\(s\) not in the reference profile: f9/],
      [['--reference', reference, '--labels', same.labels, '--features', same.features], /labels need the prediction logs they label/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(...args);
      expect(code, `${args.join(' ')}\n${stderr}`).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('writes Prometheus gauges that promtool accepts: latest drift per feature, quality per version', async () => {
    const prom = join(d, 'quality.prom');
    const { code } = await cli('--reference', reference, '--features', drifted.features, '--predictions', drifted.predictions, '--labels', drifted.labels, '--metrics', prom);
    expect(code).toBe(1);
    const text = readFileSync(prom, 'utf8');
    expect(text).toMatch(/^tfjs_monitor_input_drift\{model="synthetic",feature="f0",statistic="jensen-shannon"\} 0\.\d+$/m);
    expect(text).toMatch(/^tfjs_monitor_input_drift_finding\{model="synthetic",feature="f0",statistic="jensen-shannon"\} 1$/m);
    expect(text).toMatch(/^tfjs_monitor_input_drift_finding\{model="synthetic",feature="f1",statistic="jensen-shannon"\} 0$/m);
    expect(text).toMatch(/^tfjs_monitor_output_drift\{model="synthetic",version="v1",statistic="l-infinity"\} 0\.\d+$/m);
    expect(text).toMatch(/^tfjs_monitor_served_quality\{model="synthetic",version="v1",metric="accuracy"\} 0\.\d+$/m);
    expect(text).toMatch(/^tfjs_monitor_served_quality_regression\{model="synthetic",version="v1",metric="accuracy"\} 1$/m);
    expect(text).toMatch(/^tfjs_monitor_reference_quality\{model="synthetic",metric="logLoss"\} 0\.\d+$/m);
    const promtool = PROMTOOL;
    if (!promtool) return console.warn('\n*** promtool not found: the exposition format check is SKIPPED ***\n');
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = execFile(promtool, ['check', 'metrics'], (error, stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, text: stdout + stderr }));
      child.stdin!.end(text);
    });
    expect(out.code, out.text).toBe(0);
  });

  it('merge: shard profiles into one, equal to profiling all at once', async () => {
    const draw = world(20);
    const rows = Array.from({ length: 900 }, (_, i) => draw(i));
    const build = (part: (i: number) => boolean) => {
      const b = new ProfileBuilder({ task: 'classification', classes: ['no', 'yes'], slices: ['region'] });
      rows.forEach((r, i) => part(i) && (i < 600 ? b.addTraining(r.features) : b.addValidation(r)));
      return b;
    };
    const shards = [0, 1].map((k) => join(d, `shard-${k}.json`));
    shards.forEach((path, k) => saveProfile(path, build((i) => i % 2 === k)));
    const out = join(d, 'merged.json');
    const { code, stdout } = await cli('merge', ...shards, '-o', out);
    expect(code).toBe(0);
    expect(stdout).toBe(`merged 2 profile(s) into ${out}\n`);
    expect(JSON.stringify(readProfile(out))).toBe(JSON.stringify(build(() => true).toJSON()));
    const refused = await cli('merge', shards[0]!, '-o', shards[0]!);
    expect(refused.code).toBe(2);
    writeFileSync(join(d, 'regression.json'), JSON.stringify(new ProfileBuilder({ task: 'regression' }).toJSON()));
    const mixed = await cli('merge', shards[0]!, join(d, 'regression.json'), '-o', join(d, 'x.json'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/profiles with different task cannot be merged: "classification" and "regression"/);
  });
});
