import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidOptionsError } from '../options/validate.js';
import type { FeatureLogRecord, FeatureLogWriter } from './feature-log.js';
import { assertStandardSchema, issueFields, validateSync, type InferOutput, type StandardSchemaV1 } from './standard-schema.js';

/** A feature value: a number, a string, a boolean, or a fixed-length numeric array. */
export type FeatureValue = number | string | boolean | number[];
export type Features = Record<string, FeatureValue>;

/** A raw example that breaks the feature set's input schema; `fields` names each broken field. */
export class FeatureInputError extends Error {
  override name = 'FeatureInputError';
  constructor(
    message: string,
    readonly fields: string[],
  ) {
    super(message);
  }
}

export interface FeatureDefinition<S extends StandardSchemaV1> {
  name: string;
  version: string;
  /**
   * The data contract of a raw example (ML Test Score Monitor 2: data invariants): any Standard
   * Schema, e.g. a zod (3.24 or later, or 4), valibot or arktype schema. It must validate synchronously.
   */
  input: S;
  /** Pure: the same raw example gives the same features, in training and in serving. */
  compute: (raw: InferOutput<S>) => Features;
}

/**
 * The schema for the fingerprint: zod 4's JSON Schema (or its type, for what JSON Schema cannot
 * express, e.g. transforms), as fingerprints always were; other schemas as their own JSON.
 */
function describeSchema(schema: StandardSchemaV1): unknown {
  const zod4 = (schema as { def?: { type?: unknown } }).def;
  if (zod4) {
    try {
      return z.toJSONSchema(schema as unknown as z.ZodType);
    } catch {
      return String(zod4.type);
    }
  }
  const seen = new WeakSet<object>();
  const text = JSON.stringify(schema, (key, v: unknown) => {
    if (typeof v === 'function' || key === '~standard') return undefined;
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return undefined;
      seen.add(v);
    }
    return v;
  });
  return `${schema['~standard'].vendor}:${text ?? ''}`;
}

/** Stable short id of 32 bits for deterministic sampling: both sides sample the same ids. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Whether `id` is in a deterministic sample of the given rate (0..1). */
export function sampled(id: string, rate: number): boolean {
  return rate >= 1 || idHash(id) / 2 ** 32 < rate;
}

/**
 * One feature function shared by training and serving. Its fingerprint hashes the name, the
 * version, the compute function's source and the input schema, so a serving process running a
 * different definition is told apart in the logs.
 */
export class FeatureSet<S extends StandardSchemaV1 = StandardSchemaV1> {
  readonly name: string;
  readonly version: string;
  readonly fingerprint: string;

  private servingLog: { writer: FeatureLogWriter; sampleRate: number } | null = null;

  constructor(private readonly definition: FeatureDefinition<S>) {
    assertStandardSchema(definition.input, `defineFeatures '${definition.name}'`);
    this.name = definition.name;
    this.version = definition.version;
    const schema = describeSchema(definition.input);
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify({ name: definition.name, version: definition.version, compute: definition.compute.toString(), schema }))
      .digest('hex')
      .slice(0, 16);
  }

  /** The raw example's schema violations: empty when it fits the data contract. */
  violations(raw: unknown): string[] {
    const result = validateSync(this.definition.input, raw, this.name);
    return result.issues ? issueFields(result.issues) : [];
  }

  /** The features of a raw example; throws FeatureInputError naming the fields that break the schema. */
  compute(raw: unknown): Features {
    const result = validateSync(this.definition.input, raw, this.name);
    if (result.issues) {
      const fields = issueFields(result.issues);
      throw new FeatureInputError(`${this.name}: the raw example breaks the input schema at ${fields.join(', ')}`, fields);
    }
    return this.definition.compute(result.value);
  }

  /**
   * Logs a deterministic sample of served examples to `writer`: the same ids that the training
   * side samples at the same rate, so the two logs can be joined.
   */
  logServing(writer: FeatureLogWriter, { sampleRate = 1 }: { sampleRate?: number } = {}): this {
    if (!(sampleRate > 0 && sampleRate <= 1)) throw new InvalidOptionsError(`sampleRate must be in (0, 1], got ${sampleRate}`, ['sampleRate']);
    this.servingLog = { writer, sampleRate };
    return this;
  }

  /**
   * The features of one served example, logged with its id, raw input and this definition's
   * fingerprint when the id is in the sample. A raw example that breaks the schema is logged
   * with its violations, then FeatureInputError is thrown so the caller can refuse it.
   */
  serve(raw: unknown, { id }: { id: string }): Features {
    const log = this.servingLog && sampled(id, this.servingLog.sampleRate) ? this.servingLog.writer : null;
    let features: Features;
    try {
      features = this.compute(raw);
    } catch (e) {
      if (e instanceof FeatureInputError) log?.append(this.record('serving', id, null, e.fields, raw));
      throw e;
    }
    log?.append(this.record('serving', id, features, [], raw));
    return features;
  }

  /**
   * Logs the training examples (or the deterministic sample of them at `sampleRate`) with their
   * features, or their schema violations. Returns how many were logged and how many broke the schema.
   */
  logTraining(
    examples: Iterable<{ id: string; raw: unknown }>,
    writer: FeatureLogWriter,
    { sampleRate = 1, withRaw = false }: { sampleRate?: number; withRaw?: boolean } = {},
  ): { logged: number; violations: number } {
    let logged = 0;
    let violations = 0;
    for (const { id, raw } of examples) {
      if (!sampled(id, sampleRate)) continue;
      const broken = this.violations(raw);
      const features = broken.length ? null : this.compute(raw);
      writer.append(this.record('training', id, features, broken, withRaw ? raw : undefined));
      logged++;
      if (broken.length) violations++;
    }
    return { logged, violations };
  }

  private record(side: FeatureLogRecord['side'], id: string, features: Features | null, violations: string[], raw: unknown): FeatureLogRecord {
    const r: FeatureLogRecord = { side, id, fp: this.fingerprint, ts: Date.now(), features, violations };
    if (raw !== undefined) r.raw = raw;
    return r;
  }

  /**
   * The numeric features of many raw examples as rows for a training tensor, in a fixed order
   * (`columns`): numbers and booleans give one column, arrays one per element.
   */
  toRows(raws: readonly unknown[]): { columns: string[]; rows: number[][] } {
    let columns: string[] | null = null;
    const rows = raws.map((raw) => {
      const features = this.compute(raw);
      const names = Object.keys(features).sort();
      const row: number[] = [];
      const cols: string[] = [];
      for (const name of names) {
        const v = features[name]!;
        if (typeof v === 'string') {
          throw new InvalidOptionsError(`${this.name}: feature ${name} is a string; encode it as numbers in compute to make a tensor`, [name]);
        }
        const values = Array.isArray(v) ? v : [typeof v === 'boolean' ? Number(v) : v];
        values.forEach((x, i) => {
          row.push(x);
          cols.push(Array.isArray(v) ? `${name}[${i}]` : name);
        });
      }
      if (columns && columns.join() !== cols.join()) {
        throw new InvalidOptionsError(`${this.name}: compute returned different features or array lengths for different examples`, []);
      }
      columns = cols;
      return row;
    });
    return { columns: columns ?? [], rows };
  }
}

/** Defines the one feature function used by training and serving. */
export function defineFeatures<S extends StandardSchemaV1>(definition: FeatureDefinition<S>): FeatureSet<S> {
  return new FeatureSet(definition);
}
