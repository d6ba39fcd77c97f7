import { z } from 'zod';

/** A data source a run declares it read: a name and the snapshot or version of it. */
export const dataSource = z.object({ name: z.string().min(1), version: z.string().min(1) }).strict();
export type DataSource = z.infer<typeof dataSource>;

const flagValue = z.union([z.boolean(), z.number(), z.string()]);

/**
 * What a run depended on, as found while it ran: the tfjs packages actually loaded (not the
 * ranges in package.json), the backend in use and its capability flags, the JS runtime, a hash
 * of the lockfile (Node), and the data sources the run declares.
 */
export const dependencySet = z
  .object({
    /** Package name → version; several loaded copies of one package show as `4.21.0 + 4.22.0`. */
    packages: z.record(z.string(), z.string()),
    backend: z.object({ name: z.string(), flags: z.record(z.string(), flagValue) }).strict(),
    /** `node` and its version, or `browser` and the user agent; null where neither is known. */
    runtime: z.object({ name: z.string(), version: z.string() }).strict().nullable(),
    /** The lockfile found above the working directory (Node only) and the SHA-256 of its bytes. */
    lockfile: z.object({ file: z.string(), sha256: z.string() }).strict().nullable(),
    dataSources: z.array(dataSource),
  })
  .strict();
export type DependencySet = z.infer<typeof dependencySet>;
