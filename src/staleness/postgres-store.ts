import type { Pool } from 'pg';
import { missingPeer, StoreError, type RecordOutcome, type StageEvent, type StageStore } from './store.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS stage_events (
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  stage TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  meta JSONB,
  recorded_at_ms BIGINT NOT NULL,
  PRIMARY KEY (model, version, stage)
)`;

/** `postgres://user@host:5432/db` without the password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Stage events in PostgreSQL, for pipelines whose stages run on different machines. The same
 * rule as SQLite, in one statement: insert, or replace only with a newer timestamp.
 */
export class PostgresStore implements StageStore {
  private constructor(
    private readonly pool: Pool,
    readonly where: string,
  ) {}

  static async open(url: string): Promise<PostgresStore> {
    let Pool: typeof import('pg').Pool;
    try {
      Pool = (await import('pg')).default.Pool;
    } catch (e) {
      throw missingPeer('pg', '8', 'the PostgreSQL store', e);
    }
    const where = redact(url);
    const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 4 });
    pool.on('error', () => {}); // An idle client's error surfaces on the next query instead.
    try {
      await pool.query(SCHEMA);
    } catch (e) {
      const err = e as { code?: string; message: string };
      // Two processes creating the table at once: the loser sees a duplicate, and the table exists.
      if (err.code !== '23505' && err.code !== '42P07') {
        await pool.end();
        throw new StoreError(`cannot open the PostgreSQL store at ${where}: ${err.message || err.code}`);
      }
    }
    return new PostgresStore(pool, where);
  }

  private async query<R>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query(sql, params)).rows as R[];
    } catch (e) {
      const err = e as { code?: string; message: string };
      throw new StoreError(`PostgreSQL store at ${this.where}: ${err.message || err.code}`);
    }
  }

  async record(e: StageEvent): Promise<RecordOutcome> {
    const rows = await this.query<{ inserted: boolean }>(
      `INSERT INTO stage_events (model, version, stage, at_ms, meta, recorded_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (model, version, stage) DO UPDATE SET at_ms = EXCLUDED.at_ms, meta = EXCLUDED.meta,
       recorded_at_ms = EXCLUDED.recorded_at_ms WHERE stage_events.at_ms < EXCLUDED.at_ms
       RETURNING (xmax = 0) AS inserted`,
      [e.model, e.version, e.stage, e.at, e.meta === null ? null : JSON.stringify(e.meta), Date.now()],
    );
    if (rows.length === 0) return 'unchanged';
    return rows[0]!.inserted ? 'inserted' : 'updated';
  }

  async events(model: string): Promise<StageEvent[]> {
    const rows = await this.query<{ model: string; version: string; stage: string; at_ms: string; meta: Record<string, unknown> | null }>(
      'SELECT model, version, stage, at_ms, meta FROM stage_events WHERE model = $1 ORDER BY at_ms, recorded_at_ms',
      [model],
    );
    return rows.map((r) => ({ model: r.model, version: r.version, stage: r.stage, at: Number(r.at_ms), meta: r.meta }));
  }

  async models(): Promise<string[]> {
    return (await this.query<{ model: string }>('SELECT DISTINCT model FROM stage_events ORDER BY model', [])).map((r) => r.model);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
