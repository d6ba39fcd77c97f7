import type { z } from 'zod';

/** Every field path of `T` (`speed.memory.peakRss`), through arrays, unions and nulls. */
type Paths<T> = T extends readonly (infer E)[]
  ? Paths<E>
  : T extends object
    ? { [K in keyof T & string]-?: K | `${K}.${Paths<NonNullable<T[K]>>}` }[keyof T & string]
    : never;

type SamePaths<A, B> = [Paths<A>] extends [Paths<B>] ? ([Paths<B>] extends [Paths<A>] ? true : false) : false;

/**
 * True when schema `S` and type `T` agree: what `S` parses is a `T`, every `T` parses, and both
 * have the same fields (an optional field added to the type alone would otherwise pass, and be
 * dropped by the parse). Used as `Assert<Conforms<S, T>>` next to a schema, so tsc fails when a
 * type changes alone.
 */
export type Conforms<S extends z.ZodType, T> = [z.output<S>] extends [T]
  ? [T] extends [z.input<S>]
    ? SamePaths<z.output<S>, T>
    : false
  : false;

export type Assert<T extends true> = T;
