/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../examples/lib/mnist.js';
import { CHROMIUM, launchChromium, launchChromiumWithWebgl, pageWithBundle } from './helpers/browser.js';
import { backend } from './helpers/models.js';

const root = resolve(import.meta.dirname, '..');

/** Bundles test/browser/page.ts for the browser from a consumer that has tfjs-monitor installed (a link to this package). */
async function bundle() {
  const consumer = mkdtempSync(join(tmpdir(), 'tfjs-monitor-browser-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(root, join(consumer, 'node_modules', 'tfjs-monitor'));
  return build({
    entryPoints: [join(root, 'test/browser/page.ts')],
    nodePaths: [join(consumer, 'node_modules')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

// Once, in the cpu project: the page picks its own backends.
describe.skipIf(backend() !== 'cpu')('in a browser', { timeout: 180_000 }, () => {
  it('the package root bundles for the browser with no Node built-in reachable', async () => {
    const result = await bundle();
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|readline|module|url|http|os|util|worker_threads)$/.test(p))).toEqual([]);
    // The browser condition picked the browser-safe root, and pino's browser build.
    expect(inputs.some((p) => p.endsWith('dist/index.js') && !p.includes('/node/'))).toBe(true);
    expect(inputs.some((p) => p.includes('dist/node/'))).toBe(false);
    expect(inputs.some((p) => p.endsWith('pino/browser.js'))).toBe(true);
    // The Node exporters' libraries (TensorBoard files, Pushgateway) stay out of the browser bundle.
    expect(inputs.filter((p) => /node_modules\/(protobufjs|@aws-crypto|prom-client)\//.test(p) || /dist\/exporters\//.test(p))).toEqual([]);
  });

  it.skipIf(!CHROMIUM)('trains in Chromium, fails at the batch of an injected NaN with no leak, and shows the HTML report', async () => {
    const code = (await bundle()).outputFiles[0]!.text;
    const { xs, ys, labels } = loadMnist(100);
    const pixels = Array.from(xs.dataSync());
    xs.dispose();
    ys.dispose();
    // SwiftShader gives headless Chromium a WebGL to run tfjs's webgl backend on.
    const browser = await launchChromiumWithWebgl();
    try {
      const { page, errors } = await pageWithBundle(browser, code);
      const outcomes = [];
      for (const name of ['cpu', 'webgl']) {
        const outcome = await page.evaluate(
          ([name, pixels, labels]) => (window as unknown as { runMonitored: Function }).runMonitored(name, pixels, labels, 2),
          [name, pixels, labels] as const,
        );
        if (outcome === null) {
          console.warn(`webgl did not come up in this Chromium: the browser test ran on cpu only`);
          continue;
        }
        outcomes.push(outcome);
        expect(outcome).toMatchObject({
          backend: name,
          status: 'failed',
          leaked: 0,
          finding: { kind: 'non-finite', step: 2, batch: 2, layer: 'hidden1', weight: 'hidden1/kernel' },
        });
        expect(outcome.rejectedWith).toMatch(/^TrainingInstabilityError: Training became numerically unstable at epoch 0, batch 2 \(step 2\)/);
        expect(outcome.logged).toBeGreaterThan(0);
        // The page shows the report: status, the finding, charts drawn by uPlot.
        const report = page.frameLocator('#report');
        await expect(report.locator('.status').textContent()).resolves.toBe('failed');
        await expect(report.locator('#findings').textContent()).resolves.toMatch(/non-finite.*epoch 0, batch 2 \(step 2\).*hidden1\/kernel/s);
        expect(await report.locator('canvas').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(tmpdir(), `tfjs-monitor-browser-${name}.png`) });
      }
      expect(outcomes.map((o) => o.backend)).toContain('cpu');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it.skipIf(!CHROMIUM)('the browser example builds, trains when clicked, and shows where the planted NaN was', async () => {
    await promisify(execFile)('npx', ['tsx', 'examples/browser/build.ts'], { cwd: root, timeout: 120_000 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(join(root, 'examples/browser/dist/index.html')).href);
      await page.selectOption('#backend', 'cpu');
      await page.check('#poison');
      await page.click('#train');
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('tensors left after'), null, { timeout: 120_000 });
      const status = await page.textContent('#status');
      expect(status).toMatch(/^Training became numerically unstable at epoch 0, batch 20 \(step 20\): first non-finite value: layer 'hidden2', weight 'hidden2\/kernel'/);
      expect(status).toMatch(/tensors left after disposing the data and the model: 0$/);
      await expect(page.frameLocator('#report').locator('.status').textContent()).resolves.toBe('failed');
      await page.screenshot({ path: join(tmpdir(), 'tfjs-monitor-browser-example.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
