#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SpeedFileError } from '../speed/baseline-file.js';
import { UsageError, type Io } from './io.js';
import { speedCompare, speedRecord } from './speed.js';

const USAGE = `usage: tfjs-monitor <command>

commands:
  speed compare <baseline.json> <run.json> [--throughput 0.2] [--memory 0.2]
      compare a saved run (monitor.saveReport) with its baseline; exit 1 on a regression,
      3 when the baseline file has no entry for the run's versions and backend
  speed record <run.json> --baseline <baseline.json>
      record a saved run as the baseline for its versions and backend`;

/** Runs the CLI and returns its exit code: 0 ok, 1 finding, 2 bad input, 3 nothing to compare with. */
export function main(argv: string[], io: Io): number {
  const [group, command, ...rest] = argv;
  try {
    if (group === 'speed' && command === 'compare') return speedCompare(rest, io);
    if (group === 'speed' && command === 'record') return speedRecord(rest, io);
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
    if (e instanceof SpeedFileError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      io.err(`error: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

// Run when executed, also through npm's bin symlink, and not when imported (by the tests).
const invokedPath = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invokedPath).href) {
  process.exitCode = main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
  });
}
