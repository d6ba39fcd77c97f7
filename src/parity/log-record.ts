import type { FeatureValue, Features } from './feature-set.js';

/** One logged example. `features` is null when the raw example broke the schema (`violations`). */
export interface FeatureLogRecord {
  side: 'training' | 'serving';
  id: string;
  /** The fingerprint of the feature definition that computed it. */
  fp: string;
  /** ms since the epoch */
  ts: number;
  features: Features | null;
  violations: string[];
  raw?: unknown;
}

export type LogEntry = { line: number; record: FeatureLogRecord } | { line: number; error: string };

/**
 * JSON has no NaN or ±Infinity (JSON.stringify writes null, which cannot say which it was), so a
 * non-finite feature value is written as `{"$num":"NaN"}`, `{"$num":"Infinity"}` or
 * `{"$num":"-Infinity"}`. Feature values are never objects, so the tag cannot be mistaken for one,
 * and the string "NaN" stays a string.
 */
const TAG = '$num';
type Tagged = { [TAG]: 'NaN' | 'Infinity' | '-Infinity' };
const DECODE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A number as the log and the JSON report write it: itself when finite, else its tag. */
export function encodeNumber(x: number): number | Tagged {
  return Number.isFinite(x) ? x : { [TAG]: String(x) as Tagged[typeof TAG] };
}

/** For JSON.stringify: writes every non-finite number as its tag. */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? encodeNumber(value) : value;
}

function decodeTag(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const name = (v as Record<string, unknown>)[TAG];
  return keys.length === 1 && typeof name === 'string' && Object.hasOwn(DECODE, name) ? DECODE[name] : undefined;
}

const nonFinite = (v: FeatureValue) => (typeof v === 'number' ? !Number.isFinite(v) : Array.isArray(v) && v.some((x) => !Number.isFinite(x)));

/** The record as one JSON line (without the newline); `raw` is written as JSON.stringify writes it. */
export function serializeRecord(r: FeatureLogRecord): string {
  const f = r.features;
  let anyNonFinite = false;
  if (f) for (const k of Object.keys(f)) if (nonFinite(f[k]!)) anyNonFinite = true;
  if (!anyNonFinite) return JSON.stringify(r);
  const features: Record<string, unknown> = Object.create(null); // own `__proto__` keys stay keys
  for (const k of Object.keys(f!)) {
    const v = f![k]!;
    features[k] = typeof v === 'number' ? encodeNumber(v) : Array.isArray(v) ? v.map(encodeNumber) : v;
  }
  return JSON.stringify({ ...r, features });
}

const describe = (v: unknown) => {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};
const LEGACY_NULL =
  'null is not a feature value (tfjs-monitor used to write NaN and ±Infinity as null, losing which one it was; ' +
  'they are now written as {"$num":"NaN"}, {"$num":"Infinity"}, {"$num":"-Infinity"})';

/**
 * Checks one feature value: a problem (`: what` or `[i]: what`, to follow its path), or whether
 * it holds a tag. With `decode`, tags are replaced by their numbers: done only in a second pass,
 * once the whole record is known to be valid, so that a rejected record is left as it was read.
 */
function checkValue(holder: Record<string, unknown>, key: string, decode: boolean): string | boolean {
  const v = holder[key];
  const t = typeof v;
  if (t === 'number' || t === 'string' || t === 'boolean') return false;
  if (v === null) return `: ${LEGACY_NULL}`;
  if (Array.isArray(v)) {
    let tagged = false;
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] === 'number') continue;
      if (v[i] === null) return `[${i}]: ${LEGACY_NULL}`;
      const x = decodeTag(v[i]);
      if (x === undefined) return `[${i}]: must be a number or {"$num": "NaN" | "Infinity" | "-Infinity"}, got ${describe(v[i])}`;
      if (decode) v[i] = x;
      tagged = true;
    }
    return tagged;
  }
  const x = decodeTag(v);
  if (x === undefined) return `: must be a number, string, boolean, numeric array or {"$num": "NaN" | "Infinity" | "-Infinity"}, got ${describe(v)}`;
  if (decode) holder[key] = x;
  return true;
}

/** The first problem of a parsed line as `path: what`, or null when it is a valid record. */
function problem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return `record: must be a JSON object, got ${describe(r)}`;
  const o = r as Record<string, unknown>;
  if (o['side'] !== 'training' && o['side'] !== 'serving') return `side: must be "training" or "serving", got ${describe(o['side'])}`;
  if (typeof o['id'] !== 'string' || o['id'] === '') return `id: must be a non-empty string, got ${describe(o['id'])}`;
  if (typeof o['fp'] !== 'string') return `fp: must be a string, got ${describe(o['fp'])}`;
  if (typeof o['ts'] !== 'number') return `ts: must be a number, got ${describe(o['ts'])}`;
  const violations = o['violations'];
  if (!Array.isArray(violations) || !violations.every((v) => typeof v === 'string')) {
    return `violations: must be an array of strings, got ${describe(violations)}`;
  }
  const features = o['features'] as Record<string, unknown> | null;
  if (features === null) return null;
  if (typeof features !== 'object' || Array.isArray(features)) return `features: must be an object or null, got ${describe(features)}`;
  let tagged = false;
  for (const key of Object.keys(features)) {
    const p = checkValue(features, key, false);
    if (typeof p === 'string') return `features.${key}${p}`;
    tagged ||= p;
  }
  if (tagged) for (const key of Object.keys(features)) checkValue(features, key, true);
  return null;
}

/** One line (or row) of a feature log: its record, or what is wrong with it. */
export function parseRecord(line: number, text: string): LogEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { line, error: `not JSON (${(e as Error).message})` };
  }
  const p = problem(json);
  return p ? { line, error: p } : { line, record: json as FeatureLogRecord };
}
