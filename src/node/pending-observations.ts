/**
 * Latencies not yet observed by a prom-client histogram. prom-client's `observe` hashes the label
 * set and allocates on every call: 0.6 µs in a tight loop, 1.5–3 µs between model calls (measured
 * on the MNIST MLP, wasm), more than the rest of the serving monitor together. So the request path
 * only stores the value here, and `observe` runs later, all values in one loop: when the registry
 * is scraped (the histogram's `collect`), between requests once `drainAt` values wait, and at once
 * when the buffer is full (a loop that never yields). Every value is observed exactly, in order.
 */
export class PendingObservations {
  private readonly values: Float64Array;
  private count = 0;
  private scheduled = false;

  constructor(
    private readonly observe: (value: number) => void,
    /** Values held at most: 16,384 doubles, 128 KiB. */
    capacity = 16_384,
    /** Values after which a drain is scheduled between requests (setImmediate). */
    private readonly drainAt = 1024,
  ) {
    this.values = new Float64Array(capacity);
  }

  /** Values waiting. */
  get pending(): number {
    return this.count;
  }

  add(value: number): void {
    this.values[this.count++] = value;
    if (this.count === this.values.length) this.drain();
    else if (this.count === this.drainAt && !this.scheduled) this.schedule();
  }

  /** Observes every waiting value, oldest first. */
  drain(): void {
    const n = this.count;
    this.count = 0;
    for (let i = 0; i < n; i++) this.observe(this.values[i]!);
  }

  private schedule(): void {
    this.scheduled = true;
    // unref: waiting values never keep a process alive that would otherwise exit.
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.drain();
      } catch {
        // Latencies are finite, so prom-client does not throw; if it ever did, a server must not crash for it.
      }
    }).unref();
  }
}
