import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Prometheus' own checker: the rules and metrics tests run what Prometheus would run. */
export const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find(existsSync);

/** Says loudly, once per file, that `what` will be skipped: a skipped check must not pass unseen. */
export function warnIfNoPromtool(what: string): void {
  if (!PROMTOOL) console.warn(`\n*** promtool not found: ${what} SKIPPED (apt-get install prometheus) ***\n`);
}

type Outcome = { ok: boolean; out: string };

const promtool = (args: string[]): Promise<Outcome> =>
  promisify(execFile)(PROMTOOL!, args).then(
    (r) => ({ ok: true, out: r.stdout + r.stderr }),
    (e: { stdout: string; stderr: string }) => ({ ok: false, out: e.stdout + e.stderr }),
  );

/**
 * Writes `rules` (a rule file) and a promtool unit-test file of `tests` (the items of its `tests:`
 * list, evaluated every minute) to a fresh folder, then runs `promtool check rules` and
 * `promtool test rules`.
 */
export async function promtoolRules(rules: string, tests: string): Promise<{ check: Outcome; test: Outcome }> {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-promtool-'));
  writeFileSync(join(dir, 'rules.yml'), rules);
  writeFileSync(join(dir, 'test.yml'), `rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n${tests}`);
  return { check: await promtool(['check', 'rules', join(dir, 'rules.yml')]), test: await promtool(['test', 'rules', join(dir, 'test.yml')]) };
}
