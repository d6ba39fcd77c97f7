import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { formatIssues } from '../options/validate.js';

/**
 * A file the user named that is missing, unreadable, not JSON, not of the expected shape, or that
 * cannot be written where asked. Bad input (CLI exit code 2), never a bug; nothing was written.
 */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

/** What an fs error code means for a path the user gave; null for an error that is not about the path. */
function fsReason(e: unknown, path: string, writing: boolean): string | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case 'ENOENT':
      return writing ? `no such folder ${dirname(path)}` : 'does not exist';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code.startsWith('E') ? `${code}: ${(e as Error).message}` : null;
  }
}

/** Reads a file the user named; an fs failure becomes an InputFileError that names the file and why. */
export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const reason = fsReason(e, path, false);
    if (reason === null) throw e;
    const verb = reason === 'does not exist' || reason.startsWith('is a') ? reason : `cannot be read (${reason})`;
    throw new InputFileError(`${what} ${path} ${verb}`);
  }
}

/** `what path` parsed as JSON. `note` ends the message for content problems (e.g. "it was left untouched"). */
export function readJsonFile(path: string, what: string, note = ''): unknown {
  const text = readInputFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputFileError(`${what} ${path} is not valid JSON (${(e as Error).message})${note}`);
  }
}

/** `json`, read from `what path`, checked by `schema`; the error names each bad field's path. */
export function checkJson<S extends z.ZodType>(json: unknown, schema: S, path: string, what: string, expected: string, note = ''): z.output<S> {
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new InputFileError(`${what} ${path} is not ${expected}: ${formatIssues(parsed.error)}${note}`);
  return parsed.data;
}

/** `what path` parsed as JSON and checked by `schema`. */
export function parseJsonFile<S extends z.ZodType>(path: string, schema: S, what: string, expected: string, note = ''): z.output<S> {
  return checkJson(readJsonFile(path, what, note), schema, path, what, expected, note);
}

/**
 * Writes `text` to a temporary file beside `path`, flushes it, and renames it over `path`: a crash
 * or a full disk leaves the old file whole, never half of the new one.
 */
export function writeFileAtomic(path: string, text: string, what: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created, or it cannot be removed either: the error below says why
    }
    const reason = fsReason(e, path, true);
    if (reason === null) throw e;
    throw new InputFileError(`cannot write ${what} ${path}: ${reason}`);
  }
}
