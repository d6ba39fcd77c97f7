import { formatTable } from '../common/text-table.js';
import { formatDuration } from '../staleness/duration.js';
import { printable as p } from '../staleness/printable.js';
import type { SnapshotConsumer } from '../staleness/snapshot-consumers.js';
import type { StalenessReport } from '../staleness/staleness-report.js';

const LABEL = { 'no-events': 'NO EVENTS', 'unreadable-event': 'UNREADABLE' } as const;

/**
 * A staleness report as text. Names come from the store and may hold anything an older version
 * or another program wrote: each is escaped (`\n`), so that one value stays on one line.
 */
export function formatReport(r: StalenessReport): string {
  const lines = [`model ${p(r.model)}, now ${r.now}`];
  const problems = r.problems.map((x) => `${LABEL[x.kind]} ${p(x.message)}`);
  // Nothing of this pipeline's stages to show: the table would only say "never".
  if (r.problems.some((x) => x.kind === 'no-events')) return [...lines, '', ...problems].join('\n');
  const prod = r.production;
  lines.push(
    prod
      ? `in production: ${p(prod.version)}, deployed ${formatDuration(prod.deployedAgeMs)} ago; model age ${formatDuration(prod.modelAgeMs)} (since its ${prod.stages[0]!.stage})`
      : 'in production: nothing deployed yet',
    '',
  );
  const stalled = new Map(r.stalled.map((s) => [s.stage, s]));
  const status = (stage: string, sloMs: number | null) => {
    const s = stalled.get(stage);
    if (s) return `STALLED: ${p(s.version)} waiting ${formatDuration(s.ageMs)}`;
    return sloMs === null ? '' : 'ok';
  };
  lines.push(
    formatTable([
      ['stage', 'last success', 'version', 'age', 'SLO', 'status'],
      ...r.perStage.map((s) => [
        s.stage,
        s.lastSuccess ?? 'never',
        s.version === null ? '-' : p(s.version),
        s.ageMs === null ? '-' : formatDuration(s.ageMs),
        s.sloMs === null ? '-' : formatDuration(s.sloMs),
        status(s.stage, s.sloMs),
      ]),
    ]),
  );
  if (prod) lines.push('', `production ${p(prod.version)} by stage: ${prod.stages.map((s) => `${s.stage} ${formatDuration(s.ageMs)} ago`).join(', ')}`);
  for (const v of r.inFlight) lines.push(`in flight: ${p(v.version)}, last stage ${v.lastStage} ${formatDuration(v.ageMs)} ago`);
  lines.push('', r.stalled.length ? r.stalled.map((s) => `STALLED ${p(s.message)}`).join('\n') : 'no stage stalled');
  if (problems.length) lines.push(...problems);
  return lines.join('\n');
}

export interface ConsumersQuestion {
  snapshot: string;
  /** The models asked about; empty for every model in the store. */
  models: readonly string[];
  where: string;
  /** The pipeline's first stage, which records the snapshot. */
  firstStage: string;
}

/** The answer of `stage consumers` as text: a table, or one line saying that no version consumed the snapshot. */
export function formatConsumers(found: readonly SnapshotConsumer[], q: ConsumersQuestion): string {
  const of = (n: number) =>
    q.models.length === 0
      ? `model version${n === 1 ? '' : 's'}`
      : `version${n === 1 ? '' : 's'} of model${q.models.length === 1 ? '' : 's'} ${q.models.map(p).join(', ')}`;
  const snapshot = `snapshot ${p(q.snapshot)} (in ${p(q.where)})`;
  if (found.length === 0) return `no ${of(1)} consumed ${snapshot}`;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `${found.length} ${of(found.length)} consumed ${snapshot}:`,
    '',
    formatTable([
      ['model', 'version', `${q.firstStage} at`, 'last stage', 'last stage at', 'deployed', 'in production'],
      ...found.map((c) => [p(c.model), p(c.version), c.at, c.lastStage, c.lastStageAt, yes(c.deployed), yes(c.inProduction)]),
    ]),
  ].join('\n');
}
