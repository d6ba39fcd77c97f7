import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluateQuality, ProfileBuilder, renderHtmlReport, type MonitorReport } from '../../src/node/index.js';
import { CHROMIUM, launchChromium, pageProblems } from '../helpers/browser.js';
import { dir, world } from './fixtures.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** A run with nothing in it: the quality section does not need one, the report's frame does. */
const emptyRun: MonitorReport = {
  status: 'healthy', backend: 'cpu', strategy: 'scan', startedAt: '2026-11-20T00:00:00.000Z', endedAt: null, epochs: 0, steps: 0, checks: 0, probes: 0,
  lastLoss: null, loss: [], epochLogs: [], lossSpikes: [], stoppedAt: null, findings: [], layers: [], speed: null,
};

/** A drifted period, with a hostile feature name and category value. */
function report() {
  const b = new ProfileBuilder({ task: 'classification', classes: ['no', HOSTILE], slices: ['region'], model: HOSTILE });
  const rename = (f: Record<string, number | string>, shift = 0) => ({ [HOSTILE]: (f['f0'] as number) + shift, f1: f['f1']!, region: f['region'] === 'west' ? HOSTILE : f['region']! });
  const ref = world(1);
  for (let i = 0; i < 5000; i++) b.addTraining(rename(ref(i).features));
  for (let i = 0; i < 2000; i++) {
    const e = ref(5000 + i);
    b.addValidation({ ...e, features: rename(e.features) });
  }
  const served = world(2, { shift: 1, concept: 2, regionWeights: [0.1, 0.1, 0.1, 0.7] });
  const rows = Array.from({ length: 3000 }, (_, i) => served(i));
  return evaluateQuality(b.toJSON(), {
    features: rows.map((r) => ({ id: r.id, ts: 0, features: rename(r.features) })),
    predictions: rows.map((r) => ({ id: r.id, ts: 0, version: HOSTILE, output: r.output })),
    labels: rows.map((r) => ({ id: r.id, label: r.label })),
  });
}

describe('the quality section of the HTML report', () => {
  const q = report();

  it('has the findings, the drift and quality tables and the worst slices, every name escaped', () => {
    const html = renderHtmlReport({ run: emptyRun, quality: q });
    expect(q.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['input-drift', 'output-drift', 'quality-regression']));
    expect(html).toContain('<section id="quality"><h2>Prediction quality and drift</h2>');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toMatch(/<h3>Input drift, [^<]+: 3000 served example\(s\), <b>DRIFT<\/b><\/h3>/);
    expect(html).toMatch(/<h3>Worst slices of /);
    expect(html).toMatch(/<h3>Served quality<\/h3>/);
    expect(html.match(/class="chart" id="quality-chart-\d+"/g)!.length).toBe(q.findings.filter((f) => f.kind !== 'quality-regression').length);
  });

  it.skipIf(!CHROMIUM)('draws reference-vs-served histograms of what drifted in Chromium, with no error and no request', { timeout: 60_000 }, async () => {
    const d = dir();
    const quality = join(d, 'quality.json');
    writeFileSync(quality, JSON.stringify(q));
    const run = join(d, 'run.json');
    writeFileSync(run, JSON.stringify(emptyRun));
    const html = join(d, 'report.html');
    const { stdout } = await promisify(execFile)('node', ['dist/cli/main.js', 'report', run, '-o', html, '--quality', quality]);
    expect(stdout).toMatch(/wrote .*report\.html/);
    expect(readFileSync(html, 'utf8')).toContain('id="quality-data"');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems = pageProblems(page, pathToFileURL(html).href);
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-quality-charts]', { timeout: 20_000 });
      const charts = Number(await page.locator('body').getAttribute('data-quality-charts'));
      expect(charts).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#quality .chart canvas').count()).toBe(charts);
      expect(await page.locator('#quality .u-title').first().textContent()).toMatch(/reference vs served share per bin/);
      expect(await page.getByText(HOSTILE).count()).toBeGreaterThan(3);
      expect(await page.locator('img').count()).toBe(0);
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(d, 'quality.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('refuses a quality file that is not a quality report', async () => {
    const d = dir();
    writeFileSync(join(d, 'run.json'), JSON.stringify(emptyRun));
    writeFileSync(join(d, 'q.json'), JSON.stringify({ format: 'something-else' }));
    const r = await promisify(execFile)('node', ['dist/cli/main.js', 'report', join(d, 'run.json'), '-o', join(d, 'x.html'), '--quality', join(d, 'q.json')]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/quality report .*q\.json is not what `tfjs-monitor quality --json` writes: format/);
  });
});
