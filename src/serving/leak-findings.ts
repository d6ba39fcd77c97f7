import { fmt } from '../core/format-number.js';
import type { Growth } from '../speed/growth.js';
import type { ServingLeakFinding } from './findings.js';
import type { ResolvedServingOptions } from './options.js';
import type { LeakTrends } from './recorder.js';

const FIGURES = {
  tensors: { kind: 'tensor-leak', figure: 'numTensors', unit: 'tensors', option: 'tensorsPerCall' },
  bytes: { kind: 'memory-growth', figure: 'numBytes', unit: 'tensor bytes', option: 'bytesPerCall' },
  rss: { kind: 'rss-growth', figure: 'rss', unit: 'bytes of RSS', option: 'rssBytesPerCall' },
} as const;

/**
 * Findings for the figures that kept growing (speed/growth.ts's rule, the one training uses),
 * keyed for deduplication. Tensor bytes count only at a steady tensor count: a tensor leak
 * grows both, and is one finding.
 */
export function leakFindings(
  trends: LeakTrends,
  options: Pick<ResolvedServingOptions, 'leak' | 'processMemoryEvery'>,
  call: number,
): [string, ServingLeakFinding][] {
  const leak = options.leak;
  const out: [string, ServingLeakFinding][] = [];
  const add = (name: keyof typeof FIGURES, g: Growth | null) => {
    if (!g) return;
    const f = FIGURES[name];
    const spacing = name === 'rss' ? options.processMemoryEvery : leak.every;
    const perCall = g.perBatch / spacing;
    const calls = (g.window - 1) * spacing;
    out.push([
      f.kind,
      {
        kind: f.kind,
        action: 'warn',
        call,
        lastCall: call,
        occurrences: 1,
        figure: f.figure,
        perCall,
        tolerance: leak[f.option],
        rises: g.rises,
        samples: g.window,
        from: g.from,
        to: g.to,
        calls,
        message:
          `${f.unit} held grew from ${fmt(g.from)} to ${fmt(g.to)} over the last ${calls} calls ` +
          `(${fmt(perCall)} per call, rising at ${g.rises} of ${g.window} samples; tolerance ${fmt(leak[f.option])} per call: leak.${f.option})`,
      },
    ]);
  };
  add('tensors', trends.tensors);
  if (!trends.tensors) add('bytes', trends.bytes);
  add('rss', trends.rss);
  return out;
}
