import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/lib/mnist.js';
import { instrumentServing, monitorServing } from '../../src/node/index.js';
import { backend, disposeModel, memoryLogger, mlp } from '../helpers/models.js';

let model: tf.LayersModel;
let digits: ReturnType<typeof loadMnist>;
const quiet = () => memoryLogger().logger;
const labels = (v: string) => `model="mnist-mlp",model_version="${v}",code_version="c7",data_version="mnist-100"`;

beforeAll(() => {
  model = mlp();
  digits = loadMnist(100);
});
afterAll(() => {
  tf.dispose([digits.xs, digits.ys]);
  disposeModel(model);
});

describe('the Prometheus export (prom-client)', () => {
  it('exports latency in seconds, requests, errors, checks, examples, in-flight and tensors, per version', async () => {
    const registry = new Registry();
    const v1 = monitorServing(model, { model: 'mnist-mlp', modelVersion: 'v1', codeVersion: 'c7', dataVersion: 'mnist-100', logger: quiet() });
    const v2 = monitorServing(model, { model: 'mnist-mlp', modelVersion: 'v2', codeVersion: 'c7', dataVersion: 'mnist-100', logger: quiet() });
    await instrumentServing([v1, v2], { registry });
    // Attaching again changes nothing: calls are not counted twice.
    await instrumentServing(v1, { registry });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) {
      const x = tf.slice(digits.xs, [i, 0], [4, 784]);
      tf.dispose([v1.predict(x) as tf.Tensor, x]);
    }
    const wrong = tf.zeros([1, 3]);
    expect(() => v2.predict(wrong)).toThrow();
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE tfjs_monitor_serving_request_duration_seconds histogram');
    expect(text).toContain(`tfjs_monitor_serving_request_duration_seconds_count{${labels('v1')}} 30`);
    expect(text).toContain(`tfjs_monitor_serving_request_duration_seconds_bucket{le="+Inf",${labels('v1')}} 30`);
    expect(text).toMatch(new RegExp(`tfjs_monitor_serving_request_duration_seconds_bucket\\{le="0.00025",${labels('v1')}\\} \\d+`));
    expect(text).toContain(`tfjs_monitor_serving_requests_total{${labels('v1')}} 30`);
    expect(text).toContain(`tfjs_monitor_serving_requests_total{${labels('v2')}} 1`);
    expect(text).toContain(`tfjs_monitor_serving_errors_total{${labels('v1')}} 0`);
    expect(text).toContain(`tfjs_monitor_serving_errors_total{${labels('v2')}} 1`);
    expect(text).toContain(`tfjs_monitor_serving_examples_total{${labels('v1')}} 120`);
    expect(text).toContain(`tfjs_monitor_serving_non_finite_outputs_total{${labels('v1')}} 0`);
    expect(text).toContain(`tfjs_monitor_serving_output_checks_total{${labels('v1')}} ${v1.run().outputs.checked}`);
    expect(text).toContain(`tfjs_monitor_serving_in_flight_requests{${labels('v1')}} 0`);
    expect(text).toMatch(new RegExp(`^tfjs_monitor_serving_tensors ${tf.memory().numTensors}$`, 'm'));
    expect(text).toMatch(/^tfjs_monitor_serving_tensor_bytes \d+$/m);
  });

  it('the latency histogram holds every call that returned, with the exact sum, though observed after the calls', async () => {
    const registry = new Registry();
    const served = monitorServing(model, { model: 'mnist-mlp', modelVersion: 'v3', codeVersion: 'c7', dataVersion: 'mnist-100', logger: quiet() });
    await instrumentServing(served, { registry });
    const x = tf.slice(digits.xs, [0, 0], [1, 784]);
    // More calls than wait before a drain between requests; then one drained by the scrape.
    for (let i = 0; i < 1500; i++) (served.predict(x) as tf.Tensor).dispose();
    await new Promise((resolve) => setImmediate(resolve));
    (served.predict(x) as tf.Tensor).dispose();
    x.dispose();
    const text = await registry.metrics();
    const latency = served.run().latency;
    expect(text).toContain(`tfjs_monitor_serving_request_duration_seconds_count{${labels('v3')}} 1501`);
    const sum = Number(new RegExp(`tfjs_monitor_serving_request_duration_seconds_sum\\{${labels('v3')}\\} (\\S+)`).exec(text)![1]);
    expect(sum).toBeCloseTo(latency.sum, 12);
  });

  it.skipIf(backend() !== 'cpu')('without prom-client installed, says which package to install', async () => {
    const script = "import('tfjs-monitor').then(async (m) => { const tf = await import('@tensorflow/tfjs'); const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }); await m.instrumentServing(m.monitorServing(model)); }).catch((e) => { console.error(e.name + ': ' + e.message); process.exit(2); })";
    const result = await promisify(execFile)('node', ['--import', './test/helpers/hide-prom-client.mjs', '--input-type=module', '-e', script]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    // The same missing-peer error as every other export (staleness, quality), naming this one.
    expect(result.stderr).toMatch(/StoreError: the serving Prometheus export needs the `prom-client` package: npm install prom-client@15/);
  });
});
