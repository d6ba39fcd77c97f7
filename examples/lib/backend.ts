/**
 * Loads the fastest tfjs that works on this machine: tfjs-node (native TensorFlow), else the
 * wasm backend, else the plain JS cpu backend. `prefer` forces one, e.g. 'cpu' for Conv2D
 * training, which wasm cannot do (it has no Conv2D backprop kernels).
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

async function tryNode(): Promise<boolean> {
  try {
    // Optional dependency: absent where libtensorflow could not be downloaded at install time.
    await import('@tensorflow/tfjs-node' as string);
    return tf.findBackend('tensorflow') != null && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    // setBackend resolves false (and getBackend may still say 'wasm') when wasm fails to load.
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

export async function useFastestBackend(prefer?: BackendName): Promise<BackendName> {
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    const ok = name === 'tensorflow' ? await tryNode() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      return name;
    }
  }
  throw new Error(`tfjs backend '${prefer}' could not be loaded on this machine`);
}

export { tf };
