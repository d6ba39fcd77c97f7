import type { FindingAction } from './actions.js';
import { describePosition, type FindingBase, type TrainingPosition } from './findings.js';
import type { Logger } from './logger.js';

const LEVEL: Record<FindingAction, 'warn' | 'error'> = { warn: 'warn', stop: 'error', fail: 'error', 'rollback-and-stop': 'error' };

/**
 * The one place that decides what a finding does. It keeps the run's findings (first occurrence
 * first, later occurrences counted on the first), logs each, and asks the door to stop training
 * for 'stop', 'fail' and 'rollback-and-stop'. 'fail' findings are kept apart: they make the run fail.
 */
export class FindingLog<F extends FindingBase> {
  private readonly list: F[] = [];
  private readonly byKey = new Map<string, F>();
  private readonly failingList: F[] = [];
  private stopper: F | null = null;
  /** Set once training is over: findings can no longer stop anything. */
  ended = false;

  constructor(
    private readonly logger: Logger,
    private readonly requestStop: () => void,
    /** Told of every new finding (not of later occurrences), after it is logged. */
    private readonly onAdd: (finding: F) => void = () => {},
  ) {}

  get all(): readonly F[] {
    return this.list;
  }

  get failing(): readonly F[] {
    return this.failingList;
  }

  get stoppedBy(): F | null {
    return this.stopper;
  }

  /** Counts a problem already reported under `key`; later occurrences are not new findings. */
  seenAgain(key: string, at: TrainingPosition): boolean {
    const existing = this.byKey.get(key);
    if (!existing) return false;
    existing.occurrences++;
    existing.lastStep = at.step;
    return true;
  }

  add(key: string, finding: F): void {
    this.byKey.set(key, finding);
    this.list.push(finding);
    // Once training is over nothing can be stopped; 'fail' still makes the run fail.
    const stops = finding.action !== 'warn' && !this.ended;
    this.logger[LEVEL[finding.action]](
      { event: 'tfjs-monitor.finding', finding },
      `${finding.kind} at ${describePosition(finding)}: ${finding.message}` +
        (stops ? ` — stopping training (action '${finding.action}')` : ''),
    );
    if (finding.action === 'fail') this.failingList.push(finding);
    this.onAdd(finding);
    if (!stops) return;
    this.requestStop();
    this.stopper ??= finding;
  }

  /** 'failed', 'stopped', 'warned' or 'healthy', in that order of precedence. */
  status(): 'healthy' | 'warned' | 'stopped' | 'failed' {
    return this.failingList.length > 0 ? 'failed' : this.stopper ? 'stopped' : this.list.length > 0 ? 'warned' : 'healthy';
  }

  /** The failing findings first, then the rest: what TrainingInstabilityError carries. */
  failingFirst(): F[] {
    return [...this.failingList, ...this.list.filter((f) => !this.failingList.includes(f))];
  }
}
