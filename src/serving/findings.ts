import type { Logger } from '../core/logger.js';
import type { DependencyChange } from '../deps/diff.js';

/**
 * What every serving finding has. Serving findings follow the training findings' conventions
 * (a kind, a message, occurrences counted on the first, logged as `tfjs-monitor.finding`) but
 * are placed by call, not by epoch and batch, and only warn: a monitor never stops a server.
 */
export interface ServingFindingBase {
  kind: string;
  action: 'warn';
  message: string;
  /** The call (counted from 1) at which the problem was first seen (0: before any call), and the latest. */
  call: number;
  lastCall: number;
  occurrences: number;
}

/** A call returned NaN or ±Infinity in an output (found by the output check, which may sample calls). */
export interface NonFiniteOutputFinding extends ServingFindingBase {
  kind: 'non-finite-output';
  /** The output's index, or its name for a map of outputs. */
  output: string;
  size: number;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
}

/** Held memory kept growing over calls: tensors, tensor bytes at a steady count, or process RSS. */
export interface ServingLeakFinding extends ServingFindingBase {
  kind: 'tensor-leak' | 'memory-growth' | 'rss-growth';
  figure: 'numTensors' | 'numBytes' | 'rss';
  /** Net growth per call over the window, and the tolerance it exceeded. */
  perCall: number;
  tolerance: number;
  /** Samples in the window at which the figure rose, of `samples`. */
  rises: number;
  samples: number;
  from: number;
  to: number;
  /** Calls the window spans. */
  calls: number;
}

/** This run's dependencies differ from those of the baseline run (the version served before). */
export interface DependencyChangeFinding extends ServingFindingBase {
  kind: 'dependency-change';
  changes: DependencyChange[];
  backendChanged: boolean;
}

export type ServingFinding = NonFiniteOutputFinding | ServingLeakFinding | DependencyChangeFinding;

/** The findings of one served model, deduplicated by key; each new one is logged once. */
export class ServingFindings {
  private readonly list: ServingFinding[] = [];
  private readonly byKey = new Map<string, ServingFinding>();

  constructor(
    private readonly logger: Logger,
    private readonly where: string,
  ) {}

  get all(): readonly ServingFinding[] {
    return this.list;
  }

  /** Counts a problem already reported under `key`; later occurrences are not new findings. */
  seenAgain(key: string, call: number): boolean {
    const existing = this.byKey.get(key);
    if (!existing) return false;
    existing.occurrences++;
    existing.lastCall = call;
    return true;
  }

  add(key: string, finding: ServingFinding): void {
    this.byKey.set(key, finding);
    this.list.push(finding);
    this.logger.warn({ event: 'tfjs-monitor.finding', finding }, `${finding.kind} ${finding.call === 0 ? 'at start' : `at call ${finding.call}`} of ${this.where}: ${finding.message}`);
  }
}
