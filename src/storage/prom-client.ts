import { missingPeer } from './errors.js';
// Its own module: the return type names prom-client, which the public type declarations must not.
/** prom-client, the optional peer of every Prometheus export, loaded on first use; a clear error when it is not installed. */
export async function loadPromClient(what = 'the Prometheus export'): Promise<typeof import('prom-client')> {
  try {
    return await import('prom-client');
  } catch (e) {
    throw missingPeer('prom-client', '15', what, e);
  }
}
