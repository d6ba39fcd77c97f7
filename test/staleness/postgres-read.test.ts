import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';
import { PG_URL, postgresReachable, uniqueModel } from './stores.js';

const pgUp = await postgresReachable();

describe.skipIf(!pgUp)('reading a PostgreSQL store', () => {
  it('needs only SELECT on stage_events: it creates nothing (staleness, stage consumers)', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const role = `tfjs_reader_${process.pid}`;
    const model = uniqueModel('read-only');
    const database = (await admin.query('SELECT current_database() AS d')).rows[0].d as string;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pw'`);
    try {
      await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON stage_events TO ${role}`);
      const snapshot = `snap-${model}`;
      expect((await cli(['stage', 'record', '--store', PG_URL, '--model', model, '--version', 'v1', '--stage', 'data_snapshot', '--at', '2026-11-19T00:00:00Z', '--meta', JSON.stringify({ snapshot })])).code).toBe(0);
      expect((await cli(['stage', 'record', '--store', PG_URL, '--model', model, '--version', 'v1', '--stage', 'deploy', '--at', '2026-11-20T00:00:00Z'])).code).toBe(0);
      const reader = `postgresql://${role}:reader-pw@localhost:5432/${database}`;
      const r = await cli(['staleness', '--store', reader, '--model', model, '--now', '2026-11-21T00:00:00Z']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/in production: v1, deployed 1d ago/);
      // Which versions consumed a snapshot, across every model in the database and for this one.
      for (const only of [[], ['--model', model]]) {
        const consumers = await cli(['stage', 'consumers', '--store', reader, '--snapshot', snapshot, ...only, '--json']);
        expect(consumers.code, consumers.stderr).toBe(0);
        expect(JSON.parse(consumers.stdout)).toEqual([
          { model, version: 'v1', at: '2026-11-19T00:00:00.000Z', lastStage: 'deploy', lastStageAt: '2026-11-20T00:00:00.000Z', deployed: true, inProduction: true },
        ]);
      }
      const none = await cli(['stage', 'consumers', '--store', reader, '--snapshot', `${snapshot}-never`, '--model', model]);
      expect(none.stdout).toBe(`no version of model ${model} consumed snapshot ${snapshot}-never (in postgresql://${role}:***@localhost:5432/${database})\n`);
    } finally {
      await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
      await admin.end();
    }
  });
});
