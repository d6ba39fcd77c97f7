/** The range of times a pipeline stage can have: outside it, a time is a mistake (seconds given as ms, a 0). */
export const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** The last instant ISO 8601 writes with a four-digit year. */
export const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const RANGE = '2000-01-01 to 9999-12-31';
const iso = (ms: number) => new Date(ms).toISOString();

/** Why a number of ms since the epoch is not a time, or null when it is one. */
export function msProblem(ms: number): string | null {
  if (!Number.isSafeInteger(ms) || ms > LATEST_MS) return `${ms} is not a whole number of milliseconds from ${RANGE}`;
  if (ms < EARLIEST_MS) {
    const seconds = ms * 1000 >= EARLIEST_MS && ms * 1000 <= LATEST_MS ? '; it looks like seconds since the epoch: milliseconds are 1000 times larger' : '';
    return `${ms} is ${iso(ms)}, before 2000-01-01${seconds}`;
  }
  return null;
}

// 2026-11-20T14:30, with seconds and a fraction optional, then Z or an offset (+02:00, +0200).
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Milliseconds since the epoch of a time given as a Date, whole milliseconds, or a string: ISO
 * 8601 with a time zone, or the digits of whole milliseconds. Throws an Error saying what is wrong.
 * Stricter than Date.parse, which reads "0" as the year 2000 and 2020-02-30 as March 1st.
 */
export function parseTime(value: unknown): number {
  if (value instanceof Date) return checked(value.getTime());
  if (typeof value === 'number') return checked(value);
  if (typeof value !== 'string') throw new Error(`expected a time, got ${value === null ? 'null' : typeof value}`);
  const text = value.trim();
  if (/^\d+$/.test(text)) return checked(Number(text));
  const m = text.match(ISO);
  const unreadable = `cannot read ${JSON.stringify(value)} as a time; write ISO 8601 with a time zone, e.g. 2026-11-20T14:30:00Z, or whole milliseconds since the epoch`;
  if (!m) throw new Error(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${JSON.stringify(value)} has no time of day; write e.g. ${text}T00:00:00Z` : unreadable);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) throw new Error(`${JSON.stringify(value)} is not a date: there is no month ${month}`);
  if (day < 1 || day > daysIn(year, month)) {
    throw new Error(`${JSON.stringify(value)} is not a date: ${m[1]}-${m[2]} has ${daysIn(year, month)} days`);
  }
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`${JSON.stringify(value)} is not a time of day`);
  const zone = m[8];
  if (!zone) throw new Error(`${JSON.stringify(value)} has no time zone; add Z (UTC) or an offset such as +02:00`);
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (oh > 23 || om > 59) throw new Error(`${JSON.stringify(value)} has an impossible time zone offset ${zone}`);
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return checked(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000);
}

function checked(ms: number): number {
  const problem = msProblem(ms);
  if (problem) throw new Error(problem);
  return ms;
}
