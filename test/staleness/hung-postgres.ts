import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of the test PostgreSQL (its Unix socket). While `hung`, it
 * passes each new session's startup message and everything the server says, and then drops what
 * the client sends: the server looks alive but never answers a query. With `silent` it accepts
 * connections and forwards nothing at all.
 */
export async function hangingProxy(socketPath: string, mode: { hung: boolean; silent?: boolean }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode.silent) return;
    const upstream = connect(socketPath);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.pipe(client);
    let startupSent = false;
    client.on('data', (chunk) => {
      if (!mode.hung || !startupSent) upstream.write(chunk);
      startupSent = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The Unix socket and database of a postgresql://…?host=/dir URL, as the proxy needs them. */
export function socketOf(url: string): { socketPath: string; database: string; user: string } | null {
  // postgresql://user@/db?host=/dir is not a WHATWG URL (no host): take it apart by hand.
  const m = url.match(/^postgres(?:ql)?:\/\/(?:([^:@/]*)(?::[^@/]*)?@)?[^/]*\/([^?]+)\?(.*)$/);
  const host = m ? new URLSearchParams(m[3]).get('host') : null;
  if (!m || !host?.startsWith('/')) return null;
  const port = new URLSearchParams(m[3]).get('port') ?? '5432';
  return { socketPath: `${host}/.s.PGSQL.${port}`, database: m[2]!, user: decodeURIComponent(m[1] ?? '') };
}
