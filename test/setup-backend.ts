import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const backend = process.env['TFJS_BACKEND'] ?? 'cpu';
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to load`);
await tf.ready();
