import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkJson, InputFileError, readJsonFile, writeFileAtomic } from '../common/files.js';
import { servingRun, type ServingRun } from '../serving/run.js';

/** A saved serving run (`served.saveRun(path)`), checked field by field; InputFileError (bad input) otherwise. */
export function readServingRun(path: string, what = 'serving run'): ServingRun {
  return checkJson(readJsonFile(path, what), servingRun, path, what, 'a tfjs-monitor serving run (save one with served.saveRun(path))');
}

/**
 * Writes a run atomically, creating its folder: a crash never leaves half a file where a baseline
 * was. A path that cannot be written is an InputFileError naming it and why.
 */
export function saveServingRun(path: string, run: ServingRun): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of the path is a file, not a folder' : (code ?? (e as Error).message);
    throw new InputFileError(`cannot write the serving run ${path}: ${why}`);
  }
  writeFileAtomic(path, JSON.stringify(run, null, 2) + '\n', 'the serving run');
}
