import { pino } from 'pino';
import { humanLogger } from './human-logger.js';

/** What the monitor logs through: a pino logger, or anything with the same four methods. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

interface ProcessLike {
  stderr?: { isTTY?: boolean; write(text: string): unknown };
}

/**
 * The logger used when none is given, following tfjs's `verbose`: 0 shows only findings and
 * warnings, 1 (the default) also one line per epoch.
 * - At a terminal (stderr is a TTY): readable lines on stderr.
 * - In Node otherwise (CI logs, pipes): JSON lines on stderr (pino), written synchronously so
 *   that the finding that ends a job is on disk before the process exits; stdout stays yours.
 * - In a browser: readable lines on the console.
 */
export function defaultLogger(verbose: 0 | 1 = 1): Logger {
  const proc = (globalThis as { process?: ProcessLike }).process;
  const destination = (pino as { destination?: typeof pino.destination }).destination;
  if (proc?.stderr && !proc.stderr.isTTY && typeof destination === 'function') {
    return pino({ name: 'tfjs-monitor', level: verbose >= 1 ? 'info' : 'warn' }, destination({ dest: 2, sync: true }));
  }
  const stderr = proc?.stderr;
  return humanLogger(
    stderr ? (text) => void stderr.write(text + '\n') : (text, level) => console[level === 'info' ? 'log' : level](text),
    verbose,
  );
}
