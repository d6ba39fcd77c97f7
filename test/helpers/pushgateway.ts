// A real Prometheus Pushgateway (Debian's prometheus-pushgateway) for the tests: started on
// 127.0.0.1 on a free port with its persistence in a temporary directory, stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PUSHGATEWAY = ['/usr/bin/prometheus-pushgateway', '/usr/local/bin/prometheus-pushgateway', '/usr/local/bin/pushgateway'].find(existsSync);

/** A port nobody listens on (just now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Gateway {
  url: string;
  /** The metrics of one group, by name: each metric's samples as labels and value. */
  group(labels: Record<string, string>): Promise<Record<string, { labels: Record<string, string>; value: number }[]> | null>;
  stop(): Promise<void>;
}

export async function startPushgateway(binary: string): Promise<Gateway> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-pushgateway-'));
    const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'metrics')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
    const url = `http://127.0.0.1:${port}`;
    if (await ready(url, child)) return gateway(url, child);
    child.kill();
    if (attempt === 2) throw new Error(`prometheus-pushgateway did not start on ${url}: ${log}`);
  }
}

async function ready(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

interface ApiGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

function gateway(url: string, child: ChildProcess): Gateway {
  // Never left running: also stopped if the test process ends without afterAll.
  const kill = () => child.kill();
  process.once('exit', kill);
  return {
    url,
    async group(labels) {
      const body = (await (await fetch(`${url}/api/v1/metrics`)).json()) as { data: ApiGroup[] };
      const found = body.data.find((g) => Object.entries(labels).every(([k, v]) => g.labels[k] === v) && Object.keys(g.labels).length === Object.keys(labels).length);
      if (!found) return null;
      const out: Record<string, { labels: Record<string, string>; value: number }[]> = {};
      for (const [name, family] of Object.entries(found)) {
        const metrics = (family as { metrics?: { labels: Record<string, string>; value: string }[] }).metrics;
        if (metrics) out[name] = metrics.map((m) => ({ labels: m.labels, value: Number(m.value) }));
      }
      return out;
    },
    async stop() {
      process.off('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    },
  };
}
