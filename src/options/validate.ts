import { z } from 'zod';

/** One bad field, as data: where it is (zod's path, and the same as text) and what is wrong. */
export interface OptionProblem {
  path: (string | number)[];
  /** The path as text: `weightBounds[0].maxAbs`, or `(root)`. */
  field: string;
  message: string;
}

/** Options or input that do not fit the documented contract; the message names each bad field. */
export class InvalidOptionsError extends Error {
  override name = 'InvalidOptionsError';
  /** One entry per problem. */
  readonly problems: OptionProblem[];

  /** `problems` may name fields by their path text alone (`'sampleRate'`). */
  constructor(message: string, problems: readonly (OptionProblem | string)[]) {
    super(message);
    this.problems = problems.map((p) => (typeof p === 'string' ? { path: [p], field: p, message } : p));
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
 * What is wrong in one zod issue, and the value given when the parse kept it (`reportInput`). For
 * an unknown discriminator (a finding's `kind`) the input is the whole object, and the message
 * already lists what is allowed.
 */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) return `missing (expected ${issue.expected})`;
  const shown = 'input' in issue && issue.code !== 'custom' && !('discriminator' in issue);
  return `${issue.message}${shown ? `, got ${describe(issue.input)}` : ''}`;
}

/** One line for a zod issue: the field's path (`layers[0].last.maxAbs`) and what is wrong. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path) || '(root)'}: ${issueMessage(issue)}`;
}

/** The first `max` problems of a failed parse, one per field, for a one-line error message. */
export function formatIssues(error: z.ZodError, max = 5): string {
  const more = error.issues.length - max;
  return error.issues.slice(0, max).map(formatIssue).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/**
 * Parses `input` with `schema`, or throws InvalidOptionsError listing every bad field with what
 * is allowed and what was given. `what` names the thing being configured, e.g. 'TrainingMonitor options'.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): OptionProblem[] => {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
      const message = 'unknown option' + (allowed.length ? ` (allowed: ${allowed.join(', ')})` : '');
      return issue.keys.map((key) => ({ path: [...path, key], field: formatPath([...path, key]), message }));
    }
    return [{ path, field: formatPath(path) || '(root)', message: issueMessage(issue) }];
  });
  const lines = problems.map((p) => `${p.field}: ${p.message}`);
  throw new InvalidOptionsError(`Invalid ${what}:\n  - ${lines.join('\n  - ')}`, problems);
}
