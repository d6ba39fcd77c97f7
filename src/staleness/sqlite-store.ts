import { existsSync } from 'node:fs';
import { openSqliteForReading, openSqliteForWriting, sqliteFailure, type SqliteDatabase, type SqliteKind } from '../storage/sqlite.js';
import { StoreError, type RecordOutcome, type StageEvent, type StageStore } from './store.js';

const STORE: SqliteKind = {
  what: 'store',
  kind: 'a tfjs-monitor SQLite store',
  table: 'stage_events',
  columns: ['model', 'version', 'stage', 'at_ms', 'meta', 'recorded_at_ms'],
  schema: `CREATE TABLE IF NOT EXISTS stage_events (
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    stage TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    meta TEXT,
    recorded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (model, version, stage)
  )`,
  // Few writes, and readers (an exporter, a report) that may have no write access.
  journal: 'delete',
};

interface Row {
  model: string;
  version: string;
  stage: string;
  at_ms: number;
  meta: string | null;
}

/**
 * Stage events in a SQLite file with a rollback journal, so that reading needs no write access
 * and creates no file. Writes are immediate transactions and wait up to `busyTimeoutMs` for a
 * lock, so several processes can record at once and none is lost.
 */
export class SqliteStore implements StageStore {
  private constructor(
    private readonly db: SqliteDatabase,
    readonly where: string,
  ) {}

  /**
   * Opens the store; with `create`, for writing, creating it when missing. Without, read-only:
   * nothing is created or changed. A file that is not a store of ours is refused, untouched.
   */
  static async open(path: string, { create = true, busyTimeoutMs = 10_000 } = {}): Promise<SqliteStore> {
    if (!create && !existsSync(path)) throw new StoreError(`store ${path} does not exist; record a stage first, or check the path`);
    const db = create ? await openSqliteForWriting(path, STORE, { busyTimeoutMs }) : await openSqliteForReading(path, STORE, { busyTimeoutMs });
    return new SqliteStore(db, path);
  }

  /** Runs a statement, turning SQLite's errors into ones that name the file and what to do. */
  private use<T>(action: 'read' | 'write', run: () => T): T {
    try {
      return run();
    } catch (e) {
      throw sqliteFailure(e, this.where, STORE, action);
    }
  }

  async record(event: StageEvent): Promise<RecordOutcome> {
    const write = this.db.transaction((e: StageEvent): RecordOutcome => {
      const existing = this.db
        .prepare('SELECT at_ms FROM stage_events WHERE model = ? AND version = ? AND stage = ?')
        .get(e.model, e.version, e.stage) as { at_ms: number } | undefined;
      if (existing && existing.at_ms >= e.at) return 'unchanged';
      this.db
        .prepare(
          `INSERT INTO stage_events (model, version, stage, at_ms, meta, recorded_at_ms) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (model, version, stage) DO UPDATE SET at_ms = excluded.at_ms, meta = excluded.meta,
           recorded_at_ms = excluded.recorded_at_ms`,
        )
        .run(e.model, e.version, e.stage, e.at, e.meta === null ? null : JSON.stringify(e.meta), Date.now());
      return existing ? 'updated' : 'inserted';
    });
    return this.use('write', () => write.immediate(event));
  }

  async events(model: string): Promise<StageEvent[]> {
    const rows = this.use('read', () =>
      this.db.prepare('SELECT model, version, stage, at_ms, meta FROM stage_events WHERE model = ? ORDER BY at_ms, rowid').all(model),
    ) as Row[];
    return rows.map((r) => {
      const event: StageEvent = { model: r.model, version: r.version, stage: r.stage, at: r.at_ms, meta: null };
      if (r.meta === null) return event;
      // A row written by another program: the report names it instead of failing on it.
      let meta: unknown;
      try {
        meta = JSON.parse(r.meta);
      } catch {
        return { ...event, problem: 'its meta is not JSON' };
      }
      if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return { ...event, problem: 'its meta is not a JSON object' };
      return { ...event, meta: meta as Record<string, unknown> };
    });
  }

  async models(): Promise<string[]> {
    const rows = this.use('read', () => this.db.prepare('SELECT DISTINCT model FROM stage_events ORDER BY model').all()) as { model: string }[];
    return rows.map((r) => r.model);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
