import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../../src/staleness/postgres-store.js';

export const tempDir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-staleness-'));

/** The PostgreSQL server .ci/run starts, or whatever TFJS_MONITOR_TEST_PG names. */
export const PG_URL = process.env['TFJS_MONITOR_TEST_PG'] ?? 'postgresql://root@/tfjs_monitor_test?host=/var/run/postgresql';

/** Whether PostgreSQL is reachable; when not, the PostgreSQL tests are skipped with a visible message. */
export async function postgresReachable(): Promise<boolean> {
  try {
    const store = await PostgresStore.open(PG_URL);
    await store.close();
    return true;
  } catch (e) {
    console.warn(`\n*** PostgreSQL not reachable at ${PG_URL} (${(e as Error).message}): PostgreSQL store tests are SKIPPED ***\n`);
    return false;
  }
}

/** A model name no other test run uses, so runs sharing one database do not meet. */
export const uniqueModel = (name: string) => `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
