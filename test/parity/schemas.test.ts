import { z as z3 } from 'zod3';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { FeatureInputError, defineFeatures } from '../../src/node/index.js';

const compute = (o: { price: number; qty: number }) => ({ total: o.price * o.qty });

describe('defineFeatures accepts any Standard Schema', () => {
  it('a zod 3 schema validates and names the broken fields, like a zod 4 one', () => {
    for (const input of [z3.object({ price: z3.number().nonnegative(), qty: z3.number().int() }), z.object({ price: z.number().nonnegative(), qty: z.number().int() })]) {
      const features = defineFeatures({ name: 'order', version: '1', input, compute });
      expect(features.compute({ price: 2, qty: 3 })).toEqual({ total: 6 });
      expect(features.violations({ price: -1, qty: 1.5 })).toEqual(['price', 'qty']);
      expect(() => features.compute({ price: 'x', qty: 1 })).toThrow(FeatureInputError);
      expect(features.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('a hand-written Standard Schema works too; the fingerprint follows the schema', () => {
    const positive = (min: number) => ({
      '~standard': {
        version: 1 as const,
        vendor: 'hand',
        min,
        types: undefined as unknown as { input: unknown; output: { price: number; qty: number } },
        validate: (v: unknown) => {
          const o = v as { price?: unknown; qty?: unknown };
          const issues = (['price', 'qty'] as const).filter((k) => typeof o?.[k] !== 'number' || (o[k] as number) < min).map((k) => ({ message: 'bad', path: [{ key: k }] }));
          return issues.length ? { issues } : { value: o as { price: number; qty: number } };
        },
      },
    });
    const a = defineFeatures({ name: 'order', version: '1', input: positive(0), compute });
    expect(a.compute({ price: 1, qty: 2 })).toEqual({ total: 2 });
    expect(a.violations({ price: -1, qty: 2 })).toEqual(['price']);
    expect(defineFeatures({ name: 'order', version: '1', input: positive(0), compute }).fingerprint).toBe(a.fingerprint);
  });

  it('refuses what is not a synchronous Standard Schema, saying what to pass', () => {
    const old = { _def: { typeName: 'ZodObject' }, parse() {} };
    expect(() => defineFeatures({ name: 'order', version: '1', input: old as never, compute })).toThrow(/zod schema older than 3\.24; upgrade zod/);
    expect(() => defineFeatures({ name: 'order', version: '1', input: 42 as never, compute })).toThrow(/input must be a Standard Schema .* got number/);
    const async = z.object({ price: z.number(), qty: z.number() }).refine(async () => true);
    const features = defineFeatures({ name: 'order', version: '1', input: async, compute });
    expect(() => features.compute({ price: 1, qty: 1 })).toThrow(/validates asynchronously/);
  });
});
