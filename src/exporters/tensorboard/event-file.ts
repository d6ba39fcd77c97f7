import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../storage/errors.js';
import { frameRecord, type EventEncoder, type EventInput } from './records.js';

let opened = 0;

/** Creates the log directory now, so that a bad logdir is reported before training, not after. */
export function ensureLogdir(logdir: string): void {
  try {
    mkdirSync(logdir, { recursive: true });
  } catch (e) {
    throw new StoreError(`TensorBoard: cannot create the logdir ${logdir}: ${(e as Error).message}. Choose a directory you can write to.`);
  }
}

/**
 * One TensorBoard event file: `events.out.tfevents.<seconds>.<host>.<pid>.<n>` in the logdir (the
 * pid and a counter keep two writers of one second apart; TensorBoard reads any `*tfevents*`).
 * Each write goes to disk at once, so TensorBoard shows a run live and a crash loses nothing.
 */
export class EventFile {
  readonly path: string;
  private fd: number | null;

  constructor(
    logdir: string,
    private readonly encode: EventEncoder,
  ) {
    ensureLogdir(logdir);
    const now = Date.now();
    this.path = join(logdir, `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}.${process.pid}.${++opened}`);
    try {
      // 'wx': never append to, or overwrite, another writer's file.
      this.fd = openSync(this.path, 'wx');
    } catch (e) {
      throw new StoreError(`TensorBoard: cannot create ${this.path}: ${(e as Error).message}. Choose a logdir you can write to.`);
    }
    this.write([{ wallTime: now / 1000, step: 0, fileVersion: 'brain.Event:2' }]);
  }

  /** Appends events, each framed as a TFRecord, in one write. */
  write(events: readonly EventInput[]): void {
    if (this.fd === null) throw new StoreError(`TensorBoard: ${this.path} is already closed`);
    if (events.length === 0) return;
    const data = Buffer.concat(events.map((e) => frameRecord(this.encode(e))));
    try {
      for (let at = 0; at < data.length; ) at += writeSync(this.fd, data, at);
    } catch (e) {
      throw new StoreError(`TensorBoard: cannot write ${this.path}: ${(e as Error).message}. Free some disk space or choose another logdir.`);
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
