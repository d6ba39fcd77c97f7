import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { FeatureInputError, defineFeatures, openFeatureLog } from '../../src/node/index.js';

export const dir = () => mkdtempSync(join(tmpdir(), 'tfjs-monitor-parity-'));

export const input = z.object({ price: z.number().nonnegative(), qty: z.number().int().positive(), country: z.string().length(2), tags: z.array(z.string()) });
export type Raw = z.infer<typeof input>;
export const define = (version = '1') =>
  defineFeatures({
    name: 'order',
    version,
    input,
    compute: (o) => ({ total: o.price * o.qty, country: o.country, bulk: o.qty >= 10, hist: [o.tags.length, o.qty] }),
  });

export const raw = (i: number): Raw => ({ price: 1 + (i % 7) * 0.1, qty: 1 + (i % 13), country: i % 2 ? 'FR' : 'DE', tags: i % 3 ? ['a'] : [] });

/** Writes a training log and a serving log of `n` examples; `servingRaw` may alter what serving sees. */
export async function logs(n: number, servingRaw: (i: number) => unknown = raw, servingSet = define()) {
  const d = dir();
  const training = join(d, 'training.jsonl');
  const serving = join(d, 'serving.jsonl');
  const t = await openFeatureLog(training);
  define().logTraining(Array.from({ length: n }, (_, i) => ({ id: `o${i}`, raw: raw(i) })), t);
  t.close();
  const s = await openFeatureLog(serving);
  servingSet.logServing(s);
  for (let i = 0; i < n; i++) {
    try {
      servingSet.serve(servingRaw(i), { id: `o${i}` });
    } catch (e) {
      if (!(e instanceof FeatureInputError)) throw e;
    }
  }
  s.close();
  return { training, serving };
}

/** The built CLI (`npm run build` first), with its exit code. */
export const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  promisify(execFile)('node', ['dist/cli/main.js', 'parity', ...args], { maxBuffer: 64 * 2 ** 20 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
