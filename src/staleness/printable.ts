/** Characters that would break or reorder a line of text output: control characters, line and paragraph separators, bidi overrides. */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The first character of `text` that has no place in a name, escaped (`\n`, `\u001b`), or null. */
export function unprintable(text: string): string | null {
  const found = text.match(UNPRINTABLE);
  return found ? escape(found[0]) : null;
}

const escape = (c: string) => JSON.stringify(c).slice(1, -1).replace(/^[^\\]$/, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `text` with those characters escaped as in JSON, so that one value stays on one line of a table. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}
