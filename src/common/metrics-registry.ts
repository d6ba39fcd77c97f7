/**
 * The part of a prom-client `Registry` that this package's public types promise: enough to serve
 * `/metrics`. The object is a real prom-client Registry (cast it if you need more); the public
 * types name none of prom-client's, so a project without that optional peer type-checks cleanly.
 */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}
