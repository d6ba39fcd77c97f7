import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/staleness/open-store.js';
import { PG_URL, postgresReachable, tempDir, uniqueModel } from './stores.js';

const run = promisify(execFile);
const pgUp = await postgresReachable();

const kinds = [
  { name: 'SQLite', spec: () => join(tempDir(), 'stages.db'), enabled: true },
  { name: 'PostgreSQL', spec: () => PG_URL, enabled: pgUp },
];

// The same contract for every store: what the tracker and the CLI rely on.
for (const kind of kinds) {
  describe.skipIf(!kind.enabled)(`${kind.name} store`, () => {
    it('keeps one event per model, version and stage: retries change nothing, newer re-runs replace it', async () => {
      const store = await openStore(kind.spec());
      const model = uniqueModel('contract');
      const event = { model, version: 'v1', stage: 'train_end', at: 1_700_000_000_000, meta: { run: 1 } };
      expect(await store.record(event)).toBe('inserted');
      expect(await store.record(event)).toBe('unchanged'); // a retry
      expect(await store.record({ ...event, at: event.at - 1000, meta: { run: 0 } })).toBe('unchanged'); // older
      expect(await store.record({ ...event, at: event.at + 1000, meta: { run: 2 } })).toBe('updated'); // a newer re-run
      expect(await store.events(model)).toEqual([{ ...event, at: event.at + 1000, meta: { run: 2 } }]);
      await store.close();
    });

    it('returns a model’s events oldest first, with their metadata, and lists models', async () => {
      const store = await openStore(kind.spec());
      const model = uniqueModel('order');
      await store.record({ model, version: 'v2', stage: 'features', at: 3000, meta: null });
      await store.record({ model, version: 'v1', stage: 'data_snapshot', at: 1000, meta: { rows: 10_000, source: 's3://x' } });
      await store.record({ model: `${model}-other`, version: 'v1', stage: 'deploy', at: 2000, meta: null });
      const events = await store.events(model);
      expect(events.map((e) => [e.version, e.stage, e.at])).toEqual([
        ['v1', 'data_snapshot', 1000],
        ['v2', 'features', 3000],
      ]);
      expect(events[0]!.meta).toEqual({ rows: 10_000, source: 's3://x' });
      expect(await store.models()).toEqual(expect.arrayContaining([model, `${model}-other`]));
      await store.close();
    });

    it('loses nothing when several processes write at once', async () => {
      const spec = kind.spec();
      const model = uniqueModel('concurrent');
      (await openStore(spec)).close(); // create the file or table before the race
      await Promise.all(
        [1, 2, 3, 4].map((w) => run('npx', ['tsx', 'test/staleness/writer.ts', spec, model, String(w), '25'], { timeout: 120_000 })),
      );
      const store = await openStore(spec);
      const events = await store.events(model);
      expect(events.filter((e) => e.stage === 'train_end')).toHaveLength(100);
      expect(events.filter((e) => e.stage === 'deploy')).toHaveLength(1);
      await store.close();
    });
  });
}
