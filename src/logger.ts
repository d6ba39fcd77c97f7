import { pino, type Logger } from 'pino';

/**
 * The logger used when none is given: JSON lines on stderr, written synchronously so that the
 * finding that ends a job is on disk before the process exits. stdout stays the program's own.
 */
export function defaultLogger(): Logger {
  return pino({ name: 'tfjs-monitor' }, pino.destination({ dest: 2, sync: true }));
}
