import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../storage/errors.js';
import { closeSqlite, openSqliteForReading, openSqliteForWriting, sqliteFailure, type SqliteKind } from '../storage/sqlite.js';
import { readLines, MAX_LINE_CHARS } from './log-lines.js';
import { parseRecord, serializeRecord, type FeatureLogRecord, type LogEntry } from './log-record.js';

export type { FeatureLogRecord, LogEntry } from './log-record.js';

/** Where feature records are appended: a JSON-lines file, or a SQLite file (`.db`, `.sqlite`). */
export interface FeatureLogWriter {
  readonly where: string;
  append(record: FeatureLogRecord): void;
  close(): void;
}

const isSqlite = (path: string) => /\.(db|sqlite3?)$/i.test(path);

/** For appending and reading the last byte; a log the user may write but not read is only appended to. */
function openAppend(path: string): number {
  try {
    return openSync(path, 'a+');
  } catch (e) {
    if ((e as { code?: string }).code !== 'EACCES') throw e;
    return openSync(path, 'a');
  }
}

function readLastByte(fd: number, into: Buffer, size: number): boolean {
  try {
    return readSync(fd, into, 0, 1, size - 1) === 1;
  } catch {
    return false; // opened write-only (see openAppend)
  }
}

/**
 * A JSON-lines log. Each record is one `write` of one line to a file opened for appending, so
 * earlier lines are never rewritten, and a crash can cost at most the line being written, which
 * the reader then counts as malformed.
 */
class JsonlWriter implements FeatureLogWriter {
  private readonly fd: number;
  constructor(readonly where: string) {
    let fd: number | undefined;
    try {
      fd = openAppend(where);
      // A last line without its newline is a write torn by a crash: start on a fresh line, or the
      // first record appended would be glued to it and lost with it.
      const { size } = fstatSync(fd);
      const last = Buffer.alloc(1);
      if (size > 0 && readLastByte(fd, last, size) && last[0] !== 0x0a) writeSync(fd, '\n');
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      throw new StoreError(`cannot open feature log ${where} for appending: ${(e as Error).message}`);
    }
    this.fd = fd;
  }
  append(r: FeatureLogRecord): void {
    writeSync(this.fd, serializeRecord(r) + '\n');
  }
  close(): void {
    closeSync(this.fd);
  }
}

const FEATURE_LOG: SqliteKind = {
  what: 'feature log',
  kind: 'a tfjs-monitor SQLite feature log',
  table: 'feature_log',
  columns: ['seq', 'record'],
  schema: 'CREATE TABLE IF NOT EXISTS feature_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)',
  // Many small commits while logging; back to a rollback journal on close, for readers.
  journal: 'wal',
};

/** Each record is its own committed row: a crash loses at most the one being written. */
class SqliteWriter implements FeatureLogWriter {
  private readonly insert: BetterSqlite3.Statement;
  constructor(
    private readonly db: BetterSqlite3.Database,
    readonly where: string,
  ) {
    this.insert = db.prepare('INSERT INTO feature_log (record) VALUES (?)');
  }
  append(r: FeatureLogRecord): void {
    try {
      this.insert.run(serializeRecord(r));
    } catch (e) {
      throw sqliteFailure(e, this.where, FEATURE_LOG, 'write');
    }
  }
  close(): void {
    closeSqlite(this.db, FEATURE_LOG);
  }
}

/** Opens a feature log for appending: SQLite for `.db`/`.sqlite` paths, JSON lines otherwise. */
export async function openFeatureLog(path: string): Promise<FeatureLogWriter> {
  return isSqlite(path) ? new SqliteWriter(await openSqliteForWriting(path, FEATURE_LOG), path) : new JsonlWriter(path);
}

/** Streams a feature log's entries, malformed ones included (with their line, or row, number). */
export async function* readFeatureLog(path: string): AsyncGenerator<LogEntry> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new StoreError(missing ? `feature log ${path} does not exist` : `cannot read feature log ${path}: ${(e as Error).message}`);
  }
  if (isDirectory) throw new StoreError(`feature log ${path} is a directory, not a file: give the path of the log file in it`);
  if (isSqlite(path)) {
    // Only reading: change nothing in the file, and need no write access to it.
    const db = await openSqliteForReading(path, FEATURE_LOG);
    let rows: Iterator<{ seq: number; record: unknown }> | undefined;
    try {
      rows = db.prepare('SELECT seq, record FROM feature_log ORDER BY seq').iterate() as Iterator<{ seq: number; record: unknown }>;
      for (;;) {
        let next: IteratorResult<{ seq: number; record: unknown }>;
        try {
          next = rows.next();
        } catch (e) {
          throw sqliteFailure(e, path, FEATURE_LOG, 'read');
        }
        if (next.done) break;
        const { seq, record } = next.value;
        yield typeof record === 'string' ? parseRecord(seq, record) : { line: seq, error: 'record: not text' };
      }
    } finally {
      rows?.return?.(); // a reader that stopped early leaves the statement open
      db.close();
    }
    return;
  }
  for await (const { line, text, chars } of readLines(path)) {
    if (text === null) yield { line, error: `line of ${chars} characters, over the ${MAX_LINE_CHARS} a record may have; skipped` };
    else if (text.trim() !== '') yield parseRecord(line, text);
  }
}
