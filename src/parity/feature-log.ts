import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { StoreError } from '../storage/errors.js';
import { closeSqlite, openSqliteForReading, openSqliteForWriting, sqliteFailure, type SqliteKind } from '../storage/sqlite.js';
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
      this.insert.run(JSON.stringify(r));
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
        yield typeof record === 'string' ? parse(seq, record) : { line: seq, error: 'record: not text' };
      }
    } finally {
      rows?.return?.(); // a reader that stopped early leaves the statement open
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
