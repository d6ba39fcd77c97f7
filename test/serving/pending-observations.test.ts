import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PendingObservations } from '../../src/node/pending-observations.js';
import { mulberry32 } from '../../src/core/random.js';

function histogram(registry: Registry) {
  return new Histogram({ name: 'latency_seconds', help: 'h', labelNames: ['v'], buckets: [0.0005, 0.001, 0.005, 0.01], registers: [registry] }).labels({ v: '1' });
}

describe('latencies observed later (PendingObservations)', () => {
  it('gives prom-client exactly the buckets, count and sum of observing each value at once, across full buffers', async () => {
    const random = mulberry32(7);
    const values = Array.from({ length: 40_000 }, () => random() * 0.012);
    const direct = new Registry();
    const now = histogram(direct);
    for (const v of values) now.observe(v);
    const deferred = new Registry();
    const later = histogram(deferred);
    const pending = new PendingObservations((v) => later.observe(v), 16_384, 1024);
    for (const v of values) pending.add(v); // fills the buffer twice: drained at once each time
    expect(pending.pending).toBe(40_000 - 2 * 16_384);
    pending.drain();
    expect(pending.pending).toBe(0);
    expect(await deferred.metrics()).toBe(await direct.metrics());
  });

  it('drains between requests once drainAt values wait, without keeping the process alive', async () => {
    const seen: number[] = [];
    const pending = new PendingObservations((v) => seen.push(v), 64, 8);
    for (let i = 0; i < 10; i++) pending.add(i / 1000);
    expect(seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i / 1000));
    expect(pending.pending).toBe(0);
  });
});
