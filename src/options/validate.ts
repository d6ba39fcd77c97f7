import { z } from 'zod';

/** Options or input that do not fit the documented contract; the message names each bad field. */
export class InvalidOptionsError extends Error {
  override name = 'InvalidOptionsError';
  constructor(
    message: string,
    /** One line per problem, each starting with the field's path. */
    readonly problems: string[],
  ) {
    super(message);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return (value as object).constructor?.name ?? typeof value;
}

/** The object schema found at `path`, looking through optional, default and array wrappers. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | null {
  let current: z.ZodType | undefined = schema;
  let i = 0;
  while (current) {
    const def: { type: string; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType } = (
      current as unknown as { def: { type: string } }
    ).def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'pipe') {
      current = def.innerType ?? def.in;
    } else if (def.type === 'array' && typeof path[i] === 'number') {
      current = def.element;
      i++;
    } else if (def.type === 'object') {
      if (i === path.length) return current as z.ZodObject;
      current = (current as z.ZodObject).shape[path[i++] as string];
    } else {
      return null;
    }
  }
  return null;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/**
 * Parses `input` with `schema`, or throws InvalidOptionsError listing every bad field with what
 * is allowed and what was given. `what` names the thing being configured, e.g. 'TrainingMonitor options'.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = formatPath(issue.path) || '(root)';
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
      const prefix = issue.path.length ? `${field}.` : '';
      return `${issue.keys.map((k) => prefix + k).join(', ')}: unknown option` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : '');
    }
    const got = 'input' in issue && issue.code !== 'custom' ? `, got ${describe(issue.input)}` : '';
    return `${field}: ${issue.message}${got}`;
  });
  throw new InvalidOptionsError(`Invalid ${what}:\n  - ${problems.join("\n  - ")}`, problems);
}
