import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('memory on long logs', () => {
  it('what checkQuality holds does not grow with the logs: 4× the records, no more memory', { timeout: 120_000 }, async () => {
    // A child with a GC it can force, so the figures are the live heap, not garbage.
    const { stdout } = await run('node', ['--expose-gc', '--import', 'tsx', 'test/quality/bounded-memory-child.ts', '2500', '10000', '40000']);
    const [small, large] = JSON.parse(stdout) as { n: number; passes: number; joined: number; heldMiB: number }[];
    expect(small).toMatchObject({ n: 10_000, joined: 5000, passes: 3 });
    expect(large).toMatchObject({ n: 40_000, joined: 20_000, passes: 9 }); // labels over maxLabelsInMemory: joined in parts
    expect(large!.heldMiB).toBeLessThan(small!.heldMiB + 1);
    expect(large!.heldMiB).toBeLessThan(4);
  });
});
