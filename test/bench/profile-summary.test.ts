import { describe, expect, it } from 'vitest';
import { summarizeUnder, type CpuProfile } from '../../benchmarks/profile-summary.js';

const frame = (functionName: string, url = 'file:///x/run.js', lineNumber = 0) => ({ functionName, url, lineNumber });

/**
 * (root) → fitLoop → onBatchEnd → checkStep → scan
 *                              → sample
 *        → other
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 7] },
    { id: 2, callFrame: frame('fitLoop'), children: [3] },
    { id: 3, callFrame: frame('onBatchEnd'), children: [4, 6] },
    { id: 4, callFrame: frame('checkStep'), children: [5] },
    { id: 5, callFrame: frame('scan', 'wasm://k', 2) },
    { id: 6, callFrame: frame('sample') },
    { id: 7, callFrame: frame('other') },
  ],
  samples: [5, 5, 6, 3, 7, 2],
  timeDeltas: [100, 100, 50, 25, 1000, 10],
};

describe('summarizeUnder', () => {
  it('counts only the time on stacks through the root, inclusive and self', () => {
    const s = summarizeUnder(profile, 'onBatchEnd');
    expect(s.totalMs).toBeCloseTo(1.285, 9);
    expect(s.underMs).toBeCloseTo(0.275, 9);
    expect(s.inclusive.map((x) => [x.name, x.ms])).toEqual([
      ['onBatchEnd run.js:1', 0.275],
      ['checkStep run.js:1', 0.2],
      ['scan k:3', 0.2],
      ['sample run.js:1', 0.05],
    ]);
    expect(s.self.map((x) => [x.name, x.ms])).toEqual([
      ['scan k:3', 0.2],
      ['sample run.js:1', 0.05],
      ['onBatchEnd run.js:1', 0.025],
    ]);
  });

  it('counts a recursive function once per sample', () => {
    const recursive: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('onBatchEnd'), children: [2] },
        { id: 2, callFrame: frame('walk'), children: [3] },
        { id: 3, callFrame: frame('walk') },
      ],
      samples: [3],
      timeDeltas: [40],
    };
    const s = summarizeUnder(recursive, 'onBatchEnd');
    expect(s.inclusive.find((x) => x.name.startsWith('walk'))!.ms).toBeCloseTo(0.04, 9);
  });

  it('finds nothing under a function that never ran', () => {
    expect(summarizeUnder(profile, 'onTrainEnd')).toMatchObject({ underMs: 0, inclusive: [], self: [] });
  });
});
