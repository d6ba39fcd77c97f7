import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './run-cli.js';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const COMMANDS = ['speed compare', 'speed record', 'stage record', 'stage consumers', 'staleness', 'staleness serve', 'staleness rules', 'report', 'parity', 'quality', 'quality merge', 'serving compare', 'serving rules', 'deps diff'];

describe('--help and --version, as every CLI has them', () => {
  it.each(COMMANDS)('tfjs-monitor %s --help prints its usage and exits 0, with nothing else done', async (command) => {
    const words = command.split(' ');
    for (const flag of ['--help', '-h']) {
      const r = await runCli([...words, flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: tfjs-monitor ${command} `));
      expect(r.stderr).toBe('');
    }
    // Also after other flags, e.g. when a user adds it to a command line that would fail.
    expect((await runCli([...words, '--store', 'nowhere.db', '--help'])).code).toBe(0);
  });

  it('a group or the whole CLI lists its commands', async () => {
    const speed = await runCli(['speed', '--help']);
    expect(speed.code).toBe(0);
    expect(speed.stdout).toMatch(/^usage: tfjs-monitor speed <command>/);
    expect(speed.stdout).toMatch(/speed compare <baseline\.json>/);
    expect(speed.stdout).toMatch(/speed record <run\.json>/);
    expect(speed.stdout).not.toMatch(/parity </);
    const all = await runCli(['--help']);
    expect(all.code).toBe(0);
    for (const command of COMMANDS) expect(all.stdout).toContain(`  ${command} `);
    expect(all.stdout).toMatch(/exit codes: 0 ok, 1 a finding, 2 bad input, 3 nothing to compare with, 4 a bug/);
    expect((await runCli([])).code).toBe(2);
    expect((await runCli(['speed'])).code).toBe(2);
  });

  it('--version prints the version, from the built binary too', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `tfjs-monitor ${version}`, stderr: '' });
    expect((await spawnCli(['--version'])).stdout).toBe(`tfjs-monitor ${version}\n`);
    expect((await spawnCli(['speed', 'compare', '--help'])).code).toBe(0);
  });
});
