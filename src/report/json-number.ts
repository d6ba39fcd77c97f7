import { z } from 'zod';

/**
 * A number as `parity --json` and `quality --json` write it: itself, or NaN and ±Infinity tagged
 * `{"$num": "NaN"}` (JSON has none; see parity's log-record.ts).
 */
export const jsonNumber = z.union([
  z.number(),
  z
    .strictObject({ $num: z.enum(['NaN', 'Infinity', '-Infinity']) })
    .transform((t) => Number(t.$num)),
]);
