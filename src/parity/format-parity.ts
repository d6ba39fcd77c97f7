import { formatTable } from '../common/text-table.js';
import { cutText, type Cut } from './cut.js';
import type { FeatureValue } from './feature-set.js';
import type { ParityReport } from './parity-report.js';

/** A value on one line: NaN and ±Infinity by name (JSON would print null), cut values marked. */
function show(v: FeatureValue | null, cut: Cut | undefined): string {
  if (v === null) return 'missing';
  const text = Array.isArray(v) ? `[${v.map(String).join(',')}]` : typeof v === 'string' ? JSON.stringify(v) : String(v);
  if (!cut || typeof v === 'number' || typeof v === 'boolean') return text;
  const [unit, one] = typeof v === 'string' ? ['chars', 'char'] : ['elements', 'element'];
  const after = cut.from + v.length < cut.length ? '…' : '';
  return `${cut.from ? '…' : ''}${text}${after} (cut, ${cut.length} ${unit}${cut.from ? `, from ${one} ${cut.from}` : ''})`;
}

/** The parity report as text: the summary the ML Test Score asks for first, then the detail. */
export function formatParity(r: ParityReport): string {
  const lines: string[] = [];
  if (r.empty) {
    lines.push(`EMPTY: ${r.training.records === 0 ? `no usable record in ${r.training.path}` : ''}${r.training.records === 0 && r.serving.records === 0 ? '; ' : ''}${r.serving.records === 0 ? `no usable record in ${r.serving.path}` : ''}: nothing was compared (this is not "no skew")`);
  }
  lines.push(
    `features with skew: ${r.summary.skewedFeatures}` +
      (r.summary.skewedFeatures ? ` (${Object.entries(r.summary.examplesPerSkewedFeature).map(([f, n]) => `${f}: ${n} example(s)`).join(', ')})` : ''),
    `examples: ${r.training.records} training, ${r.serving.records} serving, ${r.ids.joined} joined by id; ` +
      `${r.ids.trainingOnly} only in training, ${r.ids.servingOnly} only in serving; duplicate ids: ${r.training.duplicateIds} training, ${r.serving.duplicateIds} serving`,
  );
  if (r.fingerprintMismatches.records) {
    lines.push(
      `FEATURE DEFINITION MISMATCH: ${r.fingerprintMismatches.records} served example(s) computed by a definition training did not use ` +
        `(serving ${r.fingerprintMismatches.servingFingerprints.join(', ')}; training ${r.fingerprintMismatches.trainingFingerprints.join(', ')})`,
    );
  }
  for (const s of [r.training, r.serving]) {
    if (s.malformed.count) {
      lines.push(`${s.path}: ${s.malformed.count} malformed line(s), e.g. ${s.malformed.lines.slice(0, 3).map((m) => `line ${m.line}: ${m.error}`).join('; ')}`);
    }
  }
  if (r.features.length) {
    lines.push(
      '',
      formatTable([
        ['feature', 'base', 'test', 'match', 'mismatch', 'base only', 'test only', 'skew'],
        ...r.features.map((f) => [f.feature, String(f.base), String(f.test), String(f.match), String(f.mismatch), String(f.baseOnly), String(f.testOnly), f.skewed ? 'SKEW' : '']),
      ]),
    );
  }
  for (const f of r.features.filter((x) => x.skewed)) {
    const examples = f.examples.map((e) => `id ${cutText(e.id)}: training ${show(e.training, e.cut?.training)}, serving ${show(e.serving, e.cut?.serving)}`);
    lines.push('', `${f.feature}: ${examples.join('; ')}`);
  }
  lines.push(
    '',
    `data invariants: ${(100 * r.training.violations.rate).toFixed(2)}% of training and ${(100 * r.serving.violations.rate).toFixed(2)}% of serving examples break the input schema`,
    ...r.invariants.map((i) => `INVARIANT ${i.message}`),
    '',
    r.ok ? 'parity: ok' : 'parity: FAILED',
  );
  return lines.join('\n');
}
