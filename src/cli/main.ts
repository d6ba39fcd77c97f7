#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { UsageError, type Io } from './io.js';
import { speedCompare, speedRecord } from './speed.js';
import { stageConsumers, stageRecord, staleness, stalenessRules, stalenessServe } from './staleness.js';
import { parity } from './parity.js';
import { report } from './report.js';
import { quality } from './quality.js';
import { QualityInputError } from '../quality/errors.js';
import { servingCompare, servingRulesCommand } from './serving.js';
import { depsDiff } from './deps.js';
import { ServingRuleError } from '../serving/rules.js';
import { StoreError } from '../staleness/store.js';
import { DurationError } from '../staleness/duration.js';
import { UnknownStageError } from '../staleness/pipeline.js';
import { InvalidOptionsError } from '../options/validate.js';
import { InputFileError } from '../common/files.js';

/** One command: its words, how to call it, what it does, and the function that runs it. */
interface Command {
  path: string[];
  usage: string;
  help: string;
  run(args: string[], io: Io): number | Promise<number>;
}

const COMMANDS: Command[] = [
  {
    path: ['speed', 'compare'],
    usage: 'speed compare <baseline.json> <run.json> [--throughput 0.2] [--memory 0.2]',
    help:
      'compare a saved run (monitor.saveReport) with its baseline; exit 1 on a regression,\n' +
      "3 when the baseline file has no entry for the run's versions and backend, or a\n" +
      'judged figure is missing or 0 on one side (not comparable)',
    run: speedCompare,
  },
  { path: ['speed', 'record'], usage: 'speed record <run.json> --baseline <baseline.json>', help: 'record a saved run as the baseline for its versions and backend', run: speedRecord },
  {
    path: ['stage', 'record'],
    usage: 'stage record --store <path|postgres://…> --model M --version V --stage S [--at ISO] [--meta JSON] [--stages a,b,…] [--timeout 10s]',
    help: 'record that a pipeline stage completed (for shell steps of a pipeline)',
    run: stageRecord,
  },
  {
    path: ['stage', 'consumers'],
    usage: 'stage consumers --store <path|postgres://…> --snapshot X [--model M …] [--json] [--stages a,b,…] [--timeout 10s]',
    help:
      "which model versions consumed data snapshot X (recorded with the first stage's\n" +
      '--meta \'{"snapshot":"X"}\'), how far each got and which is in production; exit 0 also\n' +
      'when none did (an answer, not a finding)',
    run: stageConsumers,
  },
  {
    path: ['staleness', 'serve'],
    usage: 'staleness serve --store <path|postgres://…> [--model M …] [--port 9464] [--host 127.0.0.1] [--stages a,b,…] [--timeout 10s]',
    help: 'a /metrics endpoint for Prometheus, read from the store at each scrape',
    run: stalenessServe,
  },
  { path: ['staleness', 'rules'], usage: 'staleness rules --model M --slo stage=dur,… [--stages a,b,…]', help: 'Prometheus alerting rules for the SLOs', run: stalenessRules },
  {
    path: ['staleness'],
    usage: 'staleness --store <path|postgres://…> --model M [--slo stage=dur,…] [--json] [--now ISO] [--stages a,b,…] [--timeout 10s]',
    help: "the model's age in production and at each stage; exit 1 when a stage is stalled or the model has no events",
    run: staleness,
  },
  {
    path: ['report'],
    usage: 'report <run.json> -o <run.html> [--staleness staleness.json] [--parity parity.json] [--title T]',
    help: 'one self-contained HTML report from a saved run (monitor.saveReport)',
    run: report,
  },
  {
    path: ['serving', 'compare'],
    usage: 'serving compare <baseline.json> <run.json> [--latency 0.2] [--throughput 0.2] [--error-rate 0.001] [--memory 0.2] [--min-calls 200] [--json]',
    help:
      "compare a run of served traffic (served.saveRun) with the previous version's; exit 1 on a\n" +
      'regression, 3 when the runs are not comparable or either has too few calls to judge',
    run: servingCompare,
  },
  {
    path: ['serving', 'rules'],
    usage: 'serving rules --p95 50ms --error-ratio 0.01 [--window 5m] [--for 10m] [--interval 1m] [--model M]',
    help: 'Prometheus recording and alerting rules for p95 latency and error ratio per model version',
    run: servingRulesCommand,
  },
  {
    path: ['deps', 'diff'],
    usage: 'deps diff <baseline.json> <run.json> [--json]',
    help: 'dependency changes between two saved runs (serving runs or training reports); exit 1 on a\nchange, 3 when a file records no dependencies',
    run: depsDiff,
  },
  {
    path: ['parity'],
    usage: 'parity <training-log> <serving-log> [--tolerance f=abs:1e-6,g=rel:0.01] [--max-mismatch-rate 0] [--max-violation-increase 0.01] [--json]',
    help: 'training/serving skew per feature; exit 1 on skew, a definition mismatch,\nbroken data invariants, or an empty log',
    run: parity,
  },
  {
    path: ['quality', 'merge'],
    usage: 'quality merge <profile.json>… -o <merged.json>',
    help: 'merge reference profiles of shards profiled in parallel',
    run: (args, io) => quality(['merge', ...args], io),
  },
  {
    path: ['quality'],
    usage: 'quality --reference <profile.json> [--features <log>]… [--predictions <log>]… [--labels <log>]… [--window 1d] [--json] [--metrics out.prom]',
    help:
      'input and output drift against the training profile, and served quality per model version\n' +
      'and window once labels arrive; exit 1 on a finding, 3 when nothing was served in the period',
    run: quality,
  },
];

const indent = (text: string, by: string) => text.split('\n').map((l) => by + l).join('\n');

/** The usage of every command, or of those under `prefix` (e.g. `speed`). */
function usage(prefix: string[] = []): string {
  const listed = COMMANDS.filter((c) => prefix.every((w, i) => c.path[i] === w));
  return (
    `usage: tfjs-monitor ${prefix.length ? prefix.join(' ') + ' ' : ''}<command>   (every command takes --help; tfjs-monitor --version)\n\ncommands:\n` +
    listed.map((c) => `  ${c.usage}\n${indent(c.help, '      ')}`).join('\n') +
    '\n  (stage and staleness take --stages a,b,… for a pipeline other than\n   data_snapshot,features,train_start,train_end,validate,export,deploy)\n\n' +
    'exit codes: 0 ok, 1 a finding, 2 bad input, 3 nothing to compare with, 4 a bug in tfjs-monitor'
  );
}

function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 finding, 2 bad input, 3 nothing to compare with, 4 any other error. */
export async function main(argv: string[], io: Io): Promise<number> {
  const help = (a: string) => a === '--help' || a === '-h';
  try {
    if (argv[0] === '--version' || argv[0] === '-V') {
      io.out(`tfjs-monitor ${version()}`);
      return 0;
    }
    // The longest command whose words start the line: `staleness serve` before `staleness`.
    const command = [...COMMANDS].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((w, i) => argv[i] === w));
    if (command) {
      const args = argv.slice(command.path.length);
      if (args.some(help)) {
        io.out(`usage: tfjs-monitor ${command.usage}\n\n${command.help}`);
        return 0;
      }
      return await command.run(args, io);
    }
    const group = argv[0] === undefined || help(argv[0]) ? [] : [argv[0]];
    const known = COMMANDS.some((c) => c.path[0] === group[0]);
    if (argv.length === 0 || help(argv[0]!) || (known && argv.slice(1).some(help))) {
      io.out(usage(known ? group : []));
      return argv.length === 0 ? 2 : 0;
    }
    throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${usage()}`);
      return 2;
    }
    const known = [InputFileError, StoreError, DurationError, UnknownStageError, InvalidOptionsError, QualityInputError, ServingRuleError];
    const code = (e as { code?: string }).code ?? '';
    if (known.some((k) => e instanceof k) || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${(e as Error).message}`);
      return 2;
    }
    // Anything else (a file system error, a bug): never exit 1, which means "a finding".
    io.err(`error: ${(e as Error)?.message ?? String(e)}`);
    return 4;
  }
}

// Run when executed, also through npm's bin symlink, and not when imported (by the tests).
const invokedPath = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invokedPath).href) {
  process.exitCode = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
  });
}
