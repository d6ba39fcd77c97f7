import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { sampled } from '../parity/feature-set.js';
import { readLines, MAX_LINE_CHARS } from '../parity/log-lines.js';
import { nonFiniteReplacer } from '../parity/log-record.js';
import type { LabelRecord, PredictionRecord } from '../quality/join.js';
import type { Label, ModelOutput } from '../quality/metrics.js';
import { missingPeer, StoreError } from '../staleness/store.js';
import { parsePredictionLine, type PredictionLogEntry } from './prediction-record.js';

export type { PredictionLogEntry } from './prediction-record.js';

/**
 * Where predictions, and the labels that arrive later, are appended: a JSON-lines file, or a
 * SQLite file (`.db`, `.sqlite`), as parity's feature logs. Both kinds are sampled by id with
 * the same deterministic hash as the feature logs, so at one rate the three logs hold the same
 * examples and join on their ids.
 */
export interface PredictionLogWriter {
  readonly where: string;
  /** Logs a prediction when its id is in the sample; returns whether it was logged. */
  prediction(p: { id: string; version: string; output: ModelOutput; ts?: number }): boolean;
  /** Logs a label for an example id when the id is in the sample; returns whether it was logged. */
  label(l: { id: string; label: Label; ts?: number }): boolean;
  close(): void;
}

const isSqlite = (path: string) => /\.(db|sqlite3?)$/i.test(path);
const SCHEMA = 'CREATE TABLE IF NOT EXISTS prediction_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)';

async function sqlite(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (e) {
    throw missingPeer('better-sqlite3', '12', 'a SQLite prediction log', e);
  }
}

/** One line per record, one write per line; a log ending in a torn line (a crash) is continued on a fresh line. */
function jsonlAppender(path: string): { append(line: string): void; close(): void } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a+');
    const { size } = fstatSync(fd);
    const last = Buffer.alloc(1);
    if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) writeSync(fd, '\n');
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw new StoreError(`cannot open prediction log ${path} for appending: ${(e as Error).message}`);
  }
  const handle = fd;
  return { append: (line) => void writeSync(handle, line + '\n'), close: () => closeSync(handle) };
}

async function sqliteAppender(path: string): Promise<{ append(line: string): void; close(): void }> {
  const Database = await sqlite();
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path, { timeout: 10_000 });
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
  } catch (e) {
    throw new StoreError(`prediction log ${path} is not a tfjs-monitor SQLite prediction log (${(e as Error).message}); it was left untouched`);
  }
  const insert = db.prepare('INSERT INTO prediction_log (record) VALUES (?)');
  return { append: (line) => void insert.run(line), close: () => db.close() };
}

/** Opens a prediction log for appending; `sampleRate` as the feature logs' (the same ids are kept). */
export async function openPredictionLog(path: string, { sampleRate = 1 }: { sampleRate?: number } = {}): Promise<PredictionLogWriter> {
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new StoreError(`sampleRate must be in (0, 1], got ${sampleRate}`);
  const out = isSqlite(path) ? await sqliteAppender(path) : jsonlAppender(path);
  const write = (r: PredictionRecord | LabelRecord, kind: 'prediction' | 'label') => {
    if (typeof r.id !== 'string' || r.id === '') throw new StoreError(`${kind}: id must be a non-empty string, got ${JSON.stringify(r.id)}`);
    if (!sampled(r.id, sampleRate)) return false;
    out.append(JSON.stringify({ kind, ...r, ts: r.ts ?? Date.now() }, nonFiniteReplacer));
    return true;
  };
  return {
    where: path,
    prediction: (p) => write(p as PredictionRecord, 'prediction'),
    label: (l) => write(l, 'label'),
    close: () => out.close(),
  };
}

/** Streams a prediction log's entries, malformed ones included with their line (or row) number. */
export async function* readPredictionLog(path: string): AsyncGenerator<PredictionLogEntry> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new StoreError(missing ? `prediction log ${path} does not exist` : `cannot read prediction log ${path}: ${(e as Error).message}`);
  }
  if (isDirectory) throw new StoreError(`prediction log ${path} is a directory, not a file: give the path of the log file in it`);
  if (!isSqlite(path)) {
    for await (const { line, text, chars } of readLines(path)) {
      if (text === null) yield { line, error: `line of ${chars} characters, over the ${MAX_LINE_CHARS} a record may have; skipped` };
      else if (text.trim() !== '') yield parsePredictionLine(line, text);
    }
    return;
  }
  let db: BetterSqlite3.Database;
  try {
    db = new (await sqlite())(path, { readonly: true, fileMustExist: true });
    if (!db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'prediction_log'").get()) {
      db.close();
      throw new Error('it has no prediction_log table');
    }
  } catch (e) {
    throw new StoreError(`prediction log ${path} is not a tfjs-monitor SQLite prediction log (${(e as Error).message}); it was left untouched`);
  }
  try {
    for (const row of db.prepare('SELECT seq, record FROM prediction_log ORDER BY seq').iterate() as Iterable<{ seq: number; record: string }>) {
      yield parsePredictionLine(row.seq, row.record);
    }
  } finally {
    db.close();
  }
}
