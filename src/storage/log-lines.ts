import { createReadStream } from 'node:fs';
import { StoreError } from './errors.js';

/**
 * A line longer than this is skipped (and reported) rather than held: a file without newlines,
 * binary or one huge JSON document, must not take the reader's memory. Far above any record.
 */
export const MAX_LINE_CHARS = 64 * 2 ** 20;

/** One line: its number as `grep -n` gives it, and its text, or null when over the limit. */
export interface Line {
  line: number;
  text: string | null;
  chars: number;
}

/**
 * Streams a text file's lines, numbered as editors and grep number them: only \n ends a line
 * (readline also breaks at a lone \r, which shifts every later number), a \r before it is part of
 * the line ending, and a UTF-8 byte order mark at the start is not part of line 1. `what` names
 * the file in errors ('feature log').
 */
export async function* readLines(path: string, { what = 'file', maxChars = MAX_LINE_CHARS }: { what?: string; maxChars?: number } = {}): AsyncGenerator<Line> {
  let parts: string[] = [];
  let chars = 0;
  let n = 0;
  const take = (piece: string) => {
    chars += piece.length;
    if (chars <= maxChars) parts.push(piece);
    else parts = [];
  };
  const end = (newline: boolean): Line => {
    let text = chars <= maxChars ? parts.join('') : null;
    if (newline && text?.endsWith('\r')) text = text.slice(0, -1);
    const line = { line: ++n, text, chars };
    parts = [];
    chars = 0;
    return line;
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 2 ** 16 });
  let first = true;
  try {
    for await (let chunk of stream as AsyncIterable<string>) {
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        take(chunk.slice(start, nl));
        yield end(true);
        start = nl + 1;
      }
      take(chunk.slice(start));
    }
  } catch (e) {
    throw new StoreError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
  // The last line, when the file does not end with a newline: a torn write, or a hand-edited file.
  if (chars > 0) yield end(false);
}
