import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { servingRunProblems, type ServingRun } from '../serving/run.js';

/** A serving run file that is missing, unreadable or not a run: bad input (CLI exit 2). Nothing was written. */
export class ServingFileError extends Error {
  override name = 'ServingFileError';
}

/** Reads a JSON file, or throws ServingFileError naming it and what is wrong. */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new ServingFileError(`${what} ${path} does not exist`);
  if (statSync(path).isDirectory()) throw new ServingFileError(`${what} ${path} is a directory, not a JSON file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ServingFileError(`${what} ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** A saved serving run (`served.saveRun(path)`), checked field by field. */
export function readServingRun(path: string, what = 'serving run'): ServingRun {
  const json = readJsonFile(path, what);
  const problems = servingRunProblems(json);
  if (problems.length > 0) {
    throw new ServingFileError(`${what} ${path} is not a tfjs-monitor serving run (${problems.join('; ')}); save one with served.saveRun(path)`);
  }
  return json as ServingRun;
}

/**
 * Writes a run atomically, creating its directory: a crash never leaves half a file where a
 * baseline was. A path that cannot be written is a ServingFileError naming it.
 */
export function saveServingRun(path: string, run: ServingRun): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, JSON.stringify(run, null, 2) + '\n');
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was written there either (e.g. its directory is a file).
    }
    throw new ServingFileError(`cannot write the serving run to ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
