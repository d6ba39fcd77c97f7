import { defaultLogger, type Logger } from '../../core/logger.js';
import type { Finding, FindingKind } from '../../monitor/findings.js';
import type { MonitorReport } from '../../monitor/run-report.js';
import type { MonitorSink, StepRecord } from '../../monitor/sink.js';
import { parseOptions } from '../../options/validate.js';
import { fillRegistry, type PushedFigures } from './metrics.js';
import { pushgatewayOptions, type PushgatewayOptions, type ResolvedPushgatewayOptions } from './options.js';

type EpochRecord = Parameters<NonNullable<MonitorSink['epoch']>>[0];

/**
 * Pushes a training run's figures to a Prometheus Pushgateway, for batch jobs that end before any
 * scrape: every `everyEpochs` epochs and at the end. Each push is a POST (prom-client's `pushAdd`),
 * which replaces only the metrics it carries, so a failure leaves the last success's timestamp
 * standing, and the other way round. A push that fails or times out is logged (warn) with the URL
 * and training goes on; epoch pushes run beside training, and the end waits for them. Without
 * prom-client (an optional peer) that is said once, when the sink is made, and nothing is pushed.
 */
export class PushgatewaySink implements MonitorSink {
  readonly url: string;
  /** The `logger` option, else the monitor's (`useLogger`), else the default, made when first needed. */
  private logger: Logger | null;
  private figures = emptyFigures();
  private queue: Promise<void> = Promise.resolve();
  /** prom-client, an optional peer: loaded now, so that its absence is told before training, not after. */
  private readonly client: Promise<typeof import('prom-client') | null>;

  constructor(private readonly options: ResolvedPushgatewayOptions) {
    this.url = options.url;
    this.logger = options.logger ?? null;
    this.client = import('prom-client').then(
      (client) => client,
      (e: unknown) => {
        this.warn(
          { url: options.url, job: options.job, err: (e as Error)?.message ?? String(e) },
          `Pushgateway: nothing will be pushed to ${options.url}: the push needs the \`prom-client\` package: npm install prom-client@15. Training goes on.`,
        );
        return null;
      },
    );
  }

  /** Logs through `logger` from now on, unless the sink was given its own (the Node monitor passes its logger). */
  useLogger(logger: Logger): void {
    if (!this.options.logger) this.logger = logger;
  }

  private warn(fields: object, message: string): void {
    (this.logger ??= defaultLogger()).warn({ event: 'tfjs-monitor.pushgateway-failed', ...fields }, message);
  }

  step(r: StepRecord): void {
    this.figures.steps = r.at.step + 1;
    this.figures.peakTensors = Math.max(this.figures.peakTensors ?? 0, r.numTensors);
  }

  finding(f: Finding): void {
    this.figures.findings.set(f.kind, (this.figures.findings.get(f.kind) ?? 0) + 1);
  }

  epoch(r: EpochRecord): void {
    this.figures.epochs = r.epoch + 1;
    if (r.speed.examplesPerSecond !== null) this.figures.examplesPerSecond = r.speed.examplesPerSecond;
    const every = this.options.everyEpochs;
    if (every > 0 && (r.epoch + 1) % every === 0) this.enqueue({ ...this.figures, findings: new Map(this.figures.findings) });
  }

  /** The final push, from the report, after any epoch push still under way. */
  async end(report: MonitorReport, ending: { aborted: boolean } = { aborted: false }): Promise<void> {
    const findings = new Map<FindingKind, number>();
    for (const f of report.findings) findings.set(f.kind, (findings.get(f.kind) ?? 0) + 1);
    const failed = ending.aborted || report.status === 'failed' || report.status === 'stopped';
    this.enqueue({
      findings,
      epochs: report.epochs,
      steps: report.steps,
      examplesPerSecond: report.speed?.examplesPerSecond ?? this.figures.examplesPerSecond,
      peakTensors: report.speed?.memory.peakNumTensors ?? this.figures.peakTensors,
      outcome: failed ? 'failure' : 'success',
    });
    this.figures = emptyFigures(); // The next run starts from nothing.
    await this.queue;
  }

  private enqueue(figures: PushedFigures): void {
    this.queue = this.queue.then(() => this.push(figures));
  }

  /** One push, bounded by `timeoutMs`; never throws. */
  private async push(figures: PushedFigures): Promise<void> {
    const { url, job, groupingKey, timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const client = await this.client;
    if (!client) return; // Already told, once.
    try {
      const gateway = new client.Pushgateway(url, { timeout: timeoutMs }, fillRegistry(client, figures));
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([gateway.pushAdd({ jobName: job, groupings: groupingKey }), timedOut]);
    } catch (e) {
      const reason = (e as Error)?.message ?? String(e);
      this.warn(
        { url, job, groupingKey, err: reason },
        `Pushgateway push to ${url} (job ${job}) failed: ${reason}. Training goes on; check the URL and that the gateway is up.`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function emptyFigures(): PushedFigures {
  return { findings: new Map(), epochs: 0, steps: 0, examplesPerSecond: null, peakTensors: null, outcome: null };
}

/** A sink for `sinks: [...]` that pushes to a Prometheus Pushgateway; see PushgatewaySink. */
export function pushgatewaySink(options: PushgatewayOptions): PushgatewaySink {
  return new PushgatewaySink(parseOptions(pushgatewayOptions, options, 'pushgatewaySink options'));
}
