#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SpeedFileError } from '../speed/baseline-file.js';
import { UsageError, type Io } from './io.js';
import { speedCompare, speedRecord } from './speed.js';
import { stageRecord, staleness, stalenessRules, stalenessServe } from './staleness.js';
import { parity } from './parity.js';
import { report } from './report.js';
import { quality } from './quality.js';
import { QualityInputError } from '../quality/errors.js';
import { StoreError } from '../staleness/store.js';
import { DurationError } from '../staleness/duration.js';
import { UnknownStageError } from '../staleness/pipeline.js';
import { InvalidOptionsError } from '../options/validate.js';

const USAGE = `usage: tfjs-monitor <command>

commands:
  speed compare <baseline.json> <run.json> [--throughput 0.2] [--memory 0.2]
      compare a saved run (monitor.saveReport) with its baseline; exit 1 on a regression,
      3 when the baseline file has no entry for the run's versions and backend
  speed record <run.json> --baseline <baseline.json>
      record a saved run as the baseline for its versions and backend
  stage record --store <path|postgres://…> --model M --version V --stage S [--at ISO] [--meta JSON]
      record that a pipeline stage completed (for shell steps of a pipeline)
  staleness --store <path|postgres://…> --model M [--slo stage=dur,…] [--json]
      the model's age in production and at each stage; exit 1 when a stage is stalled
  staleness serve --store <path|postgres://…> [--model M …] [--port 9464] [--host 127.0.0.1]
      a /metrics endpoint for Prometheus
  staleness rules --model M --slo stage=dur,…
      Prometheus alerting rules for the SLOs
  report <run.json> -o <run.html> [--staleness staleness.json] [--parity parity.json]
      one self-contained HTML report from a saved run (monitor.saveReport)
  parity <training-log> <serving-log> [--tolerance f=abs:1e-6,g=rel:0.01] [--json]
      training/serving skew per feature; exit 1 on skew, a definition mismatch,
      broken data invariants, or an empty log
  quality --reference <profile.json> [--features <log>]… [--predictions <log>]… [--labels <log>]… [--window 1d] [--json] [--metrics out.prom]
      input and output drift against the training profile, and served quality per model version
      and window once labels arrive; exit 1 on a finding, 3 when nothing was served in the period
  quality merge <profile.json>… -o <merged.json>
      merge reference profiles of shards profiled in parallel
  (stage and staleness take --stages a,b,… for a pipeline other than
   data_snapshot,features,train_start,train_end,validate,export,deploy)`;

/** Runs the CLI and returns its exit code: 0 ok, 1 finding, 2 bad input, 3 nothing to compare with, 4 any other error. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === 'speed' && command === 'compare') return speedCompare(rest, io);
    if (group === 'speed' && command === 'record') return speedRecord(rest, io);
    if (group === 'stage' && command === 'record') return await stageRecord(rest, io);
    if (group === 'staleness' && command === 'serve') return await stalenessServe(rest, io);
    if (group === 'staleness' && command === 'rules') return await stalenessRules(rest, io);
    if (group === 'staleness') return await staleness(argv.slice(1), io);
    if (group === 'parity') return await parity(argv.slice(1), io);
    if (group === 'report') return report(argv.slice(1), io);
    if (group === 'quality') return await quality(argv.slice(1), io);
    if (group === undefined || group === '--help' || group === '-h') {
      io.out(USAGE);
      return group === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    const known = [SpeedFileError, StoreError, DurationError, UnknownStageError, InvalidOptionsError, QualityInputError];
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
