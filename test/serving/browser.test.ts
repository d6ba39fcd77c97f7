/// <reference lib="dom" />
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/lib/mnist.js';
import { CHROMIUM, launchChromiumWithWebgl, pageWithBundle } from '../helpers/browser.js';
import { backend } from '../helpers/models.js';

const root = resolve(import.meta.dirname, '../..');
const bundle = (entry: string) =>
  build({ entryPoints: [join(root, entry)], bundle: true, platform: 'browser', format: 'iife', write: false, metafile: true, logLevel: 'silent' });
const nodeBuiltins = (inputs: string[]) => inputs.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|readline|module|url|http|os|util|worker_threads|net|child_process)$/.test(p));

// Once, in the cpu project: the page picks its own backends.
describe.skipIf(backend() !== 'cpu')('serving in a browser', { timeout: 180_000 }, () => {
  it('the serving module bundles for the browser with no Node built-in reachable', async () => {
    const result = await bundle('src/serving/index.ts');
    const inputs = Object.keys(result.metafile.inputs);
    expect(nodeBuiltins(inputs)).toEqual([]);
    expect(inputs.some((p) => p.includes('src/node/'))).toBe(false);
    expect(inputs.some((p) => p.endsWith('src/deps/collect.ts'))).toBe(true);
  });

  it.skipIf(!CHROMIUM)('serves in Chromium on cpu and webgl: memory from tf.memory() only, the NaN output found, no tensor left', async () => {
    const code = (await bundle('test/browser/serving-page.ts')).outputFiles[0]!.text;
    const { xs, ys } = loadMnist(20);
    const pixels = Array.from(xs.dataSync());
    xs.dispose();
    ys.dispose();
    // SwiftShader gives headless Chromium a WebGL, so the device-side output check runs too.
    const browser = await launchChromiumWithWebgl();
    try {
      const { page, errors } = await pageWithBundle(browser, code);
      const served: string[] = [];
      for (const name of ['cpu', 'webgl']) {
        const outcome = await page.evaluate(([name, pixels]) => (window as unknown as { serve: Function }).serve(name, pixels, 60, 40), [name, pixels] as const);
        if (outcome === null) {
          console.warn('webgl did not come up in this Chromium: the serving browser test ran on cpu only');
          continue;
        }
        served.push(outcome.backend);
        expect(outcome).toMatchObject({ backend: name, predicted: 60, leaked: 0 });
        expect(outcome.run.calls).toBe(60);
        expect(outcome.run.latencyCount).toBe(60);
        expect(outcome.run.p50).toBeGreaterThan(0);
        expect(outcome.run.memory.peakNumTensors).toBeGreaterThan(0);
        expect(outcome.run.memory).not.toHaveProperty('peakRss');
        // Chromium's performance.memory: the page's JS heap.
        expect(outcome.run.memory.peakHeapUsed).toBeGreaterThan(0);
        expect(outcome.run.dependencies).toMatchObject({ backend: { name }, runtime: { name: 'browser' }, lockfile: null });
        expect(outcome.run.dependencies.packages['@tensorflow/tfjs-backend-webgl']).toMatch(/^\d+\.\d+\.\d+$/);
        // Calls 41 to 60 returned NaN; on webgl the check reads back asynchronously.
        expect(outcome.run.outputs).toEqual({ every: 1, budget: null, checked: 60, nonFinite: 20 });
        expect(outcome.findings).toEqual([{ kind: 'non-finite-output', call: 41, occurrences: 20 }]);
        expect(outcome.logs[0]).toMatch(/^non-finite-output at call 41 of model browser-1: output 0 holds 10 NaN/);
      }
      expect(served).toContain('cpu');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
