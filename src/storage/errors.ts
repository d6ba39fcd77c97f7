/** A store or log cannot be opened, read or written. The message says which file, why, and what to do; nothing was changed. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** A peer dependency the chosen store needs is not installed. */
export function missingPeer(name: string, range: string, what: string, cause: unknown): StoreError {
  return new StoreError(`${what} needs the \`${name}\` package: npm install ${name}@${range} (${(cause as Error).message})`);
}
