import { parseArgs } from 'node:util';
import { checkParity } from '../parity/check-parity.js';
import { formatParity } from '../parity/format-parity.js';
import { nonFiniteReplacer } from '../parity/log-record.js';
import { parseTolerances } from '../parity/tolerance.js';
import { UsageError, type Io } from './io.js';

const USAGE =
  'usage: tfjs-monitor parity <training-log> <serving-log> [--tolerance f=abs:1e-6,g=rel:0.01] [--max-mismatch-rate 0] [--max-violation-increase 0.01] [--json]';

function rate(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a fraction from 0 to 1, got ${JSON.stringify(value)}`);
  return n;
}

/** `tfjs-monitor parity …`: exit 1 when skew, a definition mismatch or an invariant is past its threshold, or a log is empty. */
export async function parity(args: string[], io: Io): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tolerance: { type: 'string' },
      'max-mismatch-rate': { type: 'string' },
      'max-violation-increase': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 2) throw new UsageError(USAGE);
  const maxMismatchRate = rate('max-mismatch-rate', values['max-mismatch-rate']);
  const maxViolationRateIncrease = rate('max-violation-increase', values['max-violation-increase']);
  const report = await checkParity(positionals[0]!, positionals[1]!, {
    tolerance: values.tolerance ? parseTolerances(values.tolerance) : {},
    ...(maxMismatchRate !== undefined ? { maxMismatchRate } : {}),
    ...(maxViolationRateIncrease !== undefined ? { maxViolationRateIncrease } : {}),
  });
  // NaN and ±Infinity as the logs write them: JSON's null would read as "missing".
  io.out(values.json ? JSON.stringify(report, nonFiniteReplacer, 2) : formatParity(report));
  return report.ok ? 0 : 1;
}
