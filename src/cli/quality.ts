import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkQuality } from '../node/check-quality.js';
import { mergeProfileFiles, saveProfile } from '../node/profile-file.js';
import { qualityRegistry } from '../node/quality-prometheus.js';
import { nonFiniteReplacer } from '../parity/log-record.js';
import { formatQuality } from '../quality/format.js';
import type { QualityOptions } from '../quality/options.js';
import { parseDuration } from '../staleness/duration.js';
import { UsageError, type Io } from './io.js';

const USAGE = `usage: tfjs-monitor quality --reference <profile.json> [--features <serving-log>]… [--predictions <prediction-log>]… [--labels <log>]…
         [--window 1d] [--since ISO] [--until ISO] [--slice feature]… [--threshold feature=0.05,(output)=0.1]
         [--js 0.02] [--linf 0.05] [--false-alarm-rate 0.01] [--min-examples 100] [--min-labelled 100] [--json] [--metrics out.prom]
       tfjs-monitor quality merge <profile.json>… -o <merged.json>`;

function number(flag: string, value: string | undefined, { min = 0, max = Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be an ISO time such as 2026-11-20T00:00:00Z, got ${JSON.stringify(value)}`);
  return t;
}

/** `petal_width_cm=0.05,(output)=0.1` */
function thresholds(value: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of (value ?? '').split(',').filter(Boolean)) {
    const at = item.lastIndexOf('=');
    const n = Number(item.slice(at + 1));
    if (at <= 0 || !Number.isFinite(n) || n < 0) throw new UsageError(`--threshold: cannot read ${JSON.stringify(item)}; write feature=0.05 pairs separated by commas`);
    out[item.slice(0, at).trim()] = n;
  }
  return out;
}

/** Writes via a temporary file, so a reader (node_exporter's textfile collector) never sees half of it. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function merge(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } });
  if (positionals.length < 1 || !values.output) throw new UsageError(USAGE);
  if (positionals.includes(values.output)) throw new UsageError(`-o ${values.output} is one of the profiles to merge: write the merge to a new file`);
  saveProfile(values.output, mergeProfileFiles(positionals));
  io.out(`merged ${positionals.length} profile(s) into ${values.output}`);
  return 0;
}

/** `tfjs-monitor quality …`: exit 1 on a finding, 3 when nothing was served in the period, 0 otherwise. */
export async function quality(args: string[], io: Io): Promise<number> {
  if (args[0] === 'merge') return merge(args.slice(1), io);
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reference: { type: 'string' },
      features: { type: 'string', multiple: true },
      predictions: { type: 'string', multiple: true },
      labels: { type: 'string', multiple: true },
      window: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      slice: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      js: { type: 'string' },
      linf: { type: 'string' },
      'false-alarm-rate': { type: 'string' },
      'min-examples': { type: 'string' },
      'min-labelled': { type: 'string' },
      json: { type: 'boolean' },
      metrics: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n${USAGE}`);
  if (!values.reference) throw new UsageError(`missing --reference\n${USAGE}`);
  if (!values.features && !values.predictions) throw new UsageError(`give --features, --predictions, or both\n${USAGE}`);
  const options: QualityOptions = {
    ...(values.window !== undefined ? { windowMs: parseDuration(values.window, '--window') } : {}),
    ...(values.since !== undefined ? { since: time('since', values.since) } : {}),
    ...(values.until !== undefined ? { until: time('until', values.until) } : {}),
    ...(values.slice ? { slices: values.slice } : {}),
    thresholds: thresholds(values.threshold),
  };
  const set = <K extends keyof QualityOptions>(key: K, v: QualityOptions[K] | undefined) => v !== undefined && (options[key] = v);
  set('jensenShannon', number('js', values.js, { max: 1 }));
  set('lInfinity', number('linf', values.linf, { max: 1 }));
  set('falseAlarmRate', number('false-alarm-rate', values['false-alarm-rate'], { min: 1e-9, max: 0.5 }));
  set('minExamples', number('min-examples', values['min-examples'], { min: 1, integer: true }));
  set('minLabelled', number('min-labelled', values['min-labelled'], { min: 1, integer: true }));
  const report = await checkQuality(
    {
      reference: values.reference,
      ...(values.features ? { features: values.features } : {}),
      ...(values.predictions ? { predictions: values.predictions } : {}),
      ...(values.labels ? { labels: values.labels } : {}),
    },
    options,
  );
  if (values.metrics) writeAtomically(values.metrics, await (await qualityRegistry(report)).metrics());
  io.out(values.json ? JSON.stringify(report, nonFiniteReplacer, 2) : formatQuality(report)); // NaN stays NaN, as in the logs
  return report.status === 'no-data' ? 3 : report.status === 'finding' ? 1 : 0;
}
