import type { LabelRecord, PredictionRecord } from '../quality/join.js';

export type PredictionLogEntry =
  | { line: number; record: ({ kind: 'prediction' } & PredictionRecord) | ({ kind: 'label' } & LabelRecord & { ts: number }) }
  | { line: number; error: string };

const DECODE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A number, or the tag the logs write for NaN and ±Infinity (see parity's log-record.ts). */
function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const name = (v as Record<string, unknown>)['$num'];
  return keys.length === 1 && typeof name === 'string' && Object.hasOwn(DECODE, name) ? DECODE[name] : undefined;
}

const describe = (v: unknown) => {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function problem(o: Record<string, unknown>): string | null {
  if (o['kind'] !== 'prediction' && o['kind'] !== 'label') return `kind: must be "prediction" or "label", got ${describe(o['kind'])}`;
  if (typeof o['id'] !== 'string' || o['id'] === '') return `id: must be a non-empty string, got ${describe(o['id'])}`;
  if (typeof o['ts'] !== 'number' || !Number.isFinite(o['ts'])) return `ts: must be a number (ms since the epoch), got ${describe(o['ts'])}`;
  if (o['kind'] === 'label') {
    const label = o['label'];
    const n = decodeNumber(label);
    if (typeof label !== 'string' && n === undefined) return `label: must be a class name, a class index or a number, got ${describe(label)}`;
    if (n !== undefined) o['label'] = n;
    return null;
  }
  if (typeof o['version'] !== 'string' || o['version'] === '') return `version: must be a non-empty string (the model version), got ${describe(o['version'])}`;
  const output = o['output'];
  if (Array.isArray(output)) {
    const values = output.map(decodeNumber);
    const bad = values.findIndex((x) => x === undefined);
    if (bad >= 0) return `output[${bad}]: must be a number, got ${describe(output[bad])}`;
    o['output'] = values;
    return null;
  }
  const n = decodeNumber(output);
  if (n === undefined) return `output: must be a number or an array of numbers, got ${describe(output)}`;
  o['output'] = n;
  return null;
}

/** One line (or row) of a prediction log: its record, or what is wrong with it as `field: what`. */
export function parsePredictionLine(line: number, text: string): PredictionLogEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { line, error: `not JSON (${(e as Error).message})` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { line, error: `record: must be a JSON object, got ${describe(json)}` };
  const p = problem(json as Record<string, unknown>);
  return p ? { line, error: p } : { line, record: json as never };
}
