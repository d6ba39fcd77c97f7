import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { missingPeer, StoreError } from '../staleness/store.js';
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

const SQLITE_SCHEMA = 'CREATE TABLE IF NOT EXISTS feature_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)';

async function sqlite(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (e) {
    throw missingPeer('better-sqlite3', '12', 'a SQLite feature log', e);
  }
}

function openDb(Database: typeof BetterSqlite3, path: string): BetterSqlite3.Database {
  try {
    const db = new Database(path, { timeout: 10_000 });
    db.pragma('journal_mode = WAL');
    db.exec(SQLITE_SCHEMA);
    return db;
  } catch (e) {
    throw new StoreError(`feature log ${path} is not a tfjs-monitor SQLite feature log (${(e as Error).message}); it was left untouched`);
  }
}

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
    this.insert.run(serializeRecord(r));
  }
  close(): void {
    this.db.close();
  }
}

/** Opens a feature log for appending: SQLite for `.db`/`.sqlite` paths, JSON lines otherwise. */
export async function openFeatureLog(path: string): Promise<FeatureLogWriter> {
  return isSqlite(path) ? new SqliteWriter(openDb(await sqlite(), path), path) : new JsonlWriter(path);
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
    let db: BetterSqlite3.Database;
    try {
      // Only reading: change nothing in the file.
      db = new (await sqlite())(path, { readonly: true, fileMustExist: true });
      if (!db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'feature_log'").get()) {
        db.close();
        throw new Error('it has no feature_log table');
      }
    } catch (e) {
      throw new StoreError(`feature log ${path} is not a tfjs-monitor SQLite feature log (${(e as Error).message}); it was left untouched`);
    }
    try {
      for (const row of db.prepare('SELECT seq, record FROM feature_log ORDER BY seq').iterate() as Iterable<{ seq: number; record: string }>) {
        yield parseRecord(row.seq, row.record);
      }
    } finally {
      db.close();
    }
    return;
  }
  for await (const { line, text, chars } of readLines(path)) {
    if (text === null) yield { line, error: `line of ${chars} characters, over the ${MAX_LINE_CHARS} a record may have; skipped` };
    else if (text.trim() !== '') yield parseRecord(line, text);
  }
}
