import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { humanLogger } from '../src/core/human-logger.js';
import { backend } from './helpers/models.js';

const exec = promisify(execFile);
const run = (...args: string[]) => exec('npx', ['tsx', 'test/fixtures/verbose-run.ts', ...args], { timeout: 120_000 });
const clean = (text: string) => text.split(/\r?\n/).filter((l) => l.startsWith('tfjs-monitor') || l.startsWith('{'));

describe('output a person can read (verbose)', () => {
  it('the readable lines: one per epoch at verbose 1, findings always', () => {
    const lines: [string, string][] = [];
    for (const verbose of [1, 0] as const) {
      const logger = humanLogger((text, level) => lines.push([level, text]), verbose);
      logger.info({ event: 'tfjs-monitor.epoch', epoch: 2, epochs: 10, loss: 0.26354, ms: 3210, examplesPerSecond: 1532.4, findings: 0 }, 'epoch 2 done');
      logger.warn({ event: 'tfjs-monitor.finding', finding: { action: 'warn' } }, 'weight-bound at epoch 2, batch 3 (step 40): too big');
      logger.debug({ event: 'tfjs-monitor.start' }, 'monitoring training');
    }
    expect(lines).toEqual([
      ['info', 'tfjs-monitor: epoch 3/10 · loss 0.2635 · 3.2 s · 1532 ex/s · 0 finding(s)'],
      ['warn', 'tfjs-monitor: warning: weight-bound at epoch 2, batch 3 (step 40): too big'],
      ['warn', 'tfjs-monitor: warning: weight-bound at epoch 2, batch 3 (step 40): too big'],
    ]);
  });

  // Real processes with the default logger; once, in the cpu project.
  describe.skipIf(backend() !== 'cpu')('the default logger of a real run', { timeout: 180_000 }, () => {
    it('in CI logs and pipes (stderr not a terminal): JSON lines; verbose 0 keeps only the findings', async () => {
      const one = await run('1', '3');
      const events = clean(one.stderr).map((l) => JSON.parse(l) as { event: string });
      expect(events.map((e) => e.event)).toEqual(['tfjs-monitor.finding', 'tfjs-monitor.epoch', 'tfjs-monitor.epoch']);
      expect(one.stdout).toBe('done\n');
      const zero = await run('0', '3');
      expect(clean(zero.stderr).map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['tfjs-monitor.finding']);
    });

    it('at a terminal: one readable line per epoch, and the finding', async () => {
      // `script` gives the process a terminal, as a person running it has.
      const { stdout } = await exec('script', ['-qec', 'npx tsx test/fixtures/verbose-run.ts 1 3', '/dev/null'], { timeout: 120_000 });
      const lines = clean(stdout);
      expect(lines[0]).toMatch(/^tfjs-monitor: warning: non-finite at epoch 0, batch 3 \(step 3\): first non-finite value: layer 'hidden1', weight 'hidden1\/bias'/);
      expect(lines[1]).toMatch(/^tfjs-monitor: epoch 1\/2 · loss NaN · \d+\.\d s · \d+ ex\/s · 1 finding\(s\)$/);
      expect(lines[2]).toMatch(/^tfjs-monitor: epoch 2\/2 · /);
      expect(lines).toHaveLength(3);
      const quiet = clean((await exec('script', ['-qec', 'npx tsx test/fixtures/verbose-run.ts 0 -1', '/dev/null'], { timeout: 120_000 })).stdout);
      expect(quiet).toEqual([]);
    });
  });
});
