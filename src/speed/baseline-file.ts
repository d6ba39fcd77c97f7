import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { describeKey, sameKey, speedSummary, type BaselineKey, type SpeedSummary } from './summary.js';

const FORMAT = 'tfjs-monitor/speed-baseline@1';

const baselineFile = z.object({
  format: z.literal(FORMAT),
  entries: z.array(z.object({ recordedAt: z.string(), summary: speedSummary })),
});
export type BaselineFile = z.infer<typeof baselineFile>;

/** A baseline or run file that is missing, unreadable or not what it should be. Nothing was written. */
export class SpeedFileError extends Error {
  override name = 'SpeedFileError';
}

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

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new SpeedFileError(`${what} ${path} does not exist`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpeedFileError(`${what} ${path} is not valid JSON (${(e as Error).message}); it was left untouched`);
  }
}

function problems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Reads a baseline file; a missing one is empty when `missingIsEmpty`. */
export function readBaselineFile(path: string, { missingIsEmpty = false } = {}): BaselineFile {
  if (missingIsEmpty && !existsSync(path)) return { format: FORMAT, entries: [] };
  const parsed = baselineFile.safeParse(readJson(path, 'baseline file'));
  if (!parsed.success) {
    throw new SpeedFileError(`baseline file ${path} is not a tfjs-monitor speed baseline: ${problems(parsed.error)}; it was left untouched`);
  }
  return parsed.data;
}

/** The speed summary in a run file: a saved monitor report (its `speed`) or a bare summary. */
export function readRunSummary(path: string): SpeedSummary {
  const json = readJson(path, 'run file') as { speed?: unknown } | null;
  const candidate = json && typeof json === 'object' && 'speed' in json ? json.speed : json;
  const parsed = speedSummary.safeParse(candidate);
  if (!parsed.success) {
    throw new SpeedFileError(
      `run file ${path} holds no speed summary (${problems(parsed.error)}); save one with monitor.saveReport(path)`,
    );
  }
  return parsed.data;
}

export function findBaseline(file: BaselineFile, key: BaselineKey): SpeedSummary | null {
  return file.entries.find((e) => sameKey(e.summary.key, key))?.summary ?? null;
}

/**
 * Records `summary` as the baseline for its key, replacing an older one for the same key and
 * keeping every other entry. The file is replaced atomically, so a crash never leaves half a file.
 */
export function recordBaseline(path: string, summary: SpeedSummary, now = new Date()): BaselineFile {
  const file = readBaselineFile(path, { missingIsEmpty: true });
  const entries = file.entries.filter((e) => !sameKey(e.summary.key, summary.key));
  entries.push({ recordedAt: now.toISOString(), summary });
  const next: BaselineFile = { format: FORMAT, entries };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n');
  renameSync(tmp, path);
  return next;
}
