/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The command line was wrong: exit code 2 with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}
