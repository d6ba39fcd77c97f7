/** One stage completed for one model version. */
export interface StageEvent {
  model: string;
  version: string;
  stage: string;
  /** When the stage completed, in ms since the epoch. */
  at: number;
  meta: Record<string, unknown> | null;
  /**
   * Set by a store on a stored row it cannot read whole (e.g. its meta is not JSON): reports
   * skip such an event and name it.
   */
  problem?: string;
}

/**
 * What `record` did. There is one event per (model, version, stage): a retry with the same or an
 * older timestamp changes nothing, and a re-run with a newer one replaces it.
 */
export type RecordOutcome = 'inserted' | 'updated' | 'unchanged';

/** Where stage events live. SQLite and PostgreSQL implement it; both pass the same contract tests. */
export interface StageStore {
  /** A short description for messages, e.g. the file path. */
  readonly where: string;
  record(event: StageEvent): Promise<RecordOutcome>;
  /** Every event of a model, oldest first. */
  events(model: string): Promise<StageEvent[]>;
  models(): Promise<string[]>;
  close(): Promise<void>;
}

export { missingPeer, StoreError } from '../storage/errors.js';
