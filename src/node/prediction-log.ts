import { sampled } from '../parity/feature-set.js';
import { nonFiniteReplacer } from '../parity/log-record.js';
import type { LabelRecord, PredictionRecord } from '../quality/join.js';
import type { Label, ModelOutput } from '../quality/metrics.js';
import { appendLogKind, openAppendLog, readAppendLog } from '../storage/append-log.js';
import { StoreError } from '../storage/errors.js';
import { parsePredictionLine, type PredictionLogEntry } from './prediction-record.js';

export type { PredictionLogEntry } from './prediction-record.js';

/**
 * Where predictions, and the labels that arrive later, are appended: a JSON-lines file, or a
 * SQLite file (`.db`, `.sqlite`), as parity's feature logs. Both kinds are sampled by id with
 * the same deterministic hash as the feature logs, so at one rate the three logs hold the same
 * examples and join on their ids.
 */
export interface PredictionLogWriter {
  readonly where: string;
  /** Logs a prediction when its id is in the sample; returns whether it was logged. */
  prediction(p: { id: string; version: string; output: ModelOutput; ts?: number }): boolean;
  /** Logs a label for an example id when the id is in the sample; returns whether it was logged. */
  label(l: { id: string; label: Label; ts?: number }): boolean;
  close(): void;
}

const PREDICTION_LOG = appendLogKind('prediction log', 'prediction_log');

/** Opens a prediction log for appending; `sampleRate` as the feature logs' (the same ids are kept). */
export async function openPredictionLog(path: string, { sampleRate = 1 }: { sampleRate?: number } = {}): Promise<PredictionLogWriter> {
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new StoreError(`sampleRate must be in (0, 1], got ${sampleRate}`);
  const out = await openAppendLog(path, PREDICTION_LOG);
  const write = (r: PredictionRecord | LabelRecord, kind: 'prediction' | 'label') => {
    if (typeof r.id !== 'string' || r.id === '') throw new StoreError(`${kind}: id must be a non-empty string, got ${JSON.stringify(r.id)}`);
    if (!sampled(r.id, sampleRate)) return false;
    out.append(JSON.stringify({ kind, ...r, ts: r.ts ?? Date.now() }, nonFiniteReplacer));
    return true;
  };
  return {
    where: path,
    prediction: (p) => write(p as PredictionRecord, 'prediction'),
    label: (l) => write(l, 'label'),
    close: () => out.close(),
  };
}

/** Streams a prediction log's entries, malformed ones included with their line (or row) number. */
export async function* readPredictionLog(path: string): AsyncGenerator<PredictionLogEntry> {
  for await (const r of readAppendLog(path, PREDICTION_LOG)) yield 'text' in r ? parsePredictionLine(r.line, r.text) : r;
}
