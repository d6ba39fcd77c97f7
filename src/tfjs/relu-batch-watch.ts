import * as tf from '@tensorflow/tfjs-core';
import { isChannelsFirst, reluActivation, type ReluStats } from './dead-relu-probe.js';
import type { LayerRef } from './model-weights.js';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** Watches still installed, process-wide: a fit that tfjs aborted leaves its wraps for the next one to remove. */
const ACTIVE_KEY = Symbol.for('tfjs-monitor.active-relu-watches');
const globals = globalThis as { [ACTIVE_KEY]?: Set<{ uninstall(): void }> };
const active = (globals[ACTIVE_KEY] ??= new Set());

interface Watched {
  ref: LayerRef;
  layer: { call: Call; inboundNodes?: unknown[] };
  /** Per unit, the largest activation seen in the window: 0 means dead so far. */
  maxPerUnit: tf.Tensor | null;
  zeros: tf.Tensor | null;
  total: number;
  examples: number;
  hadOwnCall: boolean;
  original: Call;
}

/**
 * Dead ReLU units measured on the training batches themselves, with no extra forward pass: each
 * ReLU layer's `call` is wrapped, during fit only, to fold a per-unit max and a zero count of its
 * own output into running totals. `measure` reads and resets them (one read-back for all layers).
 * `uninstall` gives the layers their own `call` back.
 */
export class TrainingBatchRelu {
  /** Examples covered by the last `measure`. */
  lastSize = 0;

  private constructor(private readonly watched: Watched[]) {}

  /** Gives every wrapped layer its own `call` back, whichever run wrapped it. */
  static restoreAll(): void {
    for (const watch of [...active]) watch.uninstall();
  }

  static install(layers: readonly LayerRef[]): TrainingBatchRelu | null {
    TrainingBatchRelu.restoreAll();
    const watched: Watched[] = [];
    for (const ref of layers) {
      const layer = ref.layer as unknown as Watched['layer'] & Parameters<typeof reluActivation>[0];
      if (!reluActivation(layer)) continue;
      const original = layer.call;
      const w: Watched = { ref, layer, maxPerUnit: null, zeros: null, total: 0, examples: 0, hadOwnCall: Object.hasOwn(layer, 'call'), original };
      const channelsFirst = isChannelsFirst(layer as never, (layer.inboundNodes?.[0] ?? undefined) as never);
      layer.call = function (this: unknown, inputs, kwargs) {
        const out = original.call(this, inputs, kwargs);
        if (kwargs?.['training'] === true) {
          const a = Array.isArray(out) ? out[0]! : out;
          const unitAxis = channelsFirst ? 1 : a.rank - 1;
          const otherAxes = [...Array(a.rank).keys()].filter((axis) => axis !== unitAxis);
          // Outside the fit's scope: these totals live across batches.
          const [maxPerUnit, zeros] = tf.tidy(() => {
            const m = tf.max(a, otherAxes);
            const z = tf.sum(tf.cast(tf.equal(a, 0), 'float32'));
            return [w.maxPerUnit ? tf.maximum(w.maxPerUnit, m) : m, w.zeros ? tf.add(w.zeros, z) : z];
          });
          tf.keep(maxPerUnit!);
          tf.keep(zeros!);
          w.maxPerUnit?.dispose();
          w.zeros?.dispose();
          [w.maxPerUnit, w.zeros] = [maxPerUnit!, zeros!];
          w.total += a.size;
          w.examples += a.shape[0] ?? 0;
        }
        return out;
      };
      watched.push(w);
    }
    if (watched.length === 0) return null;
    const watch = new TrainingBatchRelu(watched);
    active.add(watch);
    return watch;
  }

  get layers(): object[] {
    return this.watched.map((w) => w.ref.layer);
  }

  /** Training examples the current totals cover (the largest count over the layers). */
  get probeSize(): number {
    return Math.max(0, ...this.watched.map((w) => w.examples));
  }

  /** Zero and dead-unit fractions over the batches since the last measure; then starts afresh. */
  async measure(): Promise<ReluStats[]> {
    this.lastSize = this.probeSize;
    const seen = this.watched.filter((w) => w.maxPerUnit && w.zeros);
    if (seen.length === 0) return [];
    const packed = tf.tidy(() =>
      tf.stack(seen.flatMap((w) => [tf.sum(tf.cast(tf.equal(w.maxPerUnit!, 0), 'float32')), tf.scalar(w.maxPerUnit!.size), w.zeros!])),
    );
    let v: Float32Array;
    try {
      v = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
    const stats = seen.map((w, k) => {
      const [deadUnits, units, zeros] = [v[3 * k]!, v[3 * k + 1]!, v[3 * k + 2]!];
      return { layer: w.ref.layer as object, node: '', deadUnits, units, deadFraction: units ? deadUnits / units : 0, zeroFraction: w.total ? zeros / w.total : 0 };
    });
    this.reset();
    return stats;
  }

  /** Drops what was gathered since the last measure (e.g. activations of a batch that held NaN). */
  reset(): void {
    for (const w of this.watched) {
      w.maxPerUnit?.dispose();
      w.zeros?.dispose();
      w.maxPerUnit = w.zeros = null;
      w.total = 0;
      w.examples = 0;
    }
  }

  uninstall(): void {
    if (!active.delete(this)) return;
    this.reset();
    for (const w of this.watched) {
      if (w.hadOwnCall) w.layer.call = w.original;
      else delete (w.layer as { call?: Call }).call; // back to the prototype's call
    }
  }
}
