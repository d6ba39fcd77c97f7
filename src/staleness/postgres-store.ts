import type { Pool } from 'pg';
import { formatDuration } from './duration.js';
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

/** pg's errors when the server did not answer in time: connecting, waiting for a pooled connection, a query. */
const TIMEOUTS = /timeout expired|timeout exceeded|connection timeout|Query read timeout|statement timeout/i;

/**
 * Stage events in PostgreSQL, for pipelines whose stages run on different machines. The same
 * rule as SQLite, in one statement: insert, or replace only with a newer timestamp. Connecting
 * and every statement are bounded by `timeoutMs`, so a server that stops answering gives an error,
 * not a hang.
 */
export class PostgresStore implements StageStore {
  private constructor(
    private readonly pool: Pool,
    readonly where: string,
    private readonly timeoutMs: number,
  ) {}

  /** With `create` false, only reads: the stage_events table must exist, and nothing is created. */
  static async open(url: string, { create = true, timeoutMs = 10_000 } = {}): Promise<PostgresStore> {
    let Pool: typeof import('pg').Pool;
    try {
      Pool = (await import('pg')).default.Pool;
    } catch (e) {
      throw missingPeer('pg', '8', 'the PostgreSQL store', e);
    }
    const pool = new Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: timeoutMs,
      // Client side: a server that accepted the connection and went silent. Server side: a statement stuck on a lock.
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
    });
    pool.on('error', () => {}); // An idle client's error surfaces on the next query instead.
    const store = new PostgresStore(pool, redact(url), timeoutMs);
    try {
      if (create) await store.createTable();
      else if (!(await pool.query("SELECT to_regclass('stage_events') AS t")).rows[0].t) {
        throw new StoreError(`the PostgreSQL store at ${store.where} has no stage_events table; record a stage first, or check the URL`);
      }
    } catch (e) {
      await pool.end();
      throw e instanceof StoreError ? e : new StoreError(`cannot open the PostgreSQL store at ${store.where}: ${store.explain(e)}`);
    }
    return store;
  }

  private async createTable(): Promise<void> {
    try {
      await this.pool.query(SCHEMA);
    } catch (e) {
      // Two processes creating the table at once: the loser sees a duplicate, and the table exists.
      const code = (e as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw e;
    }
  }

  /** What went wrong, and for a timeout what to do. */
  private explain(e: unknown): string {
    const err = e as { code?: string; message?: string };
    const what = err.message || err.code || String(e);
    if (TIMEOUTS.test(what) || err.code === '57014') {
      const within = this.timeoutMs < 60_000 ? `${+(this.timeoutMs / 1000).toFixed(2)}s` : formatDuration(this.timeoutMs);
      return `no answer within ${within} (${what}); check that the server is up and reachable, or allow longer with --timeout`;
    }
    return what;
  }

  private async query<R>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query(sql, params)).rows as R[];
    } catch (e) {
      throw new StoreError(`the PostgreSQL store at ${this.where}: ${this.explain(e)}`);
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
