import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError, TrainingInstabilityError, TrainingMonitor, pushgatewaySink } from '../src/node/index.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { backend, disposeModel, expectNoLeak, injectNaN, memoryLogger, mlp } from './helpers/models.js';
import { freePort, PUSHGATEWAY, startPushgateway, type Gateway } from './helpers/pushgateway.js';

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(100);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

const M = 'tfjs_monitor_training_';
const KINDS = ['non-finite', 'weight-bound', 'dead-relu', 'tensor-leak', 'memory-growth', 'speed-regression', 'update-ratio', 'loss-spike', 'dependency-change'];
const value = (group: Awaited<ReturnType<Gateway['group']>>, name: string, labels: Record<string, string> = {}) =>
  group?.[name]?.find((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v))?.value;

async function until<T>(what: string, read: () => Promise<T | undefined | null>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

if (!PUSHGATEWAY) console.warn('\n*** prometheus-pushgateway not found: the Pushgateway tests are SKIPPED (apt-get install prometheus-pushgateway) ***\n');

describe.skipIf(!PUSHGATEWAY)('Pushgateway, a real one', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startPushgateway(PUSHGATEWAY!);
  });
  afterAll(() => gateway?.stop());
  const labels = { job: 'mnist-train', model: 'mlp', backend: backend() };

  it('receives the progress every epoch while training, and the outcome at the end', async () => {
    const model = mlp();
    const { logger } = memoryLogger();
    // Before the second epoch, the first epoch's push has arrived (it runs beside training).
    const afterFirstEpoch = new tf.CustomCallback({
      onEpochBegin: async (epoch) => {
        if (epoch === 1) await until('the first epoch push', async () => value(await gateway.group(labels), `${M}epochs`));
      },
    });
    const monitor = new TrainingMonitor({
      pushgateway: { url: gateway.url, job: 'mnist-train', groupingKey: { model: 'mlp', backend: backend() }, everyEpochs: 1 },
      logger,
    });
    const before = Date.now() / 1000;
    await expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [afterFirstEpoch, monitor] }));
    const group = await gateway.group(labels);
    expect(value(group, `${M}epochs`)).toBe(2);
    expect(value(group, `${M}steps`)).toBe(10);
    for (const kind of KINDS) expect(value(group, `${M}findings`, { kind }), kind).toBe(0);
    expect(value(group, `${M}examples_per_second`)).toBeCloseTo(monitor.report().speed!.examplesPerSecond!, 6);
    expect(value(group, `${M}peak_tensors`)).toBe(monitor.report().speed!.memory.peakNumTensors);
    expect(value(group, `${M}last_success_timestamp_seconds`)).toBeGreaterThanOrEqual(Math.floor(before));
    expect(group![`${M}last_failure_timestamp_seconds`]).toBeUndefined();
    disposeModel(model);
  });

  it('records a failed run beside the last success, with its findings by kind', async () => {
    const lastSuccess = value(await gateway.group(labels), `${M}last_success_timestamp_seconds`);
    expect(lastSuccess).toBeGreaterThan(0);
    const model = mlp();
    const monitor = new TrainingMonitor({ pushgateway: { url: gateway.url, job: 'mnist-train', groupingKey: { model: 'mlp', backend: backend() } }, logger: memoryLogger().logger });
    await expect(model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [injectNaN(model, 'logits/bias', 2), monitor] })).rejects.toThrow(TrainingInstabilityError);
    const group = await gateway.group(labels);
    expect(value(group, `${M}findings`, { kind: 'non-finite' })).toBe(1);
    expect(value(group, `${M}findings`, { kind: 'dead-relu' })).toBe(0);
    expect(value(group, `${M}steps`)).toBe(3);
    expect(value(group, `${M}last_failure_timestamp_seconds`)).toBeGreaterThanOrEqual(lastSuccess!);
    // A POST replaces only the metrics it carries: the last success is still there.
    expect(value(group, `${M}last_success_timestamp_seconds`)).toBe(lastSuccess);
    disposeModel(model);
  });

  it('counts a fit that tfjs aborted as a failure, not a success', async () => {
    const model = mlp();
    const key = { job: 'aborted', backend: backend() };
    const breaker = new tf.CustomCallback({ onBatchEnd: async (b) => { if (b === 1) throw new Error('the data pipeline broke'); } });
    const monitor = new TrainingMonitor({ pushgateway: { url: gateway.url, job: 'aborted', groupingKey: { backend: backend() } }, logger: memoryLogger().logger });
    await expect(model.fit(data.xs, data.ys, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [breaker, monitor] })).rejects.toThrow('the data pipeline broke');
    // The end of an aborted fit is heard from the monitor's clean-up, and pushed from there.
    const group = await until('the aborted run push', async () => {
      const g = await gateway.group(key);
      return value(g, `${M}last_failure_timestamp_seconds`) ? g : null;
    });
    expect(group[`${M}last_success_timestamp_seconds`]).toBeUndefined();
    disposeModel(model);
  });

  it('works as a plain sink, in a custom loop', async () => {
    const model = mlp();
    const monitor = new TrainingMonitor({ sinks: [pushgatewaySink({ url: gateway.url, job: 'loop', groupingKey: { backend: backend() }, logger: memoryLogger().logger })] });
    const watch = await monitor.watch(model);
    for (let i = 0; i < 3; i++) {
      const loss = model.optimizer.minimize(() => tf.losses.softmaxCrossEntropy(data.ys, model.predict(data.xs) as tf.Tensor), true)!;
      await watch.step({ loss });
      loss.dispose();
    }
    await watch.end();
    const group = await gateway.group({ job: 'loop', backend: backend() });
    expect(value(group, `${M}steps`)).toBe(3);
    expect(value(group, `${M}last_success_timestamp_seconds`)).toBeGreaterThan(0);
    disposeModel(model);
  });
});

describe('Pushgateway failures never stop training', () => {
  it('a gateway that is down: each push is logged (warn) with its URL, and training completes', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const model = mlp();
    const { logger, lines } = memoryLogger();
    const monitor = new TrainingMonitor({ pushgateway: { url, job: 'down' }, logger });
    await expectNoLeak(() => model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [monitor] }));
    expect(monitor.report()).toMatchObject({ status: 'healthy', steps: 10 });
    const warnings = lines.filter((l) => l['event'] === 'tfjs-monitor.pushgateway-failed');
    expect(warnings).toHaveLength(3); // two epochs and the end
    expect(warnings[0]).toMatchObject({ level: 40, url, job: 'down' });
    expect(String(warnings[0]!['msg'])).toMatch(new RegExp(`Pushgateway push to ${url}.*failed: .*ECONNREFUSED.*Training goes on`));
    disposeModel(model);
  });

  it('a gateway that never answers: each push gives up after timeoutMs, and the epochs do not wait for it', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const model = mlp();
      const { logger, lines } = memoryLogger();
      // When the second epoch begins, the first epoch's push is still waiting: training did not wait for it.
      let warnedBeforeSecondEpoch: number | null = null;
      const probe = new tf.CustomCallback({
        onEpochBegin: async (epoch) => {
          if (epoch === 1) warnedBeforeSecondEpoch = lines.filter((l) => l['event'] === 'tfjs-monitor.pushgateway-failed').length;
        },
      });
      const monitor = new TrainingMonitor({ pushgateway: { url, job: 'silent', timeoutMs: 500 }, logger });
      const start = performance.now();
      await model.fit(data.xs, data.ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [monitor, probe] });
      const took = performance.now() - start;
      expect(warnedBeforeSecondEpoch).toBe(0);
      // Three pushes in a row (two epochs, the end), 500 ms each: the end waits for them, then training returns.
      expect(took).toBeGreaterThanOrEqual(3 * 500 - 50);
      expect(took).toBeLessThan(3 * 500 + 5000);
      const warnings = lines.filter((l) => l['event'] === 'tfjs-monitor.pushgateway-failed');
      expect(warnings).toHaveLength(3);
      expect(String(warnings[0]!['err'])).toMatch(/timed out|no answer within 500 ms/);
      disposeModel(model);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('without prom-client (an optional peer): says so once, when the sink is made, and pushes nothing', async () => {
    const script = `
      import { pushgatewaySink } from './dist/node/index.js';
      const lines = [];
      const logger = { warn: (o, m) => lines.push(m), info() {}, debug() {}, error() {} };
      const sink = pushgatewaySink({ url: 'http://127.0.0.1:9', job: 'train', logger });
      await new Promise((r) => setTimeout(r, 100));
      const early = lines.length;
      await sink.end({ findings: [], epochs: 1, steps: 3, status: 'healthy', speed: null }, { aborted: false });
      console.log(JSON.stringify({ early, lines }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', './test/helpers/hide-prom-client.mjs', '--input-type=module', '-e', script]);
    const { early, lines } = JSON.parse(stdout) as { early: number; lines: string[] };
    expect(early).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^Pushgateway: nothing will be pushed to http:\/\/127\.0\.0\.1:9: .*npm install prom-client@15\. Training goes on\.$/)]);
  });

  it("logs through the monitor's own logger, leaving its verbose setting alone", async () => {
    // A child process: stderr is a pipe, so the default logger writes JSON lines; verbose 0 keeps only warnings.
    const port = await freePort();
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { TrainingMonitor } from './dist/node/index.js';
      await tf.setBackend('cpu');
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const [xs, ys] = [tf.ones([8, 4]), tf.ones([8, 2])];
      await model.fit(xs, ys, { epochs: 2, verbose: 0, callbacks: [new TrainingMonitor({ verbose: 0, pushgateway: { url: 'http://127.0.0.1:${port}', job: 'quiet', everyEpochs: 0 } })] });`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    const events = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event?: string; level: number });
    expect(events.map((e) => e.event)).toEqual(['tfjs-monitor.pushgateway-failed']);
  });

  it('bad options are refused before training, naming the field', () => {
    const refused = (pushgateway: object) => () => new TrainingMonitor({ pushgateway: pushgateway as never });
    expect(refused({ url: 'localhost:9091', job: 'train' })).toThrow(InvalidOptionsError);
    expect(refused({ url: 'localhost:9091', job: 'train' })).toThrow(/pushgateway\.url: expected the http\(s\) URL of a Pushgateway/);
    expect(refused({ url: 'http://localhost:9091', job: 'a/b' })).toThrow(/pushgateway\.job: a job name cannot contain '\/'/);
    expect(refused({ url: 'http://localhost:9091', job: 'train', groupingKey: { job: 'x' } })).toThrow(/pushgateway\.groupingKey\.job: job and names starting with __ are reserved/);
    expect(refused({ url: 'http://localhost:9091', job: 'train', everyEpoch: 2 })).toThrow(/pushgateway\.everyEpoch: unknown option \(allowed: url, job, groupingKey, everyEpochs, timeoutMs\)/);
    expect(() => pushgatewaySink({ url: 'http://localhost:9091', job: '' })).toThrow(/pushgatewaySink options:\n {2}- job/);
  });
});
