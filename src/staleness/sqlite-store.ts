import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { missingPeer, StoreError, type RecordOutcome, type StageEvent, type StageStore } from './store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS stage_events (
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  stage TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  meta TEXT,
  recorded_at_ms INTEGER NOT NULL,
  PRIMARY KEY (model, version, stage)
)`;

interface Row {
  model: string;
  version: string;
  stage: string;
  at_ms: number;
  meta: string | null;
}

/**
 * Stage events in a SQLite file, in WAL mode so readers never block the writer. Writes are
 * immediate transactions and wait up to `busyTimeoutMs` for a lock, so several processes can
 * record at once and none is lost.
 */
export class SqliteStore implements StageStore {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly where: string,
  ) {}

  /** Opens (or with `create`, creates) the store. A file that is not a SQLite store is refused, untouched. */
  static async open(path: string, { create = true, busyTimeoutMs = 10_000 } = {}): Promise<SqliteStore> {
    let Database: typeof BetterSqlite3;
    try {
      Database = (await import('better-sqlite3')).default;
    } catch (e) {
      throw missingPeer('better-sqlite3', '12', 'the SQLite store', e);
    }
    if (!create && !existsSync(path)) throw new StoreError(`store ${path} does not exist; record a stage first, or check the path`);
    let db: BetterSqlite3.Database | undefined;
    try {
      if (create) {
        db = new Database(path, { timeout: busyTimeoutMs });
        db.pragma('journal_mode = WAL');
        db.exec(SCHEMA);
      } else {
        // Only reading: change nothing in a file that may not even be ours.
        db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
        const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'stage_events'").get();
        if (!table) throw new Error('it has no stage_events table');
      }
      const columns = (db.prepare('PRAGMA table_info(stage_events)').all() as { name: string }[]).map((c) => c.name);
      for (const needed of ['model', 'version', 'stage', 'at_ms', 'meta']) {
        if (!columns.includes(needed)) throw new Error(`its stage_events table has no ${needed} column`);
      }
      return new SqliteStore(db, path);
    } catch (e) {
      db?.close();
      throw new StoreError(`store ${path} is not a tfjs-monitor SQLite store (${(e as Error).message}); it was left untouched`);
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
    try {
      return write.immediate(event);
    } catch (e) {
      throw new StoreError(`cannot write to store ${this.where}: ${(e as Error).message}`);
    }
  }

  async events(model: string): Promise<StageEvent[]> {
    const rows = this.db
      .prepare('SELECT model, version, stage, at_ms, meta FROM stage_events WHERE model = ? ORDER BY at_ms, rowid')
      .all(model) as Row[];
    return rows.map((r) => ({ model: r.model, version: r.version, stage: r.stage, at: r.at_ms, meta: r.meta === null ? null : JSON.parse(r.meta) }));
  }

  async models(): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT model FROM stage_events ORDER BY model').all() as { model: string }[]).map((r) => r.model);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
