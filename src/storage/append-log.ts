import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';
import { readLines, MAX_LINE_CHARS } from './log-lines.js';
import { closeSqlite, openSqliteForReading, openSqliteForWriting, sqliteFailure, type SqliteKind } from './sqlite.js';

/**
 * An append-only log of text records (parity's feature logs, quality's prediction logs): a
 * JSON-lines file, one record a line, or a SQLite file (`.db`, `.sqlite`), one record a row.
 */
export interface AppendLog {
  append(record: string): void;
  close(): void;
}

/** A log's record as stored, with its line (or row) number; or why that line holds none. */
export type StoredRecord = { line: number; text: string } | { line: number; error: string };

export const isSqlitePath = (path: string) => /\.(db|sqlite3?)$/i.test(path);

/** A log's SQLite shape: one table of (seq, record) rows; `what` names it in messages ('feature log'). */
export function appendLogKind(what: string, table: string): SqliteKind {
  return {
    what,
    kind: `a tfjs-monitor SQLite ${what}`,
    table,
    columns: ['seq', 'record'],
    schema: `CREATE TABLE IF NOT EXISTS ${table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)`,
    // Many small commits while logging; back to a rollback journal on close, for readers.
    journal: 'wal',
  };
}

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
 * Each record is one `write` of one line to a file opened for appending, so earlier lines are
 * never rewritten, and a crash can cost at most the line being written, which the reader then
 * counts as malformed.
 */
function jsonlLog(path: string, what: string): AppendLog {
  let fd: number | undefined;
  try {
    fd = openAppend(path);
    // A last line without its newline is a write torn by a crash: start on a fresh line, or the
    // first record appended would be glued to it and lost with it.
    const { size } = fstatSync(fd);
    const last = Buffer.alloc(1);
    if (size > 0 && readLastByte(fd, last, size) && last[0] !== 0x0a) writeSync(fd, '\n');
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw new StoreError(`cannot open ${what} ${path} for appending: ${(e as Error).message}`);
  }
  const handle = fd;
  return { append: (record) => void writeSync(handle, record + '\n'), close: () => closeSync(handle) };
}

/** Each record is its own committed row: a crash loses at most the one being written. */
function sqliteLog(db: BetterSqlite3.Database, path: string, kind: SqliteKind): AppendLog {
  const insert = db.prepare(`INSERT INTO ${kind.table} (record) VALUES (?)`);
  return {
    append(record) {
      try {
        insert.run(record);
      } catch (e) {
        throw sqliteFailure(e, path, kind, 'write');
      }
    },
    close: () => closeSqlite(db, kind),
  };
}

/** Opens a log for appending: SQLite for `.db`/`.sqlite` paths, JSON lines otherwise. */
export async function openAppendLog(path: string, kind: SqliteKind): Promise<AppendLog> {
  return isSqlitePath(path) ? sqliteLog(await openSqliteForWriting(path, kind), path, kind) : jsonlLog(path, kind.what);
}

/** Streams a log's records as stored, unreadable ones included (with their line, or row, number). */
export async function* readAppendLog(path: string, kind: SqliteKind): AsyncGenerator<StoredRecord> {
  const { what } = kind;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw new StoreError(missing ? `${what} ${path} does not exist` : `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  if (isDirectory) throw new StoreError(`${what} ${path} is a directory, not a file: give the path of the log file in it`);
  if (isSqlitePath(path)) {
    // Only reading: change nothing in the file, and need no write access to it.
    const db = await openSqliteForReading(path, kind);
    type Row = { seq: number; record: unknown };
    let rows: Iterator<Row> | undefined;
    try {
      rows = db.prepare(`SELECT seq, record FROM ${kind.table} ORDER BY seq`).iterate() as Iterator<Row>;
      for (;;) {
        let next: IteratorResult<Row>;
        try {
          next = rows.next();
        } catch (e) {
          throw sqliteFailure(e, path, kind, 'read');
        }
        if (next.done) break;
        const { seq, record } = next.value;
        yield typeof record === 'string' ? { line: seq, text: record } : { line: seq, error: 'record: not text' };
      }
    } finally {
      rows?.return?.(); // a reader that stopped early leaves the statement open
      db.close();
    }
    return;
  }
  for await (const { line, text, chars } of readLines(path, { what })) {
    if (text === null) yield { line, error: `line of ${chars} characters, over the ${MAX_LINE_CHARS} a record may have; skipped` };
    else if (text.trim() !== '') yield { line, text };
  }
}
