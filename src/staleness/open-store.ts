import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { StageStore } from './store.js';

export interface OpenStoreOptions {
  /** False for commands that only read: nothing is created, and a missing store is an error. */
  create?: boolean;
  /** How long to wait for the store: connecting to and each statement on PostgreSQL, a lock on SQLite. */
  timeoutMs?: number;
}

/** Opens the store a `--store` value names: a `postgres://` or `postgresql://` URL, or a SQLite file path. */
export function openStore(spec: string, { create = true, timeoutMs = 10_000 }: OpenStoreOptions = {}): Promise<StageStore> {
  return /^postgres(ql)?:\/\//.test(spec) ? PostgresStore.open(spec, { create, timeoutMs }) : SqliteStore.open(spec, { create, busyTimeoutMs: timeoutMs });
}
