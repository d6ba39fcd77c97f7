import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { missingPeer, StoreError } from './errors.js';

export type SqliteDatabase = BetterSqlite3.Database;

/** What a SQLite file must hold to be one of ours, and how it is created. */
export interface SqliteKind {
  /** In messages: 'store', 'feature log'. */
  what: string;
  /** In messages: 'a tfjs-monitor SQLite store'. */
  kind: string;
  table: string;
  columns: readonly string[];
  /** CREATE TABLE IF NOT EXISTS … */
  schema: string;
  /**
   * 'delete' (a rollback journal): readers need no write access and create no file. 'wal': faster
   * for many small commits; the writer switches the file back to 'delete' when it closes.
   */
  journal: 'delete' | 'wal';
}

export interface SqliteOpenOptions {
  /** How long to wait for another process's lock. */
  busyTimeoutMs?: number;
}

/** The file is readable, but not one of ours. */
class NotOurs extends Error {}

let driver: typeof BetterSqlite3 | undefined;

/** better-sqlite3 is an optional peer dependency: imported on first use, with a clear message when missing. */
async function load(kind: SqliteKind): Promise<typeof BetterSqlite3> {
  try {
    driver ??= (await import('better-sqlite3')).default;
    return driver;
  } catch (e) {
    throw missingPeer('better-sqlite3', '12', `a SQLite ${kind.what}`, e);
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** The 100-byte header, read without SQLite, so that a file that is not SQLite is never handed to it. */
function readHeader(path: string, kind: SqliteKind): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = Buffer.alloc(100);
    return header.subarray(0, readSync(fd, header, 0, 100, 0));
  } catch (e) {
    if ((e as { code?: string }).code === 'EISDIR') throw new StoreError(`${kind.what} ${path} is a directory; give the path of a file`);
    throw sqliteFailure(e, path, kind, 'read');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const isWal = (header: Buffer | undefined) => header?.[18] === 2;

function checkShape(db: SqliteDatabase, kind: SqliteKind): void {
  const columns = (db.prepare(`PRAGMA table_info(${kind.table})`).all() as { name: string }[]).map((c) => c.name);
  if (columns.length === 0) throw new NotOurs(`it has no ${kind.table} table`);
  const missing = kind.columns.find((c) => !columns.includes(c));
  if (missing) throw new NotOurs(`its ${kind.table} table has no ${missing} column`);
}

/** Opens an existing file of ours read-only: it changes nothing, creates nothing, and needs no write access. */
export async function openSqliteForReading(path: string, kind: SqliteKind, { busyTimeoutMs = 10_000 }: SqliteOpenOptions = {}): Promise<SqliteDatabase> {
  const header = readHeader(path, kind);
  const Database = await load(kind);
  let db: SqliteDatabase | undefined;
  try {
    if (header.length === 0) throw new NotOurs('it is an empty file');
    if (header.length < 100 || !header.subarray(0, 16).equals(MAGIC)) throw new NotOurs('it is not a SQLite file');
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    checkShape(db, kind);
    return db;
  } catch (e) {
    db?.close();
    throw sqliteFailure(e, path, kind, 'read', header);
  }
}

/**
 * Opens a file of ours for writing, creating it (and its table) when it does not exist or is
 * empty. An existing file is first checked read-only: one that is not ours is refused unchanged.
 */
export async function openSqliteForWriting(path: string, kind: SqliteKind, options: SqliteOpenOptions = {}): Promise<SqliteDatabase> {
  const Database = await load(kind);
  const memory = path === ':memory:' || path === '';
  const exists = !memory && existsSync(path) && statSync(path).size > 0;
  if (exists) (await openSqliteForReading(path, kind, options)).close();
  if (!memory) checkWritable(path, kind, exists);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 });
    setJournal(db, kind.journal);
    if (!exists) db.exec(kind.schema);
    return db;
  } catch (e) {
    db?.close();
    throw sqliteFailure(e, path, kind, 'write');
  }
}

/** Closes a connection; a WAL file goes back to a rollback journal, so that its readers need no write access. */
export function closeSqlite(db: SqliteDatabase, kind: SqliteKind): void {
  try {
    if (kind.journal === 'wal' && db.open && !db.readonly) setJournal(db, 'delete');
  } catch {
    // Best effort: everything is committed either way, and the next writer to close tries again.
  }
  db.close();
}

function setJournal(db: SqliteDatabase, journal: 'delete' | 'wal'): void {
  if (db.pragma('journal_mode', { simple: true }) === journal || db.memory) return;
  if (journal === 'wal') {
    db.pragma('journal_mode = WAL');
    return;
  }
  // Leaving WAL needs the file to itself: try without waiting, and leave it to a later writer
  // when another connection (a reader, another writer) has it open.
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('journal_mode = DELETE');
  } catch (e) {
    if (!/^SQLITE_(BUSY|LOCKED)/.test(String((e as { code?: unknown }).code))) throw e;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

function checkWritable(path: string, kind: SqliteKind, exists: boolean): void {
  const dir = dirname(resolve(path));
  const verb = exists ? `cannot write to ${kind.what} ${path}` : `cannot create ${kind.what} ${path}`;
  if (!existsSync(dir)) throw new StoreError(`${verb}: its directory ${dir} does not exist`);
  const may = (p: string) => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (exists && !may(path)) throw new StoreError(`${verb}: permission denied: this user may not write the file`);
  if (!may(dir)) {
    throw new StoreError(`${verb}: permission denied: this user may not create files in its directory ${dir}, as SQLite must for the journal of each write`);
  }
}

/**
 * A clear StoreError for an error from opening or using a SQLite file of ours: damaged, not ours,
 * no permission, locked, disk full. Anything else is returned as it is: a bug here, not bad input.
 */
export function sqliteFailure(e: unknown, path: string, kind: SqliteKind, action: 'read' | 'write', header?: Buffer): Error {
  if (e instanceof StoreError) return e;
  const at = `${kind.what} ${path}`;
  if (e instanceof NotOurs) return new StoreError(`${at} is not ${kind.kind} (${e.message}); it was left untouched`);
  const code = String((e as { code?: unknown })?.code ?? '');
  const message = (e as Error)?.message ?? String(e);
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new StoreError(
      `${at} is damaged (${message}): restore it from a backup, or salvage what is readable with \`sqlite3 ${path} .recover | sqlite3 recovered.db\``,
    );
  }
  if (['EACCES', 'EPERM', 'EROFS'].includes(code) || /^SQLITE_(READONLY|PERM|AUTH|CANTOPEN)/.test(code)) {
    if (action === 'write') {
      return new StoreError(`cannot write to ${at}: permission denied (${message}); this user needs write access to the file and to its directory`);
    }
    if (code === 'SQLITE_READONLY_ROLLBACK') {
      return new StoreError(
        `cannot read ${at}: permission denied (${message}): a process stopped in the middle of a write and left ${path}-journal, ` +
          'which only a user who may write the file and its directory can roll back; open it once as such a user',
      );
    }
    if (isWal(header)) {
      return new StoreError(
        `cannot read ${at}: permission denied (${message}): it is in WAL mode, and SQLite reads a WAL file only where it may create ` +
          `${path}-shm next to it; make its directory writable for this user, or write to it once with tfjs-monitor, which switches it back to a rollback journal`,
      );
    }
    return new StoreError(`cannot read ${at}: permission denied (${message}); this user needs read access to the file`);
  }
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new StoreError(`${at} stayed locked by another process for longer than the timeout (${message}); try again, or find the process that holds it`);
  }
  if (/^SQLITE_FULL/.test(code) || code === 'ENOSPC') return new StoreError(`cannot write to ${at}: the disk is full (${message})`);
  if (/^SQLITE_IOERR/.test(code) || code === 'EIO') return new StoreError(`${at}: input/output error (${message}); check the disk and its file system`);
  return e instanceof Error ? e : new Error(message);
}
