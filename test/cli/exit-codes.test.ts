import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBaseline } from '../../src/speed/baseline-file.js';
import { monitorReport, parityReport, qualityReport, speedSummary, stalenessReport, tempDir, writeJson } from './fixtures.js';
import { runCli } from './run-cli.js';
import { latencies, syntheticRun } from '../serving/runs.js';

/**
 * The README's exit-code table, checked command by command. To add a case, add a row:
 * `args` is the command line (file names are relative to a fresh folder, made by `setup`),
 * `code` the exit code the README promises, `stderr` what the user must be told.
 * 0 ok · 1 finding · 2 bad input · 3 nothing to compare with · 4 only for bugs (no row may expect 4).
 */
interface Row {
  why: string;
  args: string[];
  setup?: (f: Folder) => unknown;
  code: 0 | 1 | 2 | 3;
  stderr: RegExp;
}

class Folder {
  readonly dir = tempDir();
  at = (name: string) => join(this.dir, name);
  json = (name: string, value: unknown) => writeJson(this.dir, name, value);
  text = (name: string, text: string) => writeFileSync(this.at(name), text);
  folder = (name: string) => mkdirSync(this.at(name));
  /** A JSON-lines feature log, one record per `features` entry, ids e0, e1, … */
  featureLog = (name: string, side: 'training' | 'serving', features: Record<string, number>[]) =>
    this.text(name, features.map((f, i) => JSON.stringify({ side, id: `e${i}`, fp: 'fp1', ts: 1, features: f, violations: [] }) + '\n').join(''));
}

const NONE = /^$/;
/** A SQLite file of another application's. */
const foreignSqlite = (path: string) => {
  const db = new Database(path);
  db.exec('CREATE TABLE notes (x)');
  db.close();
};
const run = (f: Folder, speed = speedSummary()) => f.json('run.json', { ...monitorReport(), speed: { ...monitorReport().speed, ...speed } });
const baseline = (f: Folder, speed = speedSummary()) => recordBaseline(f.at('baseline.json'), speed);
const both = (f: Folder) => (run(f), baseline(f));
const stages = async (f: Folder) => {
  for (const [version, stage, at, meta] of [['v1', 'data_snapshot', '2026-11-10T00:00:00Z', '{"snapshot":"s-1110"}'], ['v1', 'deploy', '2026-11-11T00:00:00Z']]) {
    const r = await runCli(['stage', 'record', '--store', f.at('stages.db'), '--model', 'ranker', '--version', version!, '--stage', stage!, '--at', at!, ...(meta ? ['--meta', meta] : [])]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
};
const logs = (f: Folder, serving: Record<string, number>[] = [{ x: 1 }, { x: 2 }]) => {
  f.featureLog('training.jsonl', 'training', [{ x: 1 }, { x: 2 }]);
  f.featureLog('serving.jsonl', 'serving', serving);
};
const htmlInputs = (f: Folder) => (f.json('run.json', monitorReport()), f.json('staleness.json', stalenessReport()), f.json('parity.json', parityReport()), f.json('quality.json', qualityReport()));
const speedWithMemory = (memory: object) => speedSummary({ memory: { ...speedSummary().memory, ...memory } });
/** Two serving runs of 600 calls: the run `slower` times slower than the baseline, and of `batch` examples per call. */
const servingRuns = (f: Folder, slower = 1, batch = 1, calls = 600) => (
  f.json('v1.json', syntheticRun(latencies(600, 0.001, 1))),
  f.json('v2.json', syntheticRun(latencies(calls, 0.001 * slower, 2), { batchSize: { min: batch, max: batch, mean: batch } }))
);

const ROWS: Row[] = [
  // speed compare
  { why: 'same figures', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: both, code: 0, stderr: NONE },
  { why: 'half the throughput', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f), run(f, speedSummary({ examplesPerSecond: 5_000 }))), code: 1, stderr: NONE },
  { why: 'no baseline for the key', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f), run(f, speedSummary({ key: { ...speedSummary().key, backend: 'webgl' } }))), code: 3, stderr: /no baseline in .* backend webgl; record one/ },
  { why: 'throughput null in the run', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f), run(f, speedSummary({ examplesPerSecond: null }))), code: 3, stderr: /not comparable .*examples\/s \(median\) missing in the run/ },
  { why: 'a baseline with 0 peak tensors', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f, speedWithMemory({ peakNumTensors: 0 })), run(f)), code: 3, stderr: /not comparable .*peak tensors is 0 in the baseline/ },
  { why: 'no baseline file', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: run, code: 2, stderr: /baseline file .*baseline\.json does not exist/ },
  { why: 'a directory as the baseline', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (run(f), f.folder('baseline.json')), code: 2, stderr: /baseline file .*baseline\.json is a directory/ },
  { why: 'a baseline that is not JSON', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (run(f), f.text('baseline.json', '{"format":')), code: 2, stderr: /baseline file .* is not valid JSON/ },
  { why: 'a baseline of another format', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (run(f), f.json('baseline.json', { entries: [] })), code: 2, stderr: /not a tfjs-monitor speed baseline: format: / },
  { why: 'a run file without speed figures', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f), f.json('run.json', { status: 'healthy' })), code: 2, stderr: /run file .* holds no speed summary/ },
  { why: 'a run file with a string as throughput', args: ['speed', 'compare', 'baseline.json', 'run.json'], setup: (f) => (baseline(f), f.json('run.json', { speed: { ...speedSummary(), examplesPerSecond: 'fast' } })), code: 2, stderr: /speed\.examplesPerSecond: / },
  { why: 'a bad tolerance', args: ['speed', 'compare', 'baseline.json', 'run.json', '--throughput', 'lots'], setup: both, code: 2, stderr: /--throughput must be a fraction/ },
  { why: 'one file only', args: ['speed', 'compare', 'run.json'], code: 2, stderr: /usage: tfjs-monitor speed compare/ },
  // speed record
  { why: 'a complete run', args: ['speed', 'record', 'run.json', '--baseline', 'baseline.json'], setup: run, code: 0, stderr: NONE },
  { why: 'a run that ran no batch', args: ['speed', 'record', 'run.json', '--baseline', 'baseline.json'], setup: (f) => run(f, speedSummary({ batches: 0 })), code: 2, stderr: /cannot be a baseline: it ran no batch/ },
  { why: 'a run that was stopped early', args: ['speed', 'record', 'run.json', '--baseline', 'baseline.json'], setup: (f) => f.json('run.json', { ...monitorReport(), status: 'stopped' }), code: 2, stderr: /cannot be a baseline: the run was stopped early/ },
  { why: 'a corrupt baseline, left untouched', args: ['speed', 'record', 'run.json', '--baseline', 'baseline.json'], setup: (f) => (run(f), f.text('baseline.json', '[')), code: 2, stderr: /not valid JSON.*left untouched/ },
  { why: 'a directory as the baseline', args: ['speed', 'record', 'run.json', '--baseline', 'baseline.json'], setup: (f) => (run(f), f.folder('baseline.json')), code: 2, stderr: /is a directory/ },
  { why: 'no --baseline', args: ['speed', 'record', 'run.json'], setup: run, code: 2, stderr: /usage: tfjs-monitor speed record/ },
  // report
  { why: 'run, staleness, parity and quality', args: ['report', 'run.json', '-o', 'run.html', '--staleness', 'staleness.json', '--parity', 'parity.json', '--quality', 'quality.json'], setup: htmlInputs, code: 0, stderr: NONE },
  { why: 'a run with a string as a layer measure', args: ['report', 'run.json', '-o', 'run.html'], setup: (f) => f.json('run.json', { ...monitorReport(), layers: [{ ...monitorReport().layers[0], last: { maxAbs: 'big' } }] }), code: 2, stderr: /layers\[0\]\.last\.maxAbs/ },
  { why: 'the output is the run', args: ['report', 'run.json', '-o', 'run.json'], setup: htmlInputs, code: 2, stderr: /is also an input/ },
  { why: 'a directory as the run', args: ['report', 'run.json', '-o', 'run.html'], setup: (f) => f.folder('run.json'), code: 2, stderr: /run file .* is a directory/ },
  { why: 'no such output folder', args: ['report', 'run.json', '-o', 'out/run.html'], setup: htmlInputs, code: 2, stderr: /cannot write .*no such folder/ },
  { why: 'a staleness report with a null stalled stage', args: ['report', 'run.json', '-o', 'run.html', '--staleness', 'staleness.json'], setup: (f) => (htmlInputs(f), f.json('staleness.json', { ...stalenessReport(), stalled: [null] })), code: 2, stderr: /stalled\[0\]/ },
  { why: 'a parity report with a null example', args: ['report', 'run.json', '-o', 'run.html', '--parity', 'parity.json'], setup: (f) => (htmlInputs(f), f.json('parity.json', { ...parityReport(), features: [{ ...parityReport().features[0], examples: [null] }] })), code: 2, stderr: /features\[0\]\.examples\[0\]/ },
  { why: 'a quality report with a string as a drift value', args: ['report', 'run.json', '-o', 'run.html', '--quality', 'quality.json'], setup: (f) => (htmlInputs(f), f.json('quality.json', { ...qualityReport(), outputDrift: [{ ...qualityReport().outputDrift[0], output: { ...qualityReport().outputDrift[0]!.output, value: 'high' } }] })), code: 2, stderr: /quality report .*quality\.json .*outputDrift\[0\]\.output\.value/ },
  { why: 'no -o', args: ['report', 'run.json'], setup: htmlInputs, code: 2, stderr: /usage: tfjs-monitor report/ },
  // parity
  { why: 'identical logs', args: ['parity', 'training.jsonl', 'serving.jsonl'], setup: (f) => logs(f), code: 0, stderr: NONE },
  { why: 'a skewed feature', args: ['parity', 'training.jsonl', 'serving.jsonl'], setup: (f) => logs(f, [{ x: 1 }, { x: 3 }]), code: 1, stderr: NONE },
  { why: 'an empty serving log', args: ['parity', 'training.jsonl', 'serving.jsonl'], setup: (f) => logs(f, []), code: 1, stderr: NONE },
  { why: 'a missing log', args: ['parity', 'training.jsonl', 'nope.jsonl'], setup: (f) => logs(f), code: 2, stderr: /feature log .*nope\.jsonl does not exist/ },
  { why: 'a directory as a log', args: ['parity', 'training.jsonl', 'serving.jsonl'], setup: (f) => (f.featureLog('training.jsonl', 'training', [{ x: 1 }]), f.folder('serving.jsonl')), code: 2, stderr: /feature log .*serving\.jsonl is a directory/ },
  { why: 'a .db log that is not SQLite', args: ['parity', 'training.db', 'serving.jsonl'], setup: (f) => (logs(f), f.text('training.db', 'hello')), code: 2, stderr: /not a tfjs-monitor SQLite feature log.*left untouched/ },
  { why: 'a tolerance for an unknown feature', args: ['parity', 'training.jsonl', 'serving.jsonl', '--tolerance', 'y=abs:1'], setup: (f) => logs(f), code: 2, stderr: /not in the training log: y/ },
  { why: 'one log only', args: ['parity', 'training.jsonl'], code: 2, stderr: /usage: tfjs-monitor parity/ },
  // stage record
  { why: 'a stage', args: ['stage', 'record', '--store', 'stages.db', '--model', 'm', '--version', 'v1', '--stage', 'deploy'], code: 0, stderr: NONE },
  { why: 'an unknown stage', args: ['stage', 'record', '--store', 'stages.db', '--model', 'm', '--version', 'v1', '--stage', 'shipit'], code: 2, stderr: /unknown stage "shipit"/ },
  { why: 'an unreadable time', args: ['stage', 'record', '--store', 'stages.db', '--model', 'm', '--version', 'v1', '--stage', 'deploy', '--at', 'yesterday'], code: 2, stderr: /cannot read "yesterday" as a time/ },
  { why: '--meta that is not JSON', args: ['stage', 'record', '--store', 'stages.db', '--model', 'm', '--version', 'v1', '--stage', 'deploy', '--meta', '{by'], code: 2, stderr: /--meta must be a JSON object/ },
  { why: 'a store that is not SQLite', args: ['stage', 'record', '--store', 'stages.db', '--model', 'm', '--version', 'v1', '--stage', 'deploy'], setup: (f) => f.text('stages.db', 'hello'), code: 2, stderr: /not a tfjs-monitor SQLite store.*left untouched/ },
  { why: 'no --model', args: ['stage', 'record', '--store', 'stages.db', '--version', 'v1', '--stage', 'deploy'], code: 2, stderr: /missing --model/ },
  { why: "another application's SQLite file", args: ['stage', 'record', '--store', 'other.db', '--model', 'm', '--version', 'v1', '--stage', 'deploy'], setup: (f) => foreignSqlite(f.at('other.db')), code: 2, stderr: /other\.db is not a tfjs-monitor SQLite store \(it has no stage_events table\); it was left untouched/ },
  { why: 'an in-memory store', args: ['stage', 'record', '--store', ':memory:', '--model', 'm', '--version', 'v1', '--stage', 'deploy'], code: 2, stderr: /--store :memory: is an in-memory database/ },
  // stage consumers
  { why: 'a snapshot a version consumed', args: ['stage', 'consumers', '--store', 'stages.db', '--snapshot', 's-1110'], setup: stages, code: 0, stderr: NONE },
  { why: 'a snapshot no version consumed (an answer, not a finding)', args: ['stage', 'consumers', '--store', 'stages.db', '--snapshot', 's-0101'], setup: stages, code: 0, stderr: NONE },
  { why: 'a model with no events (a typo): warned', args: ['stage', 'consumers', '--store', 'stages.db', '--snapshot', 's-1110', '--model', 'rankr'], setup: stages, code: 0, stderr: /warning: .*no stage events are recorded for model "rankr".*\(models in the store: ranker\)/ },
  { why: 'no store', args: ['stage', 'consumers', '--store', 'nope.db', '--snapshot', 's-1110'], code: 2, stderr: /store .*nope\.db does not exist/ },
  { why: 'a store that is not SQLite', args: ['stage', 'consumers', '--store', 'stages.db', '--snapshot', 's-1110'], setup: (f) => f.text('stages.db', 'hello'), code: 2, stderr: /not a tfjs-monitor SQLite store.*left untouched/ },
  { why: 'no --snapshot', args: ['stage', 'consumers', '--store', 'stages.db'], setup: stages, code: 2, stderr: /missing --snapshot/ },
  { why: 'an in-memory store', args: ['stage', 'consumers', '--store', ':memory:', '--snapshot', 's-1110'], code: 2, stderr: /--store :memory: is an in-memory database/ },
  { why: 'an unreadable --timeout', args: ['stage', 'consumers', '--store', 'stages.db', '--snapshot', 's-1110', '--timeout', 'long'], setup: stages, code: 2, stderr: /--timeout: cannot read "long" as a duration/ },
  // staleness
  { why: 'within its SLO', args: ['staleness', '--store', 'stages.db', '--model', 'ranker', '--slo', 'deploy=8d', '--now', '2026-11-12T00:00:00Z'], setup: stages, code: 0, stderr: NONE },
  { why: 'a stalled stage', args: ['staleness', '--store', 'stages.db', '--model', 'ranker', '--slo', 'data_snapshot=1d', '--now', '2026-11-20T00:00:00Z'], setup: stages, code: 1, stderr: NONE },
  { why: 'a model with no events (a typo)', args: ['staleness', '--store', 'stages.db', '--model', 'rankr', '--slo', 'deploy=8d'], setup: stages, code: 1, stderr: NONE },
  { why: 'no store', args: ['staleness', '--store', 'nope.db', '--model', 'ranker'], code: 2, stderr: /store .*nope\.db does not exist/ },
  { why: 'a store that is not SQLite', args: ['staleness', '--store', 'stages.db', '--model', 'ranker'], setup: (f) => f.text('stages.db', 'hello'), code: 2, stderr: /not a tfjs-monitor SQLite store.*left untouched/ },
  { why: 'an unreadable duration', args: ['staleness', '--store', 'stages.db', '--model', 'ranker', '--slo', 'deploy=8days'], setup: stages, code: 2, stderr: /cannot read "8days" as a duration/ },
  { why: 'an unreadable --now', args: ['staleness', '--store', 'stages.db', '--model', 'ranker', '--now', 'soon'], setup: stages, code: 2, stderr: /cannot read "soon" as a time/ },
  // staleness rules
  { why: 'rules for an SLO', args: ['staleness', 'rules', '--model', 'ranker', '--slo', 'deploy=8d'], code: 0, stderr: NONE },
  { why: 'an SLO for an unknown stage', args: ['staleness', 'rules', '--model', 'ranker', '--slo', 'shipit=1d'], code: 2, stderr: /unknown stage "shipit"/ },
  { why: 'no --slo', args: ['staleness', 'rules', '--model', 'ranker'], code: 2, stderr: /missing --slo/ },
  // serving compare
  { why: 'two runs of one version', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => servingRuns(f), code: 0, stderr: NONE },
  { why: 'a 60% slower version', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => servingRuns(f, 1.6), code: 1, stderr: NONE },
  { why: 'too few calls to judge', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => servingRuns(f, 3, 1, 100), code: 3, stderr: NONE },
  { why: 'another batch size', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => servingRuns(f, 1, 32), code: 3, stderr: NONE },
  { why: 'no baseline run', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => f.json('v2.json', syntheticRun(latencies(300, 0.001, 2))), code: 2, stderr: /baseline run .*v1\.json does not exist/ },
  { why: 'a directory as the run', args: ['serving', 'compare', 'v1.json', 'v3.json'], setup: (f) => (servingRuns(f), f.folder('v3.json')), code: 2, stderr: /run .*v3\.json is a directory/ },
  { why: 'a run that is not JSON', args: ['serving', 'compare', 'v1.json', 'v2.json'], setup: (f) => (servingRuns(f), f.text('v2.json', '{"calls":')), code: 2, stderr: /run .*v2\.json is not valid JSON/ },
  { why: 'a training report as the run', args: ['serving', 'compare', 'v1.json', 'run.json'], setup: (f) => (servingRuns(f), run(f)), code: 2, stderr: /run .*run\.json is not a tfjs-monitor serving run .*format: / },
  { why: 'a bad tolerance', args: ['serving', 'compare', 'v1.json', 'v2.json', '--latency', 'fast'], setup: (f) => servingRuns(f), code: 2, stderr: /--latency must be a number > 0/ },
  { why: 'one file only', args: ['serving', 'compare', 'v1.json'], code: 2, stderr: /usage: tfjs-monitor serving compare/ },
  // serving rules
  { why: 'rules for an SLO', args: ['serving', 'rules', '--p95', '50ms', '--error-ratio', '0.01'], code: 0, stderr: NONE },
  { why: 'an unreadable --p95', args: ['serving', 'rules', '--p95', 'fast', '--error-ratio', '0.01'], code: 2, stderr: /--p95: cannot read "fast" as a duration/ },
  { why: 'a window Prometheus refuses', args: ['serving', 'rules', '--p95', '50ms', '--error-ratio', '0.01', '--window', '5 min'], code: 2, stderr: /window: "5 min" is not a Prometheus duration/ },
  { why: 'no --error-ratio', args: ['serving', 'rules', '--p95', '50ms'], code: 2, stderr: /usage: tfjs-monitor serving rules/ },
  // deps diff
  { why: 'the same dependencies', args: ['deps', 'diff', 'v1.json', 'v2.json'], setup: (f) => servingRuns(f), code: 0, stderr: NONE },
  { why: 'another backend', args: ['deps', 'diff', 'v1.json', 'v3.json'], setup: (f) => (servingRuns(f), f.json('v3.json', syntheticRun([0.001], { dependencies: { ...syntheticRun([]).dependencies, backend: { name: 'cpu', flags: {} } } }))), code: 1, stderr: NONE },
  { why: 'a report that records no dependencies', args: ['deps', 'diff', 'run.json', 'v1.json'], setup: (f) => (servingRuns(f), run(f)), code: 3, stderr: /run\.json records no dependencies/ },
  { why: 'no such file', args: ['deps', 'diff', 'nope.json', 'v1.json'], setup: (f) => servingRuns(f), code: 2, stderr: /run file .*nope\.json does not exist/ },
  { why: 'a dependency set that is broken', args: ['deps', 'diff', 'v1.json', 'v3.json'], setup: (f) => (servingRuns(f), f.json('v3.json', { dependencies: { packages: 3 } })), code: 2, stderr: /v3\.json has a dependency set that cannot be read \(dependencies: packages: / },
  { why: 'one file only', args: ['deps', 'diff', 'v1.json'], code: 2, stderr: /usage: tfjs-monitor deps diff/ },
  // the command itself
  { why: 'an unknown command', args: ['frobnicate'], code: 2, stderr: /unknown command: frobnicate/ },
  { why: 'an unknown flag', args: ['report', 'run.json', '-o', 'x.html', '--bogus'], code: 2, stderr: /Unknown option '--bogus'/ },
  { why: 'help', args: ['--help'], code: 0, stderr: NONE },
];

/** The command a row runs: its words before the first file or flag. */
const commandOf = (args: string[]) => args.slice(0, 2).filter((a) => /^[a-z]+$/.test(a)).join(' ');
const COMMANDS = ['speed compare', 'speed record', 'report', 'parity', 'stage record', 'stage consumers', 'staleness', 'staleness rules', 'serving compare', 'serving rules', 'deps diff'];

describe('CLI exit codes, as the README table says', () => {
  it('the README has the table: 0 ok, 1 finding, 2 bad input, 3 nothing to compare with, 4 a bug', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('| exit code |'));
    const codes = [...table.matchAll(/^\| \*\*(\d)\*\* \| (.+) \|$/gm)].slice(0, 5).map((m) => [Number(m[1]), m[2]]);
    expect(codes.map(([c]) => c)).toEqual([0, 1, 2, 3, 4]);
    expect(codes.map(([, meaning]) => meaning)).toEqual([
      expect.stringMatching(/^ok/),
      expect.stringMatching(/finding/),
      expect.stringMatching(/bad input/),
      expect.stringMatching(/nothing to compare with.*not comparable/),
      expect.stringMatching(/bug/),
    ]);
  });

  it('every command has rows for success and for bad input', () => {
    for (const command of COMMANDS) {
      const codes = new Set(ROWS.filter((r) => commandOf(r.args) === command).map((r) => r.code));
      expect([command, codes.has(0), codes.has(2)]).toEqual([command, true, true]);
    }
  });

  it.each(ROWS.map((r) => [`${r.args.slice(0, 2).join(' ')}: ${r.why} → ${r.code}`, r] as const))('%s', async (_, row) => {
    const f = new Folder();
    await row.setup?.(f);
    // File names are relative to the row's folder; flags and words pass as they are.
    const args = row.args.map((a, i) => (i > 0 && /\.(json|jsonl|db|html)$/.test(a) ? f.at(a) : a));
    const r = await runCli(args);
    expect(r.stderr).toMatch(row.stderr);
    expect(r.code, r.stderr).toBe(row.code);
  });
});
