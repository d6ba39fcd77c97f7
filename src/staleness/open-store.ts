import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { StageStore } from './store.js';

/**
 * Opens the store a `--store` value names: a `postgres://` or `postgresql://` URL, or a SQLite
 * file path. With `create` false a missing SQLite file is an error (for commands that only read).
 */
export function openStore(spec: string, { create = true } = {}): Promise<StageStore> {
  return /^postgres(ql)?:\/\//.test(spec) ? PostgresStore.open(spec) : SqliteStore.open(spec, { create });
}
