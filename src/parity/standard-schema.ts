/**
 * The Standard Schema interface (standardschema.dev), which zod (3.24 and later, and 4), valibot
 * and arktype implement: `defineFeatures` accepts any of them, whatever zod version the project has.
 * The spec asks libraries to copy these few types rather than depend on a package.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };

interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

/** The fields a validation failed at, as dotted paths (`address.zip`, `items[2]`), or `(root)`. */
export function issueFields(issues: readonly StandardIssue[]): string[] {
  const paths = issues.map(
    (i) =>
      (i.path ?? [])
        .map((p) => (typeof p === 'object' ? p.key : p))
        .map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`))
        .join('') || '(root)',
  );
  return [...new Set(paths)];
}

/** Checks that `schema` is a synchronous Standard Schema, with an error saying what to pass instead. */
export function assertStandardSchema(schema: unknown, where: string): asserts schema is StandardSchemaV1 {
  const standard = (schema as { '~standard'?: { validate?: unknown; version?: unknown } } | null)?.['~standard'];
  if (standard && typeof standard.validate === 'function' && standard.version === 1) return;
  const zod3 = schema !== null && typeof schema === 'object' && '_def' in schema;
  throw new TypeError(
    `${where}: input must be a Standard Schema (zod 3.24 or later, zod 4, valibot 1, arktype 2…)` +
      (zod3 ? ': this looks like a zod schema older than 3.24; upgrade zod (`npm install zod@^3.25` or `zod@^4`)' : `, got ${schema === null ? 'null' : typeof schema}`),
  );
}

/** Validates synchronously: a feature function runs in the serving path, where nothing may wait. */
export function validateSync<S extends StandardSchemaV1>(schema: S, value: unknown, where: string): StandardResult<InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    throw new TypeError(`${where}: the input schema validates asynchronously (an async refinement?); feature functions need a synchronous schema`);
  }
  return result as StandardResult<InferOutput<S>>;
}
