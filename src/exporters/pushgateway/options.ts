import { z } from 'zod';
import type { Logger } from '../../core/logger.js';

/** What is wrong with a grouping label's name, or null: zod's own record-key error does not say. */
function labelNameProblem(name: string): string | null {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) return 'expected a Prometheus label name (letters, digits and _, not starting with a digit)';
  if (name === 'job' || name.startsWith('__')) return 'job and names starting with __ are reserved: the job is `job`';
  return null;
}

/** Pushgateway takes a `/` in a job or label value only base64-encoded, which prom-client does not do. */
const pathValue = (what: string) =>
  z
    .string()
    .min(1)
    .refine((v) => !v.includes('/'), `a ${what} cannot contain '/' (the Pushgateway URL path would split it)`);

export const pushgatewayOptions = z
  .object({
    /** The Pushgateway, e.g. `http://pushgateway:9091`. */
    url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a Pushgateway, e.g. http://localhost:9091' }),
    /** The `job` label of everything pushed. */
    job: pathValue('job name'),
    /** More labels of the group, e.g. `{ model: 'mnist', instance: 'trainer-1' }`. Default: none. */
    groupingKey: z
      .record(z.string(), pathValue('grouping key value'))
      .superRefine((key, ctx) => {
        for (const name of Object.keys(key)) {
          const problem = labelNameProblem(name);
          if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        }
      })
      .default({}),
    /** Push every this many epochs, besides at the end of training; 0: only at the end. Default 1. */
    everyEpochs: z.number().int().nonnegative().default(1),
    /** Give up a push after this long: training never waits longer on the gateway. Default 5000. */
    timeoutMs: z.number().int().positive().default(5000),
    /** Where a failed push is logged (warn). Default: the monitor's logger, or JSON lines on stderr. */
    logger: z
      .custom<Logger>((v) => typeof (v as { warn?: unknown } | null)?.warn === 'function', { message: 'expected a pino logger' })
      .optional(),
  })
  .strict();
export type PushgatewayOptions = z.input<typeof pushgatewayOptions>;
export type ResolvedPushgatewayOptions = z.output<typeof pushgatewayOptions>;
