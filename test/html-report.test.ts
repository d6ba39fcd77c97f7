import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor } from '../src/node/index.js';
import { loadMnist } from '../examples/lib/mnist.js';
import { CHROMIUM, launchChromium, pageProblems } from './helpers/browser.js';
import { backend, disposeModel, memoryLogger, mlp } from './helpers/models.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** What `tfjs-monitor parity --json` writes, with one feature row; `feature` changes that row. */
function parityReport(feature: Record<string, unknown>) {
  const side = (path: string) => ({ path, records: 3, malformed: { count: 0, lines: [] }, duplicateIds: 0, fingerprints: {}, violations: { records: 0, rate: 0, fields: {} } });
  return {
    training: side('t.jsonl'), serving: side('s.jsonl'), ok: false, empty: false, invariants: [],
    features: [{ feature: 'f', base: 3, test: 3, match: 2, mismatch: 1, baseOnly: 0, testOnly: 0, mismatchRate: 1 / 3, skewed: false, examples: [], ...feature }],
    summary: { skewedFeatures: 1, examplesPerSkewedFeature: {} }, ids: { joined: 3, trainingOnly: 0, servingOnly: 0, sampleTrainingOnly: [], sampleServingOnly: [] },
    fingerprintMismatches: { records: 0, servingFingerprints: [], trainingFingerprints: [] },
  };
}
const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-report-'));
let runJson = '';

if (!CHROMIUM) console.warn('\n*** Chromium not found (apt-get install chromium): the HTML report browser tests are SKIPPED ***\n');

// The report does not depend on the backend: it runs once, in the cpu project.
describe.skipIf(backend() !== 'cpu')('the HTML report', () => {
  beforeAll(async () => {
    const { xs, ys } = loadMnist(400);
    const probe = loadMnist(32, { offset: 5000 }).xs;
    const model = mlp({ hidden2Bias: -100 });
    const monitor = new TrainingMonitor({ deadRelu: { probe, every: 5 }, weightBounds: [{ layer: 'logits', maxAbs: 0.5 }], logger: memoryLogger().logger });
    await model.fit(xs, ys, { epochs: 3, batchSize: 20, validationSplit: 0.1, verbose: 0, callbacks: [monitor] });
    runJson = join(dir, 'run.json');
    monitor.saveReport(runJson);
    monitor.writeReport(join(dir, 'direct.html'), { title: 'direct' });
    tf.dispose([xs, ys, probe]);
    disposeModel(model);
  });
  afterAll(() => undefined);

  it('is one self-contained file: chart code and data inline, nothing fetched', () => {
    const html = readFileSync(join(dir, 'direct.html'), 'utf8');
    expect(html).toMatch(/<script type="application\/json" id="report-data">/);
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img|<iframe/);
  });

  it.skipIf(!CHROMIUM)('renders every chart in Chromium with no console error, and hostile names as text', async () => {
    // tfjs refuses such layer names, but `tfjs-monitor report` reads JSON anyone can write.
    const run = JSON.parse(readFileSync(runJson, 'utf8'));
    run.layers[0].name = HOSTILE;
    run.findings[0].layer = HOSTILE;
    run.findings[0].message = `${HOSTILE} is dead`;
    writeFileSync(runJson, JSON.stringify(run));
    const staleness = join(dir, 'staleness.json');
    writeFileSync(staleness, JSON.stringify({
      model: `</script><script>alert(2)</script>`, now: '2026-11-20T00:00:00.000Z', stages: ['deploy'],
      production: null, inFlight: [],
      stalled: [{ kind: 'stage-stalled', model: 'm', version: 'v2', stage: HOSTILE, ageMs: 7200000, sloMs: 3600000, waitingSince: '2026-11-19T22:00:00.000Z', message: `${HOSTILE} stalled` }],
      perStage: [{ stage: HOSTILE, lastSuccess: null, version: null, ageMs: null, sloMs: 3600000, stalled: true }],
    }));
    const parity = join(dir, 'parity.json');
    writeFileSync(parity, JSON.stringify(parityReport({ feature: HOSTILE, skewed: true, examples: [{ id: HOSTILE, training: 1, serving: 2 }] })));
    const html = join(dir, 'run.html');
    const { stdout } = await promisify(execFile)('node', ['dist/cli/main.js', 'report', runJson, '-o', html, '--staleness', staleness, '--parity', parity]);
    expect(stdout).toMatch(/wrote .*run\.html/);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems = pageProblems(page, pathToFileURL(html).href);
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-charts="ready"]', { timeout: 20_000 });
      // loss, epochs, per layer weights (+ ReLU for the two hidden layers), ms/batch, examples/s, tensors, memory
      const expected = 2 + 3 + 2 + 4;
      expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(expected);
      expect(await page.locator('.uplot .u-title').first().textContent()).toMatch(/loss/);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.getByText(HOSTILE, { exact: true }).count()).toBeGreaterThanOrEqual(3); // layer heading, finding, parity feature
      expect(await page.getByText('</script><script>alert(2)</script>').count()).toBe(1);
      // A finding links to its place on the charts.
      const link = page.locator('#findings a').first();
      expect(await link.getAttribute('href')).toMatch(/^#layer-\d+$/);
      expect(await page.locator('#staleness tr.bad').count()).toBe(1);
      expect(await page.locator('#parity tr.bad').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('refuses a run file that is not a saved report, naming the problem', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ status: 'healthy', findings: 'none' }));
    const result = await promisify(execFile)('node', ['dist/cli/main.js', 'report', bad, '-o', join(dir, 'x.html')]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/run file .*bad\.json is not what monitor\.saveReport\(\) writes: /);
    // Counts that are not numbers never reach the page as markup: the file is refused.
    const parity = join(dir, 'evil-parity.json');
    writeFileSync(parity, JSON.stringify(parityReport({ base: '<img src=x onerror=alert(1)>' })));
    const evil = await promisify(execFile)('node', ['dist/cli/main.js', 'report', runJson, '-o', join(dir, 'y.html'), '--parity', parity]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(evil.code).toBe(2);
    expect(evil.stderr).toMatch(/parity report .* features\[0\]\.base: /);
    // An output folder that does not exist is bad input too: exit 2, never 1, which means a finding.
    const other = await promisify(execFile)('node', ['dist/cli/main.js', 'report', runJson, '-o', join(dir, 'no/such/dir/x.html')]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(other).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: cannot write the HTML report .*x\.html: no such folder/) });
  });
});
