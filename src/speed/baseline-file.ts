import { existsSync } from 'node:fs';
import { z } from 'zod';
import { withFileLock, type LockOptions } from '../common/file-lock.js';
import { InputFileError, parseJsonFile, readJsonFile, writeFileAtomic } from '../common/files.js';
import { dependencySet } from '../deps/dependency-set.js';
import { formatIssues } from '../options/validate.js';
import { describeKey, sameKey, speedSummary, type BaselineKey, type SpeedSummary } from './summary.js';

const FORMAT = 'tfjs-monitor/speed-baseline@1';

const baselineFile = z.object({
  format: z.literal(FORMAT),
  entries: z.array(z.object({ recordedAt: z.string(), summary: speedSummary })),
});
export type BaselineFile = z.infer<typeof baselineFile>;

/** No baseline was recorded for this run's code, model, data and backend. Not a pass, not a crash. */
export class NoBaselineError extends Error {
  override name = 'NoBaselineError';
  constructor(
    readonly path: string,
    readonly key: BaselineKey,
  ) {
    super(
      `no baseline in ${path} for ${describeKey(key)}; record one from a trusted run with ` +
        '`tfjs-monitor speed record <run.json> --baseline ' + path + '`',
    );
  }
}

/** Reads a baseline file; a missing one is empty when `missingIsEmpty`. A bad one is an InputFileError. */
export function readBaselineFile(path: string, { missingIsEmpty = false } = {}): BaselineFile {
  if (missingIsEmpty && !existsSync(path)) return { format: FORMAT, entries: [] };
  return parseJsonFile(path, baselineFile, 'baseline file', 'a tfjs-monitor speed baseline', '; it was left untouched');
}

const inReport = z.object({ speed: speedSummary, status: z.string().optional(), dependencies: dependencySet.optional() });

/**
 * A run file: a saved monitor report (its `speed` with the report's dependency set, and its
 * `status`) or a bare speed summary (status null).
 */
export function readRun(path: string): { summary: SpeedSummary; status: string | null } {
  const json = readJsonFile(path, 'run file');
  const fail = (error: z.ZodError) =>
    new InputFileError(`run file ${path} holds no speed summary (${formatIssues(error)}); save one with monitor.saveReport(path)`);
  if (json !== null && typeof json === 'object' && 'speed' in json) {
    const parsed = inReport.safeParse(json, { reportInput: true });
    if (!parsed.success) throw fail(parsed.error);
    const { speed, status, dependencies } = parsed.data;
    return { summary: dependencies && !speed.dependencies ? { ...speed, dependencies } : speed, status: status ?? null };
  }
  const parsed = speedSummary.safeParse(json, { reportInput: true });
  if (!parsed.success) throw fail(parsed.error);
  return { summary: parsed.data, status: null };
}

/** The speed summary in a run file. */
export const readRunSummary = (path: string): SpeedSummary => readRun(path).summary;

export function findBaseline(file: BaselineFile, key: BaselineKey): SpeedSummary | null {
  return file.entries.find((e) => sameKey(e.summary.key, key))?.summary ?? null;
}

/**
 * Records `summary` as the baseline for its key, replacing an older one for the same key and
 * keeping every other entry. Processes recording into the same file at once take turns (a lock
 * file), so none loses another's entry; the file is replaced atomically, so a crash never leaves
 * half a file.
 */
export function recordBaseline(path: string, summary: SpeedSummary, now = new Date(), lock: LockOptions = {}): BaselineFile {
  return withFileLock(
    path,
    () => {
      const file = readBaselineFile(path, { missingIsEmpty: true });
      const entries = file.entries.filter((e) => !sameKey(e.summary.key, summary.key));
      entries.push({ recordedAt: now.toISOString(), summary });
      const next: BaselineFile = { format: FORMAT, entries };
      writeFileAtomic(path, JSON.stringify(next, null, 2) + '\n', 'baseline file');
      return next;
    },
    lock,
  );
}
