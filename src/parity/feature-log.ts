import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { missingPeer, StoreError } from '../staleness/store.js';
import type { Features } from './feature-set.js';

/** One logged example. `features` is null when the raw example broke the schema (`violations`). */
export interface FeatureLogRecord {
  side: 'training' | 'serving';
  id: string;
  /** The fingerprint of the feature definition that computed it. */
  fp: string;
  /** ms since the epoch */
  ts: number;
  features: Features | null;
  violations: string[];
  raw?: unknown;
}

const featureValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);
const record = z.object({
  side: z.enum(['training', 'serving']),
  id: z.string().min(1),
  fp: z.string(),
  ts: z.number(),
  features: z.record(z.string(), featureValue).nullable(),
  violations: z.array(z.string()),
  raw: z.unknown().optional(),
});

/** Where feature records are appended: a JSON-lines file, or a SQLite file (`.db`, `.sqlite`). */
export interface FeatureLogWriter {
  readonly where: string;
  append(record: FeatureLogRecord): void;
  close(): void;
}

const isSqlite = (path: string) => /\.(db|sqlite3?)$/i.test(path);

/**
 * A JSON-lines log. Each record is one `write` of one line to a file opened for appending, so
 * earlier lines are never rewritten, and a crash can cost at most the line being written, which
 * the reader then counts as malformed.
 */
class JsonlWriter implements FeatureLogWriter {
  private readonly fd: number;
  constructor(readonly where: string) {
    try {
      this.fd = openSync(where, 'a');
    } catch (e) {
      throw new StoreError(`cannot open feature log ${where} for appending: ${(e as Error).message}`);
    }
  }
  append(r: FeatureLogRecord): void {
    writeSync(this.fd, JSON.stringify(r) + '\n');
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
    this.insert.run(JSON.stringify(r));
  }
  close(): void {
    this.db.close();
  }
}

/** Opens a feature log for appending: SQLite for `.db`/`.sqlite` paths, JSON lines otherwise. */
export async function openFeatureLog(path: string): Promise<FeatureLogWriter> {
  return isSqlite(path) ? new SqliteWriter(openDb(await sqlite(), path), path) : new JsonlWriter(path);
}

export type LogEntry = { line: number; record: FeatureLogRecord } | { line: number; error: string };

function isFeatureValue(v: unknown): boolean {
  const t = typeof v;
  if (t === 'number' || t === 'string' || t === 'boolean') return true;
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'number') return false;
  return true;
}

/** The schema's check, written out for the million-line path; zod then explains any failure. */
function looksValid(r: Record<string, unknown>): boolean {
  if ((r['side'] !== 'training' && r['side'] !== 'serving') || typeof r['id'] !== 'string' || r['id'] === '') return false;
  if (typeof r['fp'] !== 'string' || typeof r['ts'] !== 'number') return false;
  const violations = r['violations'];
  if (!Array.isArray(violations) || !violations.every((v) => typeof v === 'string')) return false;
  const features = r['features'];
  if (features === null) return true;
  if (typeof features !== 'object' || Array.isArray(features)) return false;
  for (const key in features) if (!isFeatureValue((features as Record<string, unknown>)[key])) return false;
  return true;
}

function parse(line: number, text: string): LogEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { line, error: `not JSON (${(e as Error).message})` };
  }
  if (json !== null && typeof json === 'object' && looksValid(json as Record<string, unknown>)) {
    return { line, record: json as FeatureLogRecord };
  }
  const parsed = record.safeParse(json);
  if (parsed.success) return { line, record: parsed.data as FeatureLogRecord };
  const issue = parsed.error.issues[0]!;
  return { line, error: `${issue.path.join('.') || 'record'}: ${issue.message}` };
}

/** Streams a feature log's entries, malformed ones included (with their line, or row, number). */
export async function* readFeatureLog(path: string): AsyncGenerator<LogEntry> {
  if (!existsSync(path)) throw new StoreError(`feature log ${path} does not exist`);
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
        yield parse(row.seq, row.record);
      }
    } finally {
      db.close();
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    yield parse(n, text);
  }
}
