import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitorReport, parityReport, qualityReport, stalenessReport, tempDir, writeJson } from './fixtures.js';
import { runCli, spawnCli } from './run-cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Writes the four inputs, each altered by `change`, and runs `report` on them. */
async function reportWith(change: { run?: (r: Json) => void; staleness?: (s: Json) => void; parity?: (p: Json) => void; quality?: (q: Json) => void }) {
  const dir = tempDir();
  const run = monitorReport() as unknown as Json;
  const staleness = stalenessReport() as unknown as Json;
  const parity = parityReport() as unknown as Json;
  const quality = qualityReport() as unknown as Json;
  change.run?.(run);
  change.staleness?.(staleness);
  change.parity?.(parity);
  change.quality?.(quality);
  const html = join(dir, 'run.html');
  const result = await runCli([
    'report', writeJson(dir, 'run.json', run), '-o', html,
    '--staleness', writeJson(dir, 'staleness.json', staleness), '--parity', writeJson(dir, 'parity.json', parity),
    '--quality', writeJson(dir, 'quality.json', quality),
  ]);
  return { ...result, written: existsSync(html), html };
}

describe('tfjs-monitor report: the whole input is checked before anything is written', () => {
  it('renders a complete run, staleness, parity and quality report, with unknown extra fields passing through', async () => {
    const r = await reportWith({
      run: (run) => {
        run['writtenBy'] = 'a newer version';
        run['layers'][0].last.somethingNew = 1;
        run['loss'].push({ step: 4, toStep: 4, min: null, max: null }); // JSON's NaN
        run['epochLogs'].push({ epoch: 1, loss: null });
      },
      parity: (p) => {
        p['extra'] = true;
        p['features'][0].examples.push({ id: 'o3', training: { $num: 'NaN' }, serving: [1, { $num: '-Infinity' }] }); // as parity --json writes them
      },
      quality: (q) => {
        q['writtenBy'] = 'a newer version';
        q['outputDrift'][0].output.psi = { $num: 'Infinity' }; // as quality --json writes it
      },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toMatch(/<h2>Train\/serve parity<\/h2>/);
    expect(html).toMatch(/<h2>Prediction quality and drift<\/h2>/);
  });

  it.each([
    ['a string where a layer measure is a number', { run: (r: Json) => (r['layers'][0].last.maxAbs = 'big') }, /run file .*run\.json.*layers\[0\]\.last\.maxAbs/],
    ['a string as throughput', { run: (r: Json) => (r['speed'].examplesPerSecond = 'fast') }, /run file .*speed\.examplesPerSecond/],
    ['an empty baseline comparison', { run: (r: Json) => (r['speed'].baseline.comparison = {}) }, /run file .*speed\.baseline\.comparison\.rows/],
    ['a string as the loss series', { run: (r: Json) => (r['loss'] = '2.3') }, /run file .*: loss: /],
    ['a loss point without numbers', { run: (r: Json) => (r['loss'][1].max = 'high') }, /run file .*loss\[1\]\.max/],
    ['a finding of an unknown kind', { run: (r: Json) => (r['findings'][2].kind = 'vibes') }, /run file .*findings\[2\]\.kind/],
    ['a finding missing a field of its kind', { run: (r: Json) => delete r['findings'][1].observed }, /run file .*findings\[1\]\.observed/],
    ['a null stalled stage', { staleness: (s: Json) => (s['stalled'] = [null]) }, /staleness report .*staleness\.json.*stalled\[0\]/],
    ['a production entry of the wrong shape', { staleness: (s: Json) => (s['production'].deployedAgeMs = '1d') }, /staleness report .*production\.deployedAgeMs/],
    ['a null parity example', { parity: (p: Json) => (p['features'][0].examples = [null]) }, /parity report .*parity\.json.*features\[0\]\.examples\[0\]/],
    ['markup as a count', { parity: (p: Json) => (p['features'][0].base = '<img src=x onerror=alert(1)>') }, /parity report .*features\[0\]\.base/],
    ['a feature value that is an object', { parity: (p: Json) => (p['features'][0].examples[0].serving = { $num: 'lots' }) }, /parity report .*features\[0\]\.examples\[0\]\.serving/],
    ['a run without the monitor’s own time', { run: (r: Json) => delete r['speed'].monitor }, /run file .*speed\.monitor: missing/],
    ['a string as a drift value', { quality: (q: Json) => (q['inputDrift'][0].features[0].value = 'high') }, /quality report .*quality\.json is not what `tfjs-monitor quality --json` writes: inputDrift\[0\]\.features\[0\]\.value: /],
    ['a quality finding of an unknown kind', { quality: (q: Json) => (q['findings'][1].kind = 'vibes') }, /quality report .*quality\.json.*findings\[1\]\.kind/],
    ['an interval of one number', { quality: (q: Json) => (q['quality'][0].slices[0].metrics[0].changeInterval = [-0.2]) }, /quality report .*quality\[0\]\.slices\[0\]\.metrics\[0\]\.changeInterval/],
    ['a quality report without its options', { quality: (q: Json) => delete q['options'] }, /quality report .*quality\.json.*options: missing/],
  ])('refuses %s with exit 2, naming the field, and writes nothing', async (_, change, message) => {
    const r = await reportWith(change);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/usage:/); // the command line was right; the file was not
    expect(r.code).toBe(2);
    expect(r.written).toBe(false);
  });

  it('accepts a list of staleness reports, and names the item that is wrong', async () => {
    const dir = tempDir();
    const run = writeJson(dir, 'run.json', monitorReport());
    const bad = { ...stalenessReport(), perStage: 'none' };
    const staleness = writeJson(dir, 'staleness.json', [stalenessReport(), bad]);
    const r = await runCli(['report', run, '-o', join(dir, 'x.html'), '--staleness', staleness]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/staleness report .*\[1\]\.perStage: /) });
    writeJson(dir, 'staleness.json', [stalenessReport(), stalenessReport()]);
    expect((await runCli(['report', run, '-o', join(dir, 'x.html'), '--staleness', staleness])).code).toBe(0);
  });
});

describe('tfjs-monitor report never overwrites an input', () => {
  it.each([
    ['the same path', (_dir: string) => ['run.json', '-o', 'run.json']],
    ['./run.json for run.json', (_dir: string) => ['run.json', '-o', './run.json']],
    ['an absolute path for a relative one', (dir: string) => ['run.json', '-o', join(dir, 'run.json')]],
    ['a symlink to the run', (dir: string) => (symlinkSync(join(dir, 'run.json'), join(dir, 'link.html')), ['run.json', '-o', 'link.html'])],
    ['a hard link to the run', (dir: string) => (linkSync(join(dir, 'run.json'), join(dir, 'hard.html')), ['run.json', '-o', 'hard.html'])],
    ['the staleness input', (_dir: string) => ['run.json', '-o', 'staleness.json', '--staleness', 'staleness.json']],
    ['the parity input', (_dir: string) => ['run.json', '-o', 'sub/../parity.json', '--parity', 'parity.json']],
  ])('refuses %s as the output, exit 2, leaving every file as it was', async (_, args) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const files = { 'run.json': monitorReport(), 'staleness.json': stalenessReport(), 'parity.json': parityReport() };
    for (const [name, value] of Object.entries(files)) writeJson(dir, name, value);
    const before = Object.keys(files).map((f) => readFileSync(join(dir, f), 'utf8'));
    const r = await spawnCli(['report', ...args(dir)], { cwd: dir });
    expect(r.stderr).toMatch(/is also an input .*choose another output/);
    expect(r.code).toBe(2);
    expect(Object.keys(files).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(before);
  });
});

describe('tfjs-monitor report: unreadable inputs and outputs are bad input, not a crash', () => {
  it('names a directory given as an input file, exit 2', async () => {
    const dir = tempDir();
    const run = writeJson(dir, 'run.json', monitorReport());
    const r = await runCli(['report', dir, '-o', join(dir, 'x.html')]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/run file .* is a directory/) });
    const s = await runCli(['report', run, '-o', join(dir, 'x.html'), '--parity', dir]);
    expect(s).toMatchObject({ code: 2, stderr: expect.stringMatching(/parity report .* is a directory/) });
  });

  it('says an output folder that does not exist is bad input, exit 2', async () => {
    const dir = tempDir();
    const run = writeJson(dir, 'run.json', monitorReport());
    const r = await runCli(['report', run, '-o', join(dir, 'no/such/dir/x.html')]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write .*x\.html.*no such/i) });
  });

  it('names an input the user may not read, exit 2', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const run = writeJson(dir, 'run.json', monitorReport());
    chmodSync(run, 0o000);
    // root reads anything: drop to nobody for this check.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    writeFileSync(join(dir, 'out.html'), '');
    chmodSync(join(dir, 'out.html'), 0o666);
    const r = await spawnCli(['report', run, '-o', join(dir, 'out.html')], asUser);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/run file .*run\.json cannot be read.*permission/i) });
  });
});
