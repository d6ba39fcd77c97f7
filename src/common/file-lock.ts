import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { InputFileError } from './files.js';

export interface LockOptions {
  /** How long to wait for another process's lock before giving up. */
  timeoutMs?: number;
  /** A lock at least this old whose process is gone (same host) is taken over. */
  staleMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  at: string;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(pause, 0, 0, ms);

function readOwner(lock: string): Partial<Owner> {
  try {
    return JSON.parse(readFileSync(lock, 'utf8')) as Partial<Owner>;
  } catch {
    return {}; // being written, or torn by a crash: judged by its age alone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // exists, owned by another user
  }
}

/** Old enough, and its process is gone. A lock from another host is never judged dead: its pid means nothing here. */
function isStale(stats: Stats, owner: Partial<Owner>, staleMs: number): boolean {
  if (Date.now() - stats.mtimeMs < staleMs) return false;
  if (typeof owner.pid !== 'number') return true;
  return owner.host === hostname() && !alive(owner.pid);
}

/**
 * Removes `lock` if it is still the stale file seen (same inode). Takeovers are serialised by a
 * second lock, so two waiters cannot both remove a lock, one of them the new owner's.
 */
function takeOver(lock: string, seen: Stats, staleMs: number): void {
  const guard = `${lock}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
    // A takeover lasts a few syscalls: a guard this old was left by a crash.
    const left = statSync(guard, { throwIfNoEntry: false });
    if (left && Date.now() - left.mtimeMs > staleMs) removeIfThere(guard);
    return;
  }
  try {
    const now = statSync(lock, { throwIfNoEntry: false });
    if (now && now.ino === seen.ino && isStale(now, readOwner(lock), staleMs)) unlinkSync(lock);
  } finally {
    closeSync(fd);
    removeIfThere(guard);
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  }
}

/**
 * Runs `fn` holding an exclusive lock on `path` (the file `path.lock`, created with O_EXCL), so
 * read-modify-write cycles of separate processes never interleave. Waits for another holder;
 * takes over a lock whose process died. Synchronous: the critical sections are a few ms of file I/O.
 */
export function withFileLock<T>(path: string, fn: () => T, { timeoutMs = 30_000, staleMs = 10_000 }: LockOptions = {}): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    let fd: number | null = null;
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'EEXIST') throw new InputFileError(`cannot lock ${path} (creating ${lock}: ${code ?? (e as Error).message})`);
    }
    if (fd !== null) {
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() } satisfies Owner));
      } finally {
        closeSync(fd);
      }
      try {
        return fn();
      } finally {
        removeIfThere(lock);
      }
    }
    const stats = statSync(lock, { throwIfNoEntry: false });
    if (!stats) continue; // released between our attempt and now
    const owner = readOwner(lock);
    if (isStale(stats, owner, staleMs)) {
      takeOver(lock, stats, staleMs);
      continue;
    }
    if (Date.now() > deadline) {
      const by = typeof owner.pid === 'number' ? `process ${owner.pid} on ${owner.host ?? 'an unknown host'} since ${owner.at ?? 'an unknown time'}` : 'another process';
      throw new InputFileError(
        `${path} is locked by ${by} (${lock}); waited ${Math.round(timeoutMs / 1000)} s. If no tfjs-monitor is writing it, delete ${lock}`,
      );
    }
    sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 100);
  }
}
