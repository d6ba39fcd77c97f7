const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration that cannot be read, e.g. in an SLO. */
export class DurationError extends Error {
  override name = 'DurationError';
}

/** Milliseconds in a duration such as `26h`, `8d`, `90m`, `1d12h` or `1.5h`. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const parts = trimmed.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g);
  if (!trimmed || !parts || parts.join('') !== trimmed) {
    throw new DurationError(
      `${what}: cannot read ${JSON.stringify(text)} as a duration; write a number and a unit (ms, s, m, h, d, w), e.g. 26h, 8d or 1d12h`,
    );
  }
  return parts.reduce((sum, part) => {
    const [, n, unit] = part.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/)!;
    return sum + Number(n) * UNITS[unit!]!;
  }, 0);
}

/** 26h, 3d4h, 12m, 40s: the two largest units, for tables and messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const order: [string, number][] = [['w', UNITS['w']!], ['d', UNITS['d']!], ['h', UNITS['h']!], ['m', UNITS['m']!], ['s', UNITS['s']!]];
  const out: string[] = [];
  let rest = ms;
  for (const [unit, size] of order) {
    const n = Math.floor(rest / size);
    if (n > 0 || out.length > 0) {
      if (n > 0) out.push(`${n}${unit}`);
      rest -= n * size;
    }
    if (out.length === 2) break;
  }
  return out.join('') || '0s';
}
