import { describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/run-cli.js';
import { PROMTOOL, promtoolRules, warnIfNoPromtool } from '../helpers/promtool.js';
import { servingRules } from '../../src/node/index.js';

/** The built CLI in its own process, as a user runs it. */
const cli = (...args: string[]) => spawnCli(args);

warnIfNoPromtool('the serving alerting-rule tests are');

const labels = (version: string) => `model="mnist-mlp",model_version="${version}",code_version="c1",data_version="d1"`;
const bucket = (version: string, le: string) => `tfjs_monitor_serving_request_duration_seconds_bucket{${labels(version)},le="${le}"}`;
const counter = (name: string, version: string) => `tfjs_monitor_serving_${name}_total{${labels(version)}}`;

/**
 * Per minute, each version serves 60 calls. v1: all under 0.5 ms, no error. v2: all between 1 and
 * 2.5 ms, no error. v3: fast; 12 calls throw (20%), 16 of the 48 returned are checked and 1 of
 * those holds NaN (1/16 of 48 returned: 3 more bad calls), so 15 of 60 failed: 25%.
 */
const SERIES: [string, string][] = [
  ...['0.0005', '0.001', '0.0025', '+Inf'].map((le): [string, string] => [bucket('v1', le), '0+60x30']),
  ...['0.0005', '0.001'].map((le): [string, string] => [bucket('v2', le), '0x30']),
  ...['0.0025', '+Inf'].map((le): [string, string] => [bucket('v2', le), '0+60x30']),
  ...['0.0005', '0.001', '0.0025', '+Inf'].map((le): [string, string] => [bucket('v3', le), '0+48x30']),
  ...['v1', 'v2', 'v3'].map((v): [string, string] => [counter('requests', v), '0+60x30']),
  ...['v1', 'v2'].flatMap((v): [string, string][] => [[counter('errors', v), '0x30'], [counter('non_finite_outputs', v), '0x30'], [counter('output_checks', v), '0+60x30']]),
  [counter('errors', 'v3'), '0+12x30'],
  [counter('non_finite_outputs', 'v3'), '0+1x30'],
  [counter('output_checks', 'v3'), '0+16x30'],
];

describe('Prometheus rules for serving (promtool)', () => {
  it.skipIf(!PROMTOOL)('record p95 and the error ratio per version, and alert on the slow one and the failing one only', async () => {
    const rules = await cli('serving', 'rules', '--p95', '1ms', '--error-ratio', '0.01', '--window', '5m', '--for', '2m');
    expect(rules.code, rules.stderr).toBe(0);
    expect(rules.stdout).toBe(servingRules({ p95Seconds: 0.001, errorRatio: 0.01, window: '5m', for: '2m' }));
    const who = (v: string) => `mnist-mlp ${v} (code c1, data d1)`;
    const alert = (v: string) => `{ severity: warning, model: mnist-mlp, model_version: ${v}, code_version: c1, data_version: d1 }`;
    const { check, test } = await promtoolRules(
      rules.stdout,
      `  - interval: 1m
    input_series:
${SERIES.map(([s, v]) => `      - series: '${s}'\n        values: '${v}'`).join('\n')}
    promql_expr_test:
      - expr: model_version:tfjs_monitor_serving_request_duration_seconds:p95_5m
        eval_time: 10m
        exp_samples:
          - { labels: 'model_version:tfjs_monitor_serving_request_duration_seconds:p95_5m{${labels('v1')}}', value: 0.000475 }
          - { labels: 'model_version:tfjs_monitor_serving_request_duration_seconds:p95_5m{${labels('v2')}}', value: 0.002425 }
          - { labels: 'model_version:tfjs_monitor_serving_request_duration_seconds:p95_5m{${labels('v3')}}', value: 0.000475 }
      - expr: model_version:tfjs_monitor_serving_errors:ratio_5m
        eval_time: 10m
        exp_samples:
          - { labels: 'model_version:tfjs_monitor_serving_errors:ratio_5m{${labels('v1')}}', value: 0 }
          - { labels: 'model_version:tfjs_monitor_serving_errors:ratio_5m{${labels('v2')}}', value: 0 }
          - { labels: 'model_version:tfjs_monitor_serving_errors:ratio_5m{${labels('v3')}}', value: 0.25 }
    alert_rule_test:
      - eval_time: 1m
        alertname: TfjsMonitorServingLatencyHigh
        exp_alerts: []
      - eval_time: 10m
        alertname: TfjsMonitorServingLatencyHigh
        exp_alerts:
          - exp_labels: ${alert('v2')}
            exp_annotations:
              summary: "${who('v2')}: p95 latency over 0.001 s"
              description: "p95 latency over the last 5m is 2.425ms, above 0.001 s for 2m."
      - eval_time: 10m
        alertname: TfjsMonitorServingErrorRatioHigh
        exp_alerts:
          - exp_labels: ${alert('v3')}
            exp_annotations:
              summary: "${who('v3')}: error ratio over 0.01"
              description: "25% of calls over the last 5m threw or returned NaN/Infinity, above 0.01 for 2m."
`,
    );
    expect(check.out).toMatch(/SUCCESS: 5 rules found/);
    expect(test.ok, test.out).toBe(true);
  });

  it('refuses what Prometheus would refuse, with exit 2', async () => {
    expect((await cli('serving', 'rules', '--p95', 'fast', '--error-ratio', '0.01')).stderr).toMatch(/--p95: cannot read "fast" as a duration/);
    const window = await cli('serving', 'rules', '--p95', '50ms', '--error-ratio', '0.01', '--window', '5 minutes');
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/window: "5 minutes" is not a Prometheus duration/);
    const ratio = await cli('serving', 'rules', '--p95', '50ms', '--error-ratio', '2');
    expect(ratio.code).toBe(2);
    expect(ratio.stderr).toMatch(/error ratio: must be a fraction between 0 and 1/);
    expect((await cli('serving', 'rules', '--error-ratio', '0.01')).code).toBe(2);
  });
});
