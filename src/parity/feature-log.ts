import { appendLogKind, openAppendLog, readAppendLog } from '../storage/append-log.js';
import { parseRecord, serializeRecord, type FeatureLogRecord, type LogEntry } from './log-record.js';

export type { FeatureLogRecord, LogEntry } from './log-record.js';

/** Where feature records are appended: a JSON-lines file, or a SQLite file (`.db`, `.sqlite`). */
export interface FeatureLogWriter {
  readonly where: string;
  append(record: FeatureLogRecord): void;
  close(): void;
}

const FEATURE_LOG = appendLogKind('feature log', 'feature_log');

/** Opens a feature log for appending: SQLite for `.db`/`.sqlite` paths, JSON lines otherwise. */
export async function openFeatureLog(path: string): Promise<FeatureLogWriter> {
  const log = await openAppendLog(path, FEATURE_LOG);
  return { where: path, append: (r) => log.append(serializeRecord(r)), close: () => log.close() };
}

/** Streams a feature log's entries, malformed ones included (with their line, or row, number). */
export async function* readFeatureLog(path: string): AsyncGenerator<LogEntry> {
  for await (const r of readAppendLog(path, FEATURE_LOG)) yield 'text' in r ? parseRecord(r.line, r.text) : r;
}
