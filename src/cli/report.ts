import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { checkJson, InputFileError, parseJsonFile, readJsonFile, writeFileAtomic } from '../common/files.js';
import { renderHtmlReport } from '../report/html-report.js';
import { parityReportSchema } from '../report/parity-schema.js';
import { qualityReportSchema } from '../report/quality-schema.js';
import { monitorReportSchema } from '../report/run-file-schema.js';
import { stalenessReportSchema } from '../report/staleness-schema.js';
import { UsageError, type Io } from './io.js';

const USAGE = 'usage: tfjs-monitor report <run.json> -o <run.html> [--staleness staleness.json] [--parity parity.json] [--quality quality.json] [--title T]';

/** One report, or the list `staleness --json --model a --model b` writes: the schema follows the file. */
function readStaleness(path: string) {
  const json = readJsonFile(path, 'staleness report');
  const schema = Array.isArray(json) ? z.array(stalenessReportSchema) : stalenessReportSchema;
  return checkJson(json, schema, path, 'staleness report', 'what `tfjs-monitor staleness --json` writes');
}

/**
 * Refuses an output that is one of the inputs, whatever path names it (./run.json, an absolute
 * path, a symlink, a hard link): the same device and inode. Writing the page would destroy the run.
 */
function refuseOverwrite(output: string, inputs: { path: string; flag: string }[]): void {
  const out = statSync(output, { throwIfNoEntry: false });
  if (!out) return;
  for (const input of inputs) {
    const s = statSync(input.path, { throwIfNoEntry: false });
    if (s && s.dev === out.dev && s.ino === out.ino) {
      throw new InputFileError(`output ${output} is also an input (${input.flag} ${input.path}); choose another output path, nothing was written`);
    }
  }
}

/** `tfjs-monitor report <run.json> -o run.html`: the HTML report from a saved run. */
export function report(args: string[], io: Io): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, staleness: { type: 'string' }, parity: { type: 'string' }, quality: { type: 'string' }, title: { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.output) throw new UsageError(USAGE);
  const runPath = positionals[0]!;
  refuseOverwrite(values.output, [
    { path: runPath, flag: 'the run file' },
    ...(values.staleness ? [{ path: values.staleness, flag: '--staleness' }] : []),
    ...(values.parity ? [{ path: values.parity, flag: '--parity' }] : []),
    ...(values.quality ? [{ path: values.quality, flag: '--quality' }] : []),
  ]);
  // Every input is read and checked before anything is written.
  const run = parseJsonFile(runPath, monitorReportSchema, 'run file', 'what monitor.saveReport() writes');
  const staleness = values.staleness ? readStaleness(values.staleness) : undefined;
  const parity = values.parity ? parseJsonFile(values.parity, parityReportSchema, 'parity report', 'what `tfjs-monitor parity --json` writes') : undefined;
  const quality = values.quality ? parseJsonFile(values.quality, qualityReportSchema, 'quality report', 'what `tfjs-monitor quality --json` writes') : undefined;
  const html = renderHtmlReport({
    run,
    ...(staleness ? { staleness } : {}),
    ...(parity ? { parity } : {}),
    ...(quality ? { quality } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  writeFileAtomic(values.output, html, 'the HTML report');
  io.out(`wrote ${values.output}`);
  return 0;
}
