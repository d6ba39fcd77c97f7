import { InvalidOptionsError } from '../options/validate.js';
import { parseDuration } from '../staleness/duration.js';
import { parseTime } from '../staleness/time.js';
import { UsageError } from './io.js';

/** The flags every staleness command that opens a store takes. */
export const storeFlags = {
  store: { type: 'string' },
  model: { type: 'string', multiple: true },
  stages: { type: 'string' },
  timeout: { type: 'string' },
} as const;

const flagError = (message: string) => new InvalidOptionsError(message, [message]);

export function required(value: string | undefined, flag: string, usage: string): string {
  if (!value) throw new UsageError(`missing --${flag}\n${usage}`);
  return value;
}

export const stagesOf = (value: string | undefined) => (value ? value.split(',').map((s) => s.trim()) : undefined);

/** `--store`, which must outlive the command: an in-memory database would record into nothing. */
export function storeOf(value: string | undefined, usage: string): string {
  const spec = required(value, 'store', usage);
  if (spec.trim() === ':memory:') {
    throw flagError('--store :memory: is an in-memory database that ends with the command; give a file path or a postgres:// URL');
  }
  return spec;
}

/** `--timeout 10s`: how long to wait for the store (PostgreSQL connect and statements, a SQLite lock). */
export function timeoutOf(value: string | undefined): number {
  if (value === undefined) return 10_000;
  const ms = Math.round(parseDuration(value, '--timeout'));
  if (ms < 1 || ms > 2 ** 31 - 1) throw flagError(`--timeout must be from 1ms to 24d, got ${JSON.stringify(value)}`);
  return ms;
}

/** `--at` or `--now`: ISO 8601 with a time zone, or whole milliseconds since the epoch. */
export function timeOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTime(value);
  } catch (e) {
    throw flagError(`${flag}: ${(e as Error).message}`);
  }
}

/** `--slo train_end=26h,deploy=8d` */
export function sloOf(value: string | undefined): Record<string, string> {
  if (!value) return {};
  const slo: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const [stage, duration, ...rest] = pair.split('=');
    if (!stage || !duration || rest.length) {
      throw new UsageError(`--slo: expected stage=duration pairs separated by commas, e.g. train_end=26h,deploy=8d; got ${JSON.stringify(pair)}`);
    }
    parseDuration(duration, `--slo ${stage}`);
    slo[stage.trim()] = duration.trim();
  }
  return slo;
}
