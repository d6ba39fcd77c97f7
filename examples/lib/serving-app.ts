/**
 * The serving example's HTTP server: POST /predict?version=v1 with `{ "images": [[784 floats], …] }`
 * answers the digits; GET /metrics is the Prometheus export. Every model version is wrapped in
 * the serving monitor; all share one registry, told apart by their version labels.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { Registry } from 'prom-client';
import { instrumentServing, monitorServing, type NodeServedModel, type NodeServingOptions } from 'tfjs-monitor';

export interface ServingApp {
  url: string;
  served: Record<string, NodeServedModel>;
  registry: Registry;
  close(): Promise<void>;
}

export interface VersionSpec {
  version: string;
  model: tf.LayersModel;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

async function predict(served: NodeServedModel, text: string, res: ServerResponse): Promise<void> {
  let images: unknown;
  try {
    images = (JSON.parse(text) as { images?: unknown }).images;
  } catch {
    return send(res, 400, { error: 'the body is not JSON' });
  }
  if (!Array.isArray(images) || images.length === 0 || !images.every((i) => Array.isArray(i) && i.length === (images as unknown[][])[0]!.length)) {
    return send(res, 400, { error: 'images: expected a non-empty list of equally long number lists' });
  }
  // Wrong-length images reach the model on purpose: its shape check throws, and the monitor counts it.
  const x = tf.tensor2d(images as number[][]);
  try {
    const y = served.predict(x) as tf.Tensor;
    const digits = tf.tidy(() => y.argMax(-1));
    y.dispose();
    const values = Array.from(await digits.data());
    digits.dispose();
    send(res, 200, { version: served.options.modelVersion, digits: values });
  } catch (e) {
    send(res, 500, { error: (e as Error).message });
  } finally {
    x.dispose();
  }
}

/** Starts the server on loopback (port 0: any free port) with each version behind the serving monitor. */
export async function startServingApp(
  versions: VersionSpec[],
  options: { port?: number; monitor?: Omit<NodeServingOptions, 'modelVersion'> } = {},
): Promise<ServingApp> {
  const registry = new Registry();
  const served: Record<string, NodeServedModel> = {};
  for (const { version, model } of versions) served[version] = monitorServing(model, { model: 'mnist-mlp', ...options.monitor, modelVersion: version });
  await instrumentServing(Object.values(served), { registry });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/metrics') {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      }, (e: Error) => send(res, 500, { error: e.message }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/predict') {
      const version = url.searchParams.get('version') ?? versions[0]!.version;
      const target = served[version];
      if (!target) return send(res, 404, { error: `no model version ${version}` });
      body(req).then((text) => predict(target, text, res), (e: Error) => send(res, 400, { error: e.message }));
      return;
    }
    send(res, 404, { error: 'POST /predict?version=…, or GET /metrics' });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    registry,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Clients' keep-alive connections would hold the server open for seconds.
        server.closeAllConnections();
      }),
  };
}
