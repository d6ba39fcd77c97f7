import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { Writable } from 'node:stream';

export const backend = (): string => tf.getBackend();

/** What `model.fit` accepts as a list of callbacks (tfjs does not export BaseCallback). */
export type Callbacks = Extract<NonNullable<tf.ModelFitArgs['callbacks']>, unknown[]>;

/** A pino logger that keeps its JSON lines in memory, so tests can assert what the user would read. */
export function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export { buildMlp as mlp } from '../../examples/lib/models.js';

/** A callback that writes NaN into one element of a weight right after a given global step's update. */
export function injectNaN(model: tf.LayersModel, weightName: string, atStep: number): tf.CustomCallback {
  let step = 0;
  return new tf.CustomCallback({
    onBatchEnd: async () => {
      if (step++ !== atStep) return;
      const variable = model.weights.find((w) => w.originalName === weightName);
      if (!variable) throw new Error(`no weight ${weightName}`);
      const value = variable.read() as tf.Variable;
      const values = value.dataSync().slice();
      values[3] = NaN;
      tf.tidy(() => value.assign(tf.tensor(values, value.shape)));
    },
  });
}

/** Runs `fn` and fails if it left tensors behind: what a user would see as a slow memory leak. */
export async function expectNoLeak<T>(fn: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leaked ${after - before} tensor(s): ${before} before, ${after} after`);
  return result;
}

/** Disposes a compiled model and its optimizer. */
export function disposeModel(model: tf.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}
