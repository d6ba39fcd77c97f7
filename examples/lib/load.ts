/**
 * A bounded load generator for the serving example: at most `requests` requests and `deadlineMs`
 * of time, `concurrency` at once, to a loopback URL only. Each request carries one real MNIST
 * digit; every `badEvery`-th one of each version carries a malformed image (100 values), which the model refuses.
 */
export interface LoadOptions {
  url: string;
  versions: string[];
  requests: number;
  concurrency: number;
  deadlineMs: number;
  images: number[][];
  badEvery?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests answered 200 whose digit matched the label, where `labels` were given. */
  correct: number;
  elapsedMs: number;
}

export async function generateLoad(options: LoadOptions, labels?: number[]): Promise<LoadResult> {
  const host = new URL(options.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`the load generator only drives loopback servers, not ${host}`);
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, correct: 0, elapsedMs: 0 };
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.requests && performance.now() - start < options.deadlineMs) {
      const i = next++;
      const version = options.versions[i % options.versions.length]!;
      // Every version gets its share of malformed requests: the badEvery-th of its own.
      const bad = options.badEvery !== undefined && Math.floor(i / options.versions.length) % options.badEvery === options.badEvery - 1;
      const image = bad ? new Array(100).fill(0) : options.images[i % options.images.length]!;
      result.sent++;
      const res = await fetch(`${options.url}/predict?version=${encodeURIComponent(version)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ images: [image] }),
      });
      const json = (await res.json()) as { digits?: number[] };
      if (res.ok) {
        result.ok++;
        if (labels && json.digits?.[0] === labels[i % options.images.length]) result.correct++;
      } else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.elapsedMs = performance.now() - start;
  return result;
}
