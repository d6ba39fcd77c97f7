import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Seconds the command took. */
  seconds: number;
}

/** Runs the built CLI (`npm run build` first), optionally as another user through setpriv. */
export async function cli(args: string[], { as, timeoutMs = 120_000 }: { as?: string[]; timeoutMs?: number } = {}): Promise<CliResult> {
  const [file, argv] = as ? [as[0]!, [...as.slice(1), 'node', 'dist/cli/main.js', ...args]] : ['node', ['dist/cli/main.js', ...args]];
  const start = performance.now();
  try {
    const { stdout, stderr } = await run(file, argv, { timeout: timeoutMs });
    return { code: 0, stdout, stderr, seconds: (performance.now() - start) / 1000 };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr, seconds: (performance.now() - start) / 1000 };
  }
}

export const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A command prefix that runs as an unprivileged user, so that file permissions apply: root ignores
 * them. Null when that is not possible here (the tests that need it say so and are skipped).
 */
export function unprivileged(): string[] | null {
  if (process.getuid?.() !== 0) return [];
  const prefix = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
  const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'node', '-e', 'process.exit(process.getuid() === 0 ? 1 : 0)']);
  return probe.status === 0 ? prefix : null;
}

/** `staleness serve` in its own process; resolves with its URL once it listens. */
export function serve(args: string[], { as }: { as?: string[] } = {}) {
  const [file, argv] = as?.length ? [as[0]!, [...as.slice(1), 'node', 'dist/cli/main.js', 'staleness', 'serve', ...args]] : ['node', ['dist/cli/main.js', 'staleness', 'serve', ...args]];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const url = new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/http:\/\/\S+\/metrics/);
      if (m) resolve(m[0]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  return { url, exited, output: () => output, stop: () => child.kill('SIGTERM') };
}
