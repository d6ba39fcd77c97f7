import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/run-cli.js';
import { PROMTOOL, promtoolRules, warnIfNoPromtool } from '../helpers/promtool.js';
import { stalenessServe } from '../../src/cli/staleness.js';
import { tempDir, uniqueModel } from './stores.js';

/** The built CLI in its own process, as a user runs it. */
const cli = (...args: string[]) => spawnCli(args);

async function seeded() {
  const store = join(tempDir(), 'stages.db');
  const model = uniqueModel('ranker');
  const at = (iso: string) => ['--at', iso];
  for (const [version, stage, time] of [
    ['v1', 'data_snapshot', '2026-11-10T00:00:00Z'],
    ['v1', 'train_end', '2026-11-10T06:00:00Z'],
    ['v1', 'deploy', '2026-11-11T00:00:00Z'],
    ['v2', 'data_snapshot', '2026-11-19T00:00:00Z'],
    ['v2', 'features', '2026-11-19T01:00:00Z'],
    ['v2', 'train_start', '2026-11-19T02:00:00Z'],
  ] as const) {
    const r = await cli('stage', 'record', '--store', store, '--model', model, '--version', version, '--stage', stage, ...at(time));
    expect(r.code, r.stderr).toBe(0);
  }
  return { store, model };
}

describe('tfjs-monitor stage record and staleness', () => {
  it('records stages from shell steps, and says when a retry changed nothing', async () => {
    const store = join(tempDir(), 's.db');
    const args = ['stage', 'record', '--store', store, '--model', 'm', '--version', 'v1', '--stage', 'deploy', '--at', '2026-11-20T00:00:00Z', '--meta', '{"by":"ci"}'];
    expect((await cli(...args)).stdout).toMatch(/^m v1 deploy: recorded$/m);
    expect((await cli(...args)).stdout).toMatch(/unchanged/);
  });

  it('prints the age in production and per stage, and exits 1 naming the stalled stage', async () => {
    const { store, model } = await seeded();
    const r = await cli('staleness', '--store', store, '--model', model, '--slo', 'train_end=26h,deploy=8d', '--now', '2026-11-20T12:00:00Z');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/in production: v1, deployed 1w2d ago; model age 1w3d \(since its data_snapshot\)/);
    expect(r.stdout).toMatch(/^train_end +2026-11-10T06:00:00\.000Z +v1 +1w3d +1d2h +STALLED: v2 waiting 1d10h$/m);
    expect(r.stdout).toMatch(/^deploy +2026-11-11T00:00:00\.000Z +v1 +1w2d +1w1d +ok$/m);
    expect(r.stdout).toMatch(/in flight: v2, last stage train_start 1d10h ago/);
    expect(r.stdout).toMatch(/STALLED .*version v2 finished train_start 1d10h ago and has not completed train_end, past its SLO of 1d2h/);

    const ok = await cli('staleness', '--store', store, '--model', model, '--slo', 'train_end=2d', '--now', '2026-11-20T12:00:00Z', '--json');
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.production.version).toBe('v1');
    expect(report.stalled).toEqual([]);
  });

  it('answers bad input with exit 2 and a message naming what is wrong, changing nothing', async () => {
    const { store, model } = await seeded();
    const bad = [
      [['staleness', '--store', store, '--model', model, '--slo', 'train_end=26 hours'], /--slo train_end: cannot read "26 hours" as a duration/],
      [['staleness', '--store', store, '--model', model, '--slo', 'train_end'], /--slo: expected stage=duration pairs/],
      [['staleness', '--store', store, '--model', model, '--slo', 'trainend=1h'], /unknown stage "trainend"/],
      [['staleness', '--store', join(tempDir(), 'missing.db'), '--model', model], /store .*missing\.db does not exist/],
      [['stage', 'record', '--store', store, '--model', model, '--version', 'v3', '--stage', 'deploi'], /unknown stage "deploi"; the pipeline's stages are: data_snapshot/],
      [['stage', 'record', '--store', store, '--model', model, '--version', 'v3', '--stage', 'deploy', '--at', '2099-01-01T00:00:00Z'], /in the future/],
      [['stage', 'record', '--store', store, '--model', model, '--stage', 'deploy'], /missing --version/],
      [['stage', 'record', '--store', store, '--model', model, '--version', 'v3', '--stage', 'deploy', '--meta', '{oops'], /--meta must be a JSON object/],
      [['staleness', '--store', 'postgresql://u:pw@127.0.0.1:1/x', '--model', model], /cannot open the PostgreSQL store at postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/],
    ] as const;
    for (const [args, message] of bad) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const corrupt = join(tempDir(), 'corrupt.db');
    writeFileSync(corrupt, 'not sqlite');
    expect(await cli('staleness', '--store', corrupt, '--model', 'x')).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a tfjs-monitor SQLite store .*left untouched/) });
    const after = await cli('staleness', '--store', store, '--model', model, '--json');
    expect(JSON.parse(after.stdout).inFlight.map((v: { version: string }) => v.version)).toEqual(['v2']); // nothing was added
  });
});

describe('Prometheus export', () => {
  it('serves stage timestamps, not ages, for a Prometheus server to scrape', async () => {
    const { store, model } = await seeded();
    const stop = new AbortController();
    const lines: string[] = [];
    const serving = stalenessServe(['--store', store, '--port', '0'], { out: (t) => lines.push(t), err: (t) => lines.push(t) }, stop.signal);
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    const url = lines[0]!.match(/http:\/\/\S+/)![0];
    const body = await (await fetch(url)).text();
    stop.abort();
    expect(await serving).toBe(0);
    const at = (iso: string) => String(Date.parse(iso) / 1000);
    expect(body).toContain(`tfjs_monitor_pipeline_stage_last_success_timestamp_seconds{model="${model}",stage="train_start"} ${at('2026-11-19T02:00:00Z')}`);
    expect(body).toContain(`tfjs_monitor_model_in_production_timestamp_seconds{model="${model}",version="v1"} ${at('2026-11-11T00:00:00Z')}`);
    expect(body).toContain(`tfjs_monitor_model_in_production_data_timestamp_seconds{model="${model}",version="v1"} ${at('2026-11-10T00:00:00Z')}`);
    expect(body).toMatch(/# TYPE tfjs_monitor_pipeline_stage_last_success_timestamp_seconds gauge/);
  });

  warnIfNoPromtool('the alerting-rule evaluation test is');

  it.skipIf(!PROMTOOL)('generates alerting rules that Prometheus itself fires exactly when a stage is stalled', async () => {
    const rules = await cli('staleness', 'rules', '--model', 'ranker', '--slo', 'data_snapshot=1d,train_start=2h');
    expect(rules.code).toBe(0);
    const annotation = (stage: string, key: string) => rules.stdout.match(new RegExp(`stage: "${stage}"\\n.*\\n\\s+summary: (.*)\\n\\s+description: (.*)`))![key === 'summary' ? 1 : 2];
    const metric = (stage: string) => `tfjs_monitor_pipeline_stage_last_success_timestamp_seconds{model="ranker",stage="${stage}"}`;
    // promtool's clock starts at 0: features succeeded at t=600 s; train_start only at t=9000 s.
    const { check, test } = await promtoolRules(
      rules.stdout,
      `  - interval: 1m
    input_series:
      - series: '${metric('data_snapshot')}'
        values: '0x300'
      - series: '${metric('features')}'
        values: '600x300'
      - series: '${metric('train_start')}'
        values: '_x149 9000x150'
    alert_rule_test:
      - eval_time: 1h
        alertname: TfjsMonitorStageStalled
        exp_alerts: []
      - eval_time: 2h20m
        alertname: TfjsMonitorStageStalled
        exp_alerts:
          - exp_labels: { severity: warning, model: ranker, stage: train_start }
            exp_annotations: { summary: ${annotation('train_start', 'summary')}, description: ${annotation('train_start', 'description')} }
      - eval_time: 2h40m
        alertname: TfjsMonitorStageStalled
        exp_alerts: []
`,
    );
    expect(check.out).toMatch(/SUCCESS: 2 rules found/);
    expect(test.ok, test.out).toBe(true);
  });
});
