import * as tf from '@tensorflow/tfjs-core';
import { defaultLogger, type Logger } from '../core/logger.js';
import type { DependencySet } from '../deps/dependency-set.js';
import { describeChanges, diffDependencies } from '../deps/diff.js';
import { UnsupportedModelError } from '../tfjs/model-guard.js';
import { ServingFindings, type ServingFinding } from './findings.js';
import { leakFindings } from './leak-findings.js';
import { servableKind, type GraphModelLike, type ServableModel } from './model-kind.js';
import { resolveServingOptions, type ResolvedServingOptions, type ServingOptions } from './options.js';
import { OutputCheck, type BadOutput } from './output-check.js';
import { ServingRecorder } from './recorder.js';
import { buildRun } from './build-run.js';
import type { ServingRun } from './run.js';
import { BROWSER_SERVING_PLATFORM, examplesIn, type Inputs, type Outputs, type ServingListener, type ServingPlatform } from './served-call.js';

export { BROWSER_SERVING_PLATFORM, type ServingListener, type ServingPlatform };

/**
 * A loaded model behind the serving monitor. Its predict / execute / executeAsync return what
 * the model returns and throw what it throws (the same error object, counted); the monitor
 * creates no tensor that outlives a call on cpu and wasm (elsewhere, one clone per checked output
 * until the check's read ends: `await settled()`).
 */
export class ServedModel<M extends ServableModel = ServableModel> {
  readonly kind: 'LayersModel' | 'GraphModel';
  readonly options: ResolvedServingOptions;
  readonly dependencies: DependencySet;
  protected readonly recorder: ServingRecorder;
  private readonly check: OutputCheck;
  private readonly log: ServingFindings;
  private readonly logger: Logger;
  private listeners: ServingListener[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly startedAt = new Date();
  private monitorFailed = false;

  constructor(
    readonly model: M,
    options: ServingOptions = {},
    platform: ServingPlatform = BROWSER_SERVING_PLATFORM,
  ) {
    this.kind = servableKind(model);
    this.options = resolveServingOptions(options);
    const o = this.options;
    this.logger = o.logger ?? defaultLogger();
    this.log = new ServingFindings(this.logger, `${o.model} ${o.modelVersion}`);
    this.recorder = new ServingRecorder(o, platform.processRss, platform.heapUsed);
    this.check = new OutputCheck(o.outputs);
    this.dependencies = platform.collectDependencies({ dataSources: o.dataSources, ...(o.tfjs ? { tfjs: o.tfjs } : {}) });
    if (o.baseline) this.compareDependencies(o.baseline.dependencies);
  }

  /** `model.predict(inputs, config)`, timed and checked. */
  predict(inputs: Inputs, config?: tf.ModelPredictConfig): Outputs {
    return this.callSync('predict', inputs, config);
  }

  /** `model.execute(inputs, outputs)`, timed and checked (a LayersModel needs the output names). */
  execute(inputs: Inputs, outputs?: string | string[]): tf.Tensor | tf.Tensor[] {
    return this.callSync('execute', inputs, outputs) as tf.Tensor | tf.Tensor[];
  }

  /** `model.executeAsync(inputs, outputs)` of a GraphModel (control flow, dynamic shapes), timed and checked. */
  executeAsync(inputs: Inputs, outputs?: string | string[]): Promise<tf.Tensor | tf.Tensor[]> {
    const graph = this.graphOnly('executeAsync');
    return this.callAsync(inputs, () => graph.executeAsync(inputs, outputs));
  }

  /** `model.predictAsync(inputs, config)` of a GraphModel, timed and checked. */
  predictAsync(inputs: Inputs, config?: tf.ModelPredictConfig): Promise<Outputs> {
    const graph = this.graphOnly('predictAsync');
    if (!graph.predictAsync) throw new UnsupportedModelError('monitorServing: this GraphModel has no predictAsync (tfjs-converter < 4.0); use executeAsync');
    return this.callAsync(inputs, () => graph.predictAsync!(inputs, config));
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.recorder.inFlight;
  }

  /** Running totals (calls, thrown, examples that returned, checked calls, non-finite ones), for exporters. */
  totals(): { calls: number; thrown: number; examples: number; checked: number; nonFinite: number } {
    const r = this.recorder;
    return { calls: r.calls, thrown: r.thrown, examples: r.examples, checked: r.checked, nonFinite: r.nonFinite };
  }

  get findings(): readonly ServingFinding[] {
    return this.log.all;
  }

  /** Adds a listener of calls and output checks; returns its removal. */
  listen(listener: ServingListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Resolves once every output check under way (device backends read them asynchronously) has ended. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The run so far, as saved and compared: counts, latency, throughput, errors, memory, findings, dependencies. */
  run(): ServingRun {
    this.recorder.sampleProcess();
    return buildRun({
      options: this.options,
      kind: this.kind,
      backend: tf.getBackend() ?? 'none',
      startedAt: this.startedAt,
      now: performance.now(),
      recorder: this.recorder,
      checkEvery: this.check.every,
      checkBudget: this.check.budget,
      findings: this.log.all,
      dependencies: this.dependencies,
    });
  }

  private graphOnly(method: string): GraphModelLike {
    if (this.kind !== 'GraphModel') {
      throw new UnsupportedModelError(`monitorServing: a LayersModel has no ${method}; call predict or execute (they are synchronous)`);
    }
    return this.model as GraphModelLike;
  }

  /**
   * A synchronous call by method name: no closure is allocated per call (this runs on every
   * request), and nothing of the monitor runs before the model does. The call is counted once it
   * has ended: nothing else ran meanwhile, so the in-flight figures come out the same.
   */
  private callSync(method: 'predict' | 'execute', inputs: Inputs, arg: unknown): Outputs {
    const model = this.model as unknown as Record<typeof method, (inputs: Inputs, arg: unknown) => Outputs>;
    const m0 = performance.now();
    let out: Outputs;
    try {
      out = model[method](inputs, arg);
    } catch (e) {
      this.finishSync(inputs, m0, performance.now(), null);
      throw e;
    }
    this.finishSync(inputs, m0, performance.now(), out);
    return out;
  }

  private finishSync(inputs: Inputs, m0: number, m1: number, out: Outputs | null): void {
    const examples = examplesIn(inputs);
    // No own time before the call: t0 is m0.
    this.finish(this.recorder.begin(m0, examples), m0, m0, m1, examples, out);
  }

  private async callAsync<T>(inputs: Inputs, call: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const examples = examplesIn(inputs);
    const n = this.recorder.begin(t0, examples);
    const m0 = performance.now();
    let out: T;
    try {
      out = await call();
    } catch (e) {
      this.finish(n, t0, m0, performance.now(), examples, null);
      throw e;
    }
    this.finish(n, t0, m0, performance.now(), examples, out);
    return out;
  }

  /** The monitor's work after a call; it never makes the call fail, whatever goes wrong in it. */
  private finish(call: number, t0: number, m0: number, m1: number, examples: number, out: unknown): void {
    try {
      const seconds = out === null ? null : (m1 - m0) / 1000;
      if (out !== null && this.check.due(m1 - m0)) {
        // The check's own window: a rare check spends nearly all of its call's extra time in it
        // (measured: 31 of 33 µs), and a window this short is seldom hit by preemption or a
        // collection, which would starve the checks of a budget they fit in.
        const c0 = performance.now();
        this.checkOutputs(call, out);
        this.check.spent(performance.now() - c0);
      }
      const trends = this.recorder.end(m1, seconds, examples);
      if (trends) for (const [key, finding] of leakFindings(trends, this.options, call)) this.addFinding(key, finding, call);
      if (this.listeners.length > 0) for (const l of this.listeners) l.call?.(seconds, examples);
      this.recorder.own.add((m0 - t0 + performance.now() - m1) / 1000);
    } catch (e) {
      this.failed(e);
    }
  }

  /** The monitor's own failure: logged once; the call's result or error is untouched. */
  private failed(e: unknown): void {
    if (this.monitorFailed) return;
    this.monitorFailed = true;
    this.logger.error({ event: 'tfjs-monitor.serving-monitor-error', error: String(e) }, `the serving monitor failed after a call (the call's result is untouched): ${String(e)}`);
  }

  private checkOutputs(call: number, out: unknown): void {
    const result = this.check.run(out);
    if (!(result instanceof Promise)) return this.checked(call, result);
    const p = result.then((bad) => this.checked(call, bad)).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private checked(call: number, bad: readonly BadOutput[]): void {
    this.recorder.checked++;
    if (bad.length > 0) this.recorder.nonFinite++;
    for (const l of this.listeners) l.outputCheck?.(bad.length > 0);
    for (const { output, range } of bad) {
      const counts = `${range.nanCount} NaN, ${range.posInfCount} +Infinity, ${range.negInfCount} -Infinity of ${range.size} values`;
      this.addFinding(
        `non-finite-output:${output}`,
        { kind: 'non-finite-output', action: 'warn', call, lastCall: call, occurrences: 1, output, size: range.size, nanCount: range.nanCount, posInfCount: range.posInfCount, negInfCount: range.negInfCount, message: `output ${output} holds ${counts}` },
        call,
      );
    }
  }

  private addFinding(key: string, finding: ServingFinding, call: number): void {
    if (!this.log.seenAgain(key, call)) this.log.add(key, finding);
  }

  private compareDependencies(baseline: DependencySet): void {
    const diff = diffDependencies(baseline, this.dependencies);
    if (diff.same) return;
    const message = `dependencies differ from the baseline run's: ${describeChanges(diff)}` + (diff.backendChanged ? ' (the backend changed: a latency change may come from it, not from the model)' : '');
    this.addFinding('dependency-change', { kind: 'dependency-change', action: 'warn', call: 0, lastCall: 0, occurrences: 1, changes: diff.changes, backendChanged: diff.backendChanged, message }, 0);
  }
}

/** Wraps a loaded LayersModel or GraphModel in the serving monitor (browser: memory from tf.memory() only). */
export function monitorServing<M extends ServableModel>(model: M, options: ServingOptions = {}): ServedModel<M> {
  return new ServedModel(model, options, BROWSER_SERVING_PLATFORM);
}
