import type { Pipeline } from './pipeline.js';
import type { StageEvent } from './store.js';
import { msProblem } from './time.js';

/**
 * The model's stored events, rather than its pipeline, are wrong: there are none for it (a typo'd
 * model name, the wrong store or stages), or one cannot be read and was skipped.
 */
export interface StoreProblemFinding {
  kind: 'no-events' | 'unreadable-event';
  model: string;
  /** The skipped event's version and stage, for 'unreadable-event'. */
  version?: string;
  stage?: string;
  message: string;
}

const MAX_LISTED = 10;

/** Edit distance, to list the models nearest a mistyped name first. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function unreadable(e: StageEvent): string | null {
  if (e.problem) return e.problem;
  if (typeof e.version !== 'string' || e.version === '') return 'it has no version';
  if (typeof e.stage !== 'string' || e.stage === '') return 'it has no stage';
  if (typeof e.at !== 'number') return `its time ${JSON.stringify(e.at)} is not a number`;
  const problem = msProblem(e.at);
  return problem ? `its time ${problem}` : null;
}

/**
 * Splits a model's stored events into those a report can use and findings for the rest. One bad
 * row (written by an older version or another program) must not take the report down.
 * `models`: every model in the store, used when this one has no events, to help with a typo.
 */
export function screenEvents(
  model: string,
  events: StageEvent[],
  pipeline: Pipeline,
  where: string,
  models: string[] = [],
): { usable: StageEvent[]; problems: StoreProblemFinding[] } {
  const usable: StageEvent[] = [];
  const problems: StoreProblemFinding[] = [];
  for (const e of events) {
    const why = unreadable(e);
    if (!why) {
      usable.push(e);
      continue;
    }
    problems.push({
      kind: 'unreadable-event',
      model,
      version: String(e.version),
      stage: String(e.stage),
      message: `${model}: skipped the stored event ${String(e.version)} ${String(e.stage)}: ${why}; fix or delete it in ${where}`,
    });
  }
  if (events.length === 0) {
    const nearest = [...models].sort((a, b) => distance(model, a) - distance(model, b) || a.localeCompare(b)).slice(0, MAX_LISTED);
    const listed =
      models.length > MAX_LISTED ? `the ${MAX_LISTED} nearest of the ${models.length} models in the store: ${nearest.join(', ')}` : `models in the store: ${nearest.join(', ')}`;
    problems.push({
      kind: 'no-events',
      model,
      message:
        `${model}: no stage events are recorded for model ${JSON.stringify(model)} in ${where}; check the model name ` +
        (models.length ? `(${listed})` : '(the store has no events yet)'),
    });
  } else if (usable.length > 0 && !usable.some((e) => pipeline.stages.includes(e.stage))) {
    const stages = [...new Set(usable.map((e) => e.stage))].join(', ');
    problems.push({
      kind: 'no-events',
      model,
      message:
        `${model}: no events of this pipeline's stages are recorded for model ${JSON.stringify(model)} in ${where} ` +
        `(its events are of: ${stages}); check --stages, or the stages given to the tracker`,
    });
  }
  return { usable, problems };
}
