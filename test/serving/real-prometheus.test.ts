import * as tf from '@tensorflow/tfjs';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLoad } from '../../examples/lib/load.js';
import { loadMnist } from '../../examples/lib/mnist.js';
import { startServingApp } from '../../examples/lib/serving-app.js';
import { plantSlowdown, trainV1 } from '../../examples/lib/serving-models.js';
import { DEFAULT_LATENCY_BUCKETS, servingRules } from '../../src/node/index.js';
import { backend, memoryLogger } from '../helpers/models.js';

const PROMETHEUS = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find(existsSync);
if (!PROMETHEUS) console.warn('\n*** prometheus not found: the real-Prometheus serving test is SKIPPED (apt-get install prometheus) ***\n');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe().catch(() => null);
    if (got !== null) return got;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The bucket boundary between two p95 latencies, nearest their geometric mean: Prometheus's estimates fall on either side of it. */
function thresholdBetween(fast: number, slow: number): number {
  const candidates = DEFAULT_LATENCY_BUCKETS.filter((b) => b > fast * 1.5 && b < slow / 1.5);
  if (candidates.length === 0) throw new Error(`the planted slowdown is too small to alert on: p95 ${fast} s against ${slow} s`);
  const middle = Math.sqrt(fast * slow);
  return candidates.reduce((best, b) => (Math.abs(Math.log(b / middle)) < Math.abs(Math.log(best / middle)) ? b : best));
}

// Once, in the wasm project: a real Prometheus server scrapes the example server on loopback.
describe.skipIf(backend() !== 'wasm' || !PROMETHEUS)('with a real Prometheus', { timeout: 180_000 }, () => {
  it('scrapes latency and errors with version labels, and alerts on the slow version only', async () => {
    const v1 = await trainV1();
    const v2 = plantSlowdown(v1);
    const app = await startServingApp(
      [
        { version: 'v1', model: v1 },
        { version: 'v2', model: v2 },
      ],
      { monitor: { codeVersion: 'c1', dataVersion: 'mnist-3000', logger: memoryLogger().logger } },
    );
    const test = loadMnist(200, { offset: 6000 });
    const pixels = test.xs.dataSync();
    const images = Array.from({ length: 200 }, (_, i) => Array.from(pixels.subarray(i * 784, (i + 1) * 784)));
    tf.dispose([test.xs, test.ys]);
    const load = { url: app.url, versions: ['v1', 'v2'], concurrency: 2, images, badEvery: 20 };
    let prometheus: ChildProcess | undefined;
    let loading = true;
    let background: Promise<unknown> = Promise.resolve();
    try {
      // Warm up, then put the alert threshold between the two versions' p95.
      await generateLoad({ ...load, requests: 400, deadlineMs: 60_000 });
      const [p1, p2] = ['v1', 'v2'].map((v) => app.served[v]!.run().latencySeconds.p95!);
      const threshold = thresholdBetween(p1!, p2!);

      const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-prometheus-'));
      writeFileSync(join(dir, 'rules.yml'), servingRules({ p95Seconds: threshold, errorRatio: 0.5, window: '10s', for: '2s', interval: '1s' }));
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: tfjs-serving
    static_configs:
      - targets: ['${new URL(app.url).host}']
`,
      );
      const port = await freePort();
      const api = `http://127.0.0.1:${port}/api/v1`;
      let log = '';
      prometheus = spawn(PROMETHEUS!, [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ]);
      prometheus.stderr!.on('data', (d) => (log += String(d)));
      await until(`Prometheus to start (${log})`, 30_000, async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : null));

      // Traffic while Prometheus scrapes, bounded in count and time.
      background = (async () => {
        for (let round = 0; loading && round < 200; round++) await generateLoad({ ...load, requests: 100, deadlineMs: 30_000 });
      })();

      const query = async (q: string) => ((await (await fetch(`${api}/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: Sample[] } }).data.result;
      const firing = await until('the latency alert to fire', 90_000, async () => {
        const alerts = ((await (await fetch(`${api}/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts;
        const latency = alerts.filter((a) => a.labels['alertname'] === 'TfjsMonitorServingLatencyHigh' && a.state === 'firing');
        return latency.length > 0 ? latency : null;
      });
      expect(firing.map((a) => a.labels['model_version'])).toEqual(['v2']);
      expect(firing[0]!.labels).toMatchObject({ model: 'mnist-mlp', model_version: 'v2', code_version: 'c1', data_version: 'mnist-3000', severity: 'warning' });

      const counts = await query('tfjs_monitor_serving_request_duration_seconds_count');
      expect(counts.map((s) => s.metric['model_version']).sort()).toEqual(['v1', 'v2']);
      for (const s of counts) {
        expect(s.metric).toMatchObject({ job: 'tfjs-serving', model: 'mnist-mlp', code_version: 'c1', data_version: 'mnist-3000' });
        expect(Number(s.value[1])).toBeGreaterThan(0);
      }
      const buckets = await query('tfjs_monitor_serving_request_duration_seconds_bucket{model_version="v2"}');
      expect(buckets.map((s) => s.metric['le'])).toContain('+Inf');
      const errors = await query('tfjs_monitor_serving_errors_total');
      expect(errors.map((s) => s.metric['model_version']).sort()).toEqual(['v1', 'v2']);
      for (const s of errors) expect(Number(s.value[1])).toBeGreaterThan(0);
      const p95 = await query('model_version:tfjs_monitor_serving_request_duration_seconds:p95_10s');
      const byVersion = Object.fromEntries(p95.map((s) => [s.metric['model_version'], Number(s.value[1])]));
      expect(byVersion['v2']).toBeGreaterThan(threshold);
      expect(byVersion['v1']).toBeLessThan(threshold);
    } finally {
      loading = false;
      await background;
      prometheus?.kill('SIGTERM');
      await app.close();
      v1.dispose();
      v2.dispose();
    }
  });
});
