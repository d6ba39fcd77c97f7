import { z } from 'zod';
import { QualityInputError } from './errors.js';
import { PROFILE_FORMAT, type ReferenceProfile } from './profile.js';

const count = z.number().int().nonnegative();
const sum = z.array(z.number());
const metrics = z.object({ n: count, correct: count, logLoss: sum, logLoss2: sum, absError: sum, sqError: sum, sqError2: sum });
const numeric = z.object({
  name: z.string(),
  kind: z.literal('numeric'),
  present: count,
  nan: count,
  invalid: count,
  sketch: z.array(z.tuple([z.number().int(), count])),
  histogram: z
    .object({ edges: z.array(z.number()), keys: z.array(z.number().int()), counts: z.array(count) })
    .refine((h) => h.edges.length === h.keys.length && h.counts.length === h.keys.length + 1, { message: 'needs one key per edge and one count more than edges' })
    .refine((h) => h.keys.every((k, i) => i === 0 || k > h.keys[i - 1]!), { message: 'keys must increase' }),
});
const categorical = z.object({
  name: z.string(),
  kind: z.literal('categorical'),
  present: count,
  invalid: count,
  overflow: z.boolean(),
  counts: z.array(z.tuple([z.string(), count])),
});
const feature = z.discriminatedUnion('kind', [numeric, categorical]);

const profile = z
  .object({
    format: z.literal(PROFILE_FORMAT),
    formatVersion: z.literal(1),
    model: z.string().nullable(),
    version: z.string().nullable(),
    task: z.enum(['classification', 'regression']),
    classes: z.array(z.string()).min(2).nullable(),
    bins: z.number().int().min(2),
    maxCategories: z.number().int().min(1),
    slices: z.array(z.string()),
    training: z.object({ examples: count, violations: count, features: z.array(feature) }),
    validation: z.object({
      examples: count,
      output: feature,
      metrics,
      slices: z.array(z.object({ feature: z.string(), overflow: z.boolean(), values: z.array(z.object({ value: z.string(), metrics })) })),
    }),
  })
  .refine((p) => (p.task === 'classification') === (p.classes !== null), { message: 'classification needs classes, regression has none', path: ['classes'] })
  .refine((p) => p.validation.output.kind === (p.task === 'classification' ? 'categorical' : 'numeric'), {
    message: 'the output distribution must be class shares for classification and a score histogram for regression',
    path: ['validation', 'output', 'kind'],
  });

/** Reads a profile's JSON, or says which field (by path) is wrong and where it came from. */
export function parseProfile(json: unknown, where: string): ReferenceProfile {
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format !== PROFILE_FORMAT) {
    throw new QualityInputError(`${where} is not a reference profile (its "format" is ${JSON.stringify((json as { format?: unknown }).format)}, not "${PROFILE_FORMAT}"); make one with ProfileBuilder and saveProfile`);
  }
  const parsed = profile.safeParse(json);
  if (parsed.success) return parsed.data as ReferenceProfile;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)'}: ${i.message}`);
  throw new QualityInputError(`${where} is not a valid reference profile:\n  - ${issues.join('\n  - ')}`);
}
