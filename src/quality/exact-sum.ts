/**
 * An exact running sum of doubles (Shewchuk's algorithm, as Python's math.fsum): the partials
 * hold the sum with no rounding error, so adding values in any order, or merging the sums of
 * shards, gives the same value to the last bit. That is what makes profiles mergeable: a
 * profile built in parallel shards and merged is identical to one built in a single pass.
 */
export class ExactSum {
  private partials: number[] = [];

  /** Adds a finite value (a non-finite one would poison the partials: callers count those apart). */
  add(value: number): void {
    const p = this.partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
  }

  merge(other: ExactSum): void {
    for (const x of other.partials) this.add(x);
  }

  /** The exact sum rounded once to the nearest double (ties to even). */
  value(): number {
    return roundPartials(this.partials);
  }

  /**
   * The sum as a canonical list (the rounded value, then the rounded remainder, …): the same
   * exact sum always gives the same list, whatever order the values came in.
   */
  toJSON(): number[] {
    const rest = new ExactSum();
    for (const x of this.partials) rest.add(x);
    const out: number[] = [];
    for (let v = rest.value(); v !== 0 && out.length < 40; v = rest.value()) {
      out.push(v);
      rest.add(-v);
    }
    return out;
  }

  static from(parts: readonly number[]): ExactSum {
    const s = new ExactSum();
    for (const x of parts) s.add(x);
    return s;
  }
}

function roundPartials(p: readonly number[]): number {
  let n = p.length;
  if (n === 0) return 0;
  let hi = p[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = p[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Half-way case: the partials below decide which way to round.
  if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
