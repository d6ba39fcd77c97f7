import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, serve } from './run-cli.js';
import { hangingProxy, socketOf } from './hung-postgres.js';
import { PG_URL, postgresReachable, tempDir, uniqueModel } from './stores.js';

describe('staleness serve over HTTP', () => {
  let s: ReturnType<typeof serve>;
  let url: string;
  beforeAll(async () => {
    const store = join(tempDir(), 's.db');
    expect((await cli(['stage', 'record', '--store', store, '--model', 'm', '--version', 'v1', '--stage', 'deploy', '--at', '2026-11-20T00:00:00Z'])).code).toBe(0);
    s = serve(['--store', store, '--port', '0']);
    url = await s.url;
  });
  afterAll(async () => {
    s.stop();
    await s.exited;
  });

  it('answers a scrape with the parameters Prometheus sends', async () => {
    const res = await fetch(`${url}?module=default&x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/tfjs_monitor_model_in_production_timestamp_seconds\{model="m",version="v1"\}/);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(url, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });
});

describe('staleness serve startup', () => {
  it('warns about a --model with no events, which would export nothing', async () => {
    const store = join(tempDir(), 's.db');
    expect((await cli(['stage', 'record', '--store', store, '--model', 'ranker', '--version', 'v1', '--stage', 'deploy'])).code).toBe(0);
    const s = serve(['--store', store, '--model', 'rankr', '--port', '0']);
    await s.url;
    s.stop();
    expect(await s.exited).toBe(0);
    expect(s.output()).toMatch(/warning: rankr: no stage events are recorded for model "rankr" in .*s\.db; check the model name \(models in the store: ranker\)/);
  });

  it('names a host that does not resolve (exit 2)', async () => {
    const store = join(tempDir(), 's.db');
    expect((await cli(['stage', 'record', '--store', store, '--model', 'm', '--version', 'v1', '--stage', 'deploy'])).code).toBe(0);
    const r = await cli(['staleness', 'serve', '--store', store, '--host', 'no-such-host.invalid', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot serve on no-such-host\.invalid:0: the host name no-such-host\.invalid does not resolve \(getaddrinfo ENOTFOUND/);
  });

  it('names a port in use (exit 2)', async () => {
    const store = join(tempDir(), 's.db');
    expect((await cli(['stage', 'record', '--store', store, '--model', 'm', '--version', 'v1', '--stage', 'deploy'])).code).toBe(0);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const r = await cli(['staleness', 'serve', '--store', store, '--port', String(port)]);
    taken.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`cannot serve on 127\\.0\\.0\\.1:${port}: the port is already in use; stop what uses it, or pick another with --port`));
  });
});

const pg = (await postgresReachable()) ? socketOf(PG_URL) : null;
if (!pg) console.warn(`\n*** no PostgreSQL Unix socket in ${PG_URL}: the hung-PostgreSQL tests are SKIPPED ***\n`);

describe.skipIf(!pg)('a PostgreSQL that accepts the connection and then never answers', () => {
  const via = (port: number) => `postgresql://${pg!.user}@127.0.0.1:${port}/${pg!.database}`;
  const model = uniqueModel('hung');

  it('fails staleness and stage record within --timeout, naming the server', async () => {
    const proxy = await hangingProxy(pg!.socketPath, { hung: true });
    try {
      const url = via(proxy.port);
      for (const args of [
        ['staleness', '--store', url, '--model', model, '--timeout', '2s'],
        ['stage', 'record', '--store', url, '--model', model, '--version', 'v1', '--stage', 'deploy', '--timeout', '2s'],
      ]) {
        const r = await cli(args);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/PostgreSQL store at postgresql:\/\/.*@127\.0\.0\.1:\d+\/.*: no answer within 2s/);
        expect(r.seconds).toBeLessThan(8);
      }
    } finally {
      await proxy.close();
    }
  });

  it('fails within the default timeout of 10s, and within --timeout when nothing is answered at all', async () => {
    const hung = await hangingProxy(pg!.socketPath, { hung: true });
    const silent = await hangingProxy(pg!.socketPath, { hung: true, silent: true });
    try {
      const r = await cli(['staleness', '--store', via(hung.port), '--model', model]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no answer within 10s/);
      expect(r.seconds).toBeLessThan(18);
      const s = await cli(['staleness', '--store', via(silent.port), '--model', model, '--timeout', '2s']);
      expect(s.code).toBe(2);
      expect(s.stderr).toMatch(/cannot open the PostgreSQL store at .*: no answer within 2s/);
      expect(s.seconds).toBeLessThan(8);
    } finally {
      await Promise.all([hung.close(), silent.close()]);
    }
  });

  it('answers a scrape with 503 within the scrape timeout instead of hanging', async () => {
    const mode = { hung: false };
    const proxy = await hangingProxy(pg!.socketPath, mode);
    const url = via(proxy.port);
    expect((await cli(['stage', 'record', '--store', url, '--model', model, '--version', 'v1', '--stage', 'deploy'])).code).toBe(0);
    const s = serve(['--store', url, '--model', model, '--port', '0', '--timeout', '5s']);
    try {
      const metrics = await s.url;
      expect((await fetch(metrics)).status).toBe(200);
      mode.hung = true;
      for (const [headers, within] of [[{ 'X-Prometheus-Scrape-Timeout-Seconds': '2' }, 2], [{}, 5]] as const) {
        const start = performance.now();
        const res = await fetch(metrics, { headers });
        const seconds = (performance.now() - start) / 1000;
        expect(res.status).toBe(503);
        expect(await res.text()).toMatch(/the PostgreSQL store at postgresql:\/\/.*: no answer within \d+(\.\d+)?s/);
        expect(seconds).toBeLessThan(within + 0.5);
      }
      mode.hung = false;
      // Once the server answers again, so does the exporter.
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = (await fetch(metrics)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe(200);
    } finally {
      s.stop();
      await s.exited;
      await proxy.close();
    }
  });
});
