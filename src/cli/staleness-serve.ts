import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import type { MetricsRegistry } from '../common/metrics-registry.js';
import { InvalidOptionsError } from '../options/validate.js';
import { printable } from '../staleness/printable.js';
import { stalenessRegistry } from '../staleness/prometheus.js';
import { StoreError } from '../staleness/store.js';
import { StalenessTracker } from '../staleness/tracker.js';
import type { Io } from './io.js';
import { stagesOf, storeFlags, storeOf, timeoutOf } from './staleness-flags.js';

const USAGE = 'usage: tfjs-monitor staleness serve --store S [--model M …] [--port 9464] [--host 127.0.0.1] [--stages a,b,…] [--timeout 10s]';

const seconds = (ms: number) => `${+(ms / 1000).toFixed(2)}s`;

/**
 * How long a scrape may wait for the store: `--timeout`, or less when Prometheus says how long it
 * waits (a 503 that arrives in time says more than a scrape that timed out).
 */
function deadlineMs(req: IncomingMessage, timeoutMs: number): number {
  const scrape = Number(req.headers['x-prometheus-scrape-timeout-seconds']) * 1000;
  return scrape > 0 ? Math.min(timeoutMs, Math.max(scrape - 500, scrape / 2)) : timeoutMs;
}

function handler(registry: MetricsRegistry, timeoutMs: number, store: string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname; // Prometheus may add scrape parameters
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end(`method ${req.method} not allowed: scrape /metrics with GET\n`);
      return;
    }
    const ms = deadlineMs(req, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreError(`${store}: no answer within ${seconds(ms)}`)), ms);
    });
    try {
      const body = await Promise.race([registry.metrics(), late]);
      res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      // The store cannot be read (down, slow, damaged): 503, so Prometheus marks the target down.
      const status = e instanceof StoreError ? 503 : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`cannot read the store: ${(e as Error).message}\n`);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Listens, or says plainly why not: the host, the port, and what to change. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  } catch (e) {
    const err = e as { code?: string; message: string };
    const at = `cannot serve on ${host}:${port}`;
    const why: Record<string, string> = {
      ENOTFOUND: `the host name ${host} does not resolve (${err.message}); check --host`,
      EAI_AGAIN: `the host name ${host} could not be resolved now (${err.message}); check --host and the DNS`,
      EADDRINUSE: 'the port is already in use; stop what uses it, or pick another with --port',
      EADDRNOTAVAIL: `${host} is not an address of this machine; check --host`,
      EACCES: 'permission denied: ports below 1024 need privileges; pick another with --port',
    };
    const message = `${at}: ${why[err.code ?? ''] ?? err.message}`;
    throw new InvalidOptionsError(message, [message]);
  }
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** `tfjs-monitor staleness serve …`: a /metrics endpoint for Prometheus; runs until stopped. */
export async function stalenessServe(args: string[], io: Io, stop?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args, options: { ...storeFlags, port: { type: 'string' }, host: { type: 'string' } } });
  const spec = storeOf(values.store, USAGE);
  const port = Number(values.port ?? 9464);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionsError(`--port must be a port number from 0 to 65535, got ${JSON.stringify(values.port)}`, ['--port']);
  }
  const host = values.host ?? '127.0.0.1';
  const stages = stagesOf(values.stages);
  const timeoutMs = timeoutOf(values.timeout);
  const tracker = await StalenessTracker.open(spec, { create: false, timeoutMs, ...(stages ? { stages } : {}) });
  const server = createServer();
  try {
    const registry = await stalenessRegistry(tracker, values.model ?? []);
    for (const model of values.model ?? []) {
      // A mistyped --model would only export nothing: say so once, at startup.
      const { problems } = await tracker.staleness({ model });
      for (const problem of problems) if (problem.kind === 'no-events') io.err(`warning: ${printable(problem.message)}`);
    }
    const store = /^postgres(ql)?:\/\//.test(spec) ? `the PostgreSQL store at ${tracker.store.where}` : `the store ${tracker.store.where}`;
    server.on('request', handler(registry, timeoutMs, store));
    const bound = await listen(server, port, host);
    // Ready for a signal before saying where we serve: whoever reads that line may stop us at once.
    const stopped = new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
      if (stop?.aborted) done();
      stop?.addEventListener('abort', done);
    });
    io.out(`serving staleness metrics on http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`);
    await stopped;
  } finally {
    await new Promise((resolve) => server.close(resolve).closeAllConnections());
    await tracker.close();
  }
  return 0;
}
