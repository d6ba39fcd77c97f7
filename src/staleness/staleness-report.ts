import { formatDuration } from './duration.js';
import type { StoreProblemFinding } from './event-problems.js';
import type { Pipeline } from './pipeline.js';
import type { StageEvent } from './store.js';

export interface StageAt {
  stage: string;
  at: string;
  ageMs: number;
}

/** How far one model version got, and how long ago its last stage completed. */
export interface VersionProgress {
  version: string;
  lastStage: string;
  lastStageAt: string;
  ageMs: number;
  stages: StageAt[];
}

/** Per stage, the latest success of any version of the model. */
export interface StageStatus {
  stage: string;
  lastSuccess: string | null;
  version: string | null;
  ageMs: number | null;
  sloMs: number | null;
  stalled: boolean;
}

/** A stage whose SLO is exceeded while the stage before it has completed something newer. */
export interface StalledStageFinding {
  kind: 'stage-stalled';
  model: string;
  /** The version waiting at this stage. */
  version: string;
  stage: string;
  /** Time since the work for this stage arrived (the previous stage's success), or since its own last success for the first stage. */
  ageMs: number;
  sloMs: number;
  waitingSince: string;
  message: string;
}

export interface StalenessReport {
  model: string;
  now: string;
  stages: readonly string[];
  /** The version with the latest `deploy`, its age in production, and its age at each stage. */
  production: (VersionProgress & { deployedAt: string; deployedAgeMs: number; modelAgeMs: number }) | null;
  /** Versions newer than production that are not deployed yet. */
  inFlight: VersionProgress[];
  perStage: StageStatus[];
  stalled: StalledStageFinding[];
  /** No events for the model, or stored events that could not be read and were skipped. */
  problems: StoreProblemFinding[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function progress(version: string, events: StageEvent[], pipeline: Pipeline, now: number): VersionProgress {
  const ordered = [...events].sort((a, b) => pipeline.indexOf(a.stage) - pipeline.indexOf(b.stage) || a.at - b.at);
  const last = ordered.at(-1)!;
  return {
    version,
    lastStage: last.stage,
    lastStageAt: iso(last.at),
    ageMs: now - last.at,
    stages: ordered.map((e) => ({ stage: e.stage, at: iso(e.at), ageMs: now - e.at })),
  };
}

/**
 * The staleness of a model from its stage events. A stage is stalled when it has an SLO and a
 * version finished the previous stage, and nothing since, longer ago than the SLO; the first
 * stage is stalled when its own last success is older than its SLO.
 */
export function computeStaleness(
  model: string,
  events: StageEvent[],
  pipeline: Pipeline,
  now: number,
  sloMs: Record<string, number>,
  problems: StoreProblemFinding[] = [],
): StalenessReport {
  const known = events.filter((e) => pipeline.stages.includes(e.stage));
  const byVersion = new Map<string, StageEvent[]>();
  for (const e of known) byVersion.set(e.version, [...(byVersion.get(e.version) ?? []), e]);
  const firstAt = (v: string) => Math.min(...byVersion.get(v)!.map((e) => e.at));

  const deploys = known.filter((e) => e.stage === 'deploy').sort((a, b) => a.at - b.at);
  const deployed = deploys.at(-1);
  let production: StalenessReport['production'] = null;
  if (deployed) {
    const p = progress(deployed.version, byVersion.get(deployed.version)!, pipeline, now);
    production = { ...p, deployedAt: iso(deployed.at), deployedAgeMs: now - deployed.at, modelAgeMs: now - firstAt(deployed.version) };
  }
  const deployedVersions = new Set(deploys.map((e) => e.version));
  const inFlight = [...byVersion.keys()]
    .filter((v) => !deployedVersions.has(v) && (!production || firstAt(v) > firstAt(production.version)))
    .map((v) => progress(v, byVersion.get(v)!, pipeline, now))
    .sort((a, b) => b.ageMs - a.ageMs);

  const latest = pipeline.stages.map((stage) => known.filter((e) => e.stage === stage).sort((a, b) => a.at - b.at).at(-1));
  /**
   * The versions waiting at stage i, with the time the work arrived: each has completed stage
   * i − 1 and, since then, nothing at stage i or later (a version that went on is not waiting).
   */
  const waitingAt = (i: number) =>
    [...byVersion.values()].flatMap((versionEvents) => {
      const prev = versionEvents.filter((e) => e.stage === pipeline.stages[i - 1]).sort((a, b) => b.at - a.at)[0];
      if (!prev) return [];
      const wentOn = versionEvents.some((e) => pipeline.indexOf(e.stage) >= i && e.at >= prev.at);
      return wentOn ? [] : [prev];
    });
  const stalled: StalledStageFinding[] = [];
  const perStage = pipeline.stages.map((stage, i) => {
    const own = latest[i];
    const slo = sloMs[stage] ?? null;
    // The first stage has no upstream: it is judged by its own last success. The others by the
    // version that has waited longest for them.
    const waiting = i === 0 ? own : waitingAt(i).sort((a, b) => a.at - b.at)[0];
    const isStalled = slo !== null && waiting !== undefined && now - waiting.at > slo;
    if (isStalled) {
      const age = now - waiting.at;
      stalled.push({
        kind: 'stage-stalled',
        model,
        version: waiting.version,
        stage,
        ageMs: age,
        sloMs: slo,
        waitingSince: iso(waiting.at),
        message:
          i === 0
            ? `${model}: stage ${stage} last succeeded ${formatDuration(age)} ago, past its SLO of ${formatDuration(slo)}`
            : `${model}: version ${waiting.version} finished ${pipeline.stages[i - 1]} ${formatDuration(age)} ago and has not ` +
              `completed ${stage}, past its SLO of ${formatDuration(slo)}`,
      });
    }
    return {
      stage,
      lastSuccess: own ? iso(own.at) : null,
      version: own?.version ?? null,
      ageMs: own ? now - own.at : null,
      sloMs: slo,
      stalled: isStalled,
    };
  });
  return { model, now: iso(now), stages: pipeline.stages, production, inFlight, perStage, stalled, problems };
}
