import { pino } from 'pino';

/** What the monitor logs through: a pino logger, or anything with the same four methods. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The logger used when none is given. In Node: JSON lines on stderr, written synchronously so
 * that the finding that ends a job is on disk before the process exits; stdout stays the
 * program's own. In a browser, pino's browser build has no destinations and logs to the console.
 */
export function defaultLogger(): Logger {
  const options = { name: 'tfjs-monitor' };
  const destination = (pino as { destination?: typeof pino.destination }).destination;
  return typeof destination === 'function' ? pino(options, destination({ dest: 2, sync: true })) : pino(options);
}
