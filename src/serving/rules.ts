import { SERVING_METRICS as M, VERSION_LABELS } from './metric-names.js';

export interface ServingRuleOptions {
  /** Alert when a version's p95 latency over `window` is above this many seconds. */
  p95Seconds: number;
  /** Alert when a version's error ratio (thrown calls and non-finite outputs, over calls) over `window` is above this. */
  errorRatio: number;
  /** The rate window, a Prometheus duration. Default '5m'. */
  window?: string;
  /** How long the condition must hold before the alert fires. Default '10m'. */
  for?: string;
  /** The rule group's evaluation interval; default: the server's. */
  interval?: string;
  /** Only this model's series (the `model` label); default: every model. */
  model?: string;
}

/** The recording rules' names: `level:metric:operation`, per model version. */
export function servingRecordNames(window: string) {
  return {
    p50: `model_version:${M.duration}:p50_${window}`,
    p95: `model_version:${M.duration}:p95_${window}`,
    errorRatio: `model_version:tfjs_monitor_serving_errors:ratio_${window}`,
  };
}

const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** A rule option that Prometheus would refuse: exit 2 in the CLI. */
export class ServingRuleError extends Error {
  override name = 'ServingRuleError';
}

function check(options: ServingRuleOptions): Required<Omit<ServingRuleOptions, 'interval' | 'model'>> {
  const window = options.window ?? '5m';
  const forDuration = options.for ?? '10m';
  for (const [name, v] of [['window', window], ['for', forDuration], ['interval', options.interval]] as const) {
    if (v !== undefined && !PROM_DURATION.test(v)) throw new ServingRuleError(`${name}: ${JSON.stringify(v)} is not a Prometheus duration (e.g. 30s, 5m, 1h30m)`);
  }
  if (!(options.p95Seconds > 0) || !Number.isFinite(options.p95Seconds)) throw new ServingRuleError(`p95: must be a duration above 0, got ${options.p95Seconds} s`);
  if (!(options.errorRatio > 0 && options.errorRatio < 1)) throw new ServingRuleError(`error ratio: must be a fraction between 0 and 1 (0.01 = 1%), got ${options.errorRatio}`);
  return { p95Seconds: options.p95Seconds, errorRatio: options.errorRatio, window, for: forDuration };
}

/**
 * Prometheus recording rules (p50 and p95 latency and the error ratio of each model version) and
 * alerting rules on them, as a rules file. The error ratio counts thrown calls, plus non-finite
 * outputs scaled from the checked calls to all that returned (the monitor may check one call in N).
 */
export function servingRules(options: ServingRuleOptions): string {
  const o = check(options);
  const by = `by (${VERSION_LABELS.join(', ')})`;
  const filter = options.model === undefined ? '' : `{model=${JSON.stringify(options.model)}}`;
  const rate = (metric: string) => `sum ${by} (rate(${metric}${filter}[${o.window}]))`;
  const names = servingRecordNames(o.window);
  const quantile = (q: number) => `histogram_quantile(${q}, sum by (${VERSION_LABELS.join(', ')}, le) (rate(${M.duration}_bucket${filter}[${o.window}])))`;
  const errorRatio = [
    '(',
    `  ${rate(M.errors)}`,
    `  + ${rate(M.nonFinite)}`,
    `    * (${rate(M.requests)} - ${rate(M.errors)})`,
    `    / clamp_min(${rate(M.checks)}, 1e-12)`,
    ')',
    `/ ${rate(M.requests)}`,
  ];
  const who = '{{ $labels.model }} {{ $labels.model_version }} (code {{ $labels.code_version }}, data {{ $labels.data_version }})';
  const lines = [
    'groups:',
    `  - name: tfjs-monitor-serving${options.model === undefined ? '' : `-${options.model.replace(/[^A-Za-z0-9_-]/g, '_')}`}`,
    ...(options.interval ? [`    interval: ${options.interval}`] : []),
    '    rules:',
    `      - record: ${names.p50}`,
    `        expr: ${quantile(0.5)}`,
    `      - record: ${names.p95}`,
    `        expr: ${quantile(0.95)}`,
    `      - record: ${names.errorRatio}`,
    '        expr: |',
    ...errorRatio.map((l) => `          ${l}`),
    '      - alert: TfjsMonitorServingLatencyHigh',
    `        expr: ${names.p95} > ${o.p95Seconds}`,
    `        for: ${o.for}`,
    '        labels:',
    '          severity: warning',
    '        annotations:',
    `          summary: ${JSON.stringify(`${who}: p95 latency over ${o.p95Seconds} s`)}`,
    `          description: ${JSON.stringify(`p95 latency over the last ${o.window} is {{ $value | humanizeDuration }}, above ${o.p95Seconds} s for ${o.for}.`)}`,
    '      - alert: TfjsMonitorServingErrorRatioHigh',
    `        expr: ${names.errorRatio} > ${o.errorRatio}`,
    `        for: ${o.for}`,
    '        labels:',
    '          severity: warning',
    '        annotations:',
    `          summary: ${JSON.stringify(`${who}: error ratio over ${o.errorRatio}`)}`,
    `          description: ${JSON.stringify(`{{ $value | humanizePercentage }} of calls over the last ${o.window} threw or returned NaN/Infinity, above ${o.errorRatio} for ${o.for}.`)}`,
  ];
  return lines.join('\n') + '\n';
}
