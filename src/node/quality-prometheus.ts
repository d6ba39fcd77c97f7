import type { MetricsRegistry } from '../common/metrics-registry.js';
import type { FeatureDrift, QualityReport } from '../quality/report-types.js';
import { loadPromClient } from '../storage/prom-client.js';

export const INPUT_DRIFT_METRIC = 'tfjs_monitor_input_drift';
export const OUTPUT_DRIFT_METRIC = 'tfjs_monitor_output_drift';
export const SERVED_QUALITY_METRIC = 'tfjs_monitor_served_quality';

/**
 * A prom-client registry with the report's latest figures: per feature the latest measured drift
 * statistic, its threshold and whether it is a finding; the same for each model version's
 * outputs; and each version's latest served quality with its labelled count, and the validation
 * value. Gauges carry a `model` label (the profile's name).
 */
export async function qualityRegistry(report: QualityReport): Promise<MetricsRegistry> {
  const client = await loadPromClient();
  const registry = new client.Registry();
  const model = report.reference.model ?? '';
  const gauge = (name: string, help: string, labelNames: string[]) => new client.Gauge({ name, help, labelNames, registers: [registry] });
  /** value, threshold and finding (0/1) gauges for one kind of drift, keyed by feature or version. */
  const driftGauges = (name: string, what: string, key: 'feature' | 'version', rows: Map<string, FeatureDrift>) => {
    const labels = ['model', key, 'statistic'];
    const value = gauge(name, `Latest drift statistic of ${what} (Jensen-Shannon for numbers, L-infinity for categories).`, labels);
    const threshold = gauge(`${name}_threshold`, `Threshold of the drift statistic of ${what}.`, labels);
    const finding = gauge(`${name}_finding`, `1 when the latest drift of ${what} is a finding (over its threshold, and beyond noise), else 0.`, labels);
    for (const [k, f] of rows) {
      const l = { model, [key]: k, statistic: f.statistic };
      value.set(l, f.value!);
      threshold.set(l, f.threshold);
      finding.set(l, f.status === 'drift' ? 1 : 0);
    }
  };
  const byFeature = new Map<string, FeatureDrift>();
  for (const w of report.inputDrift) for (const f of w.features) if (f.value !== null) byFeature.set(f.feature, f); // the latest measured window
  driftGauges(INPUT_DRIFT_METRIC, 'each served feature against the training profile', 'feature', byFeature);
  const byVersion = new Map<string, FeatureDrift>();
  for (const o of report.outputDrift) if (o.output.value !== null) byVersion.set(o.version, o.output);
  driftGauges(OUTPUT_DRIFT_METRIC, "each model version's outputs against the validation set", 'version', byVersion);

  const quality = gauge(SERVED_QUALITY_METRIC, 'Latest served quality of each model version on labelled predictions (accuracy, logLoss, mae, rmse).', ['model', 'version', 'metric']);
  const labelled = gauge(`${SERVED_QUALITY_METRIC}_labelled_examples`, 'Labelled predictions behind the latest served quality of each version.', ['model', 'version']);
  const regression = gauge(`${SERVED_QUALITY_METRIC}_regression`, '1 when the latest served quality is a regression beyond noise and tolerance, else 0.', ['model', 'version', 'metric']);
  const reference = gauge('tfjs_monitor_reference_quality', 'Quality of the model on the validation set of its reference profile.', ['model', 'metric']);
  for (const [metric, value] of Object.entries(report.reference.metrics)) if (Number.isFinite(value)) reference.set({ model, metric }, value);
  const lastLabelled = new Map<string, QualityReport['quality'][number]>();
  for (const q of report.quality) if (q.labelled > 0) lastLabelled.set(q.version, q);
  for (const [version, q] of lastLabelled) {
    labelled.set({ model, version }, q.labelled);
    for (const m of q.metrics) {
      if (m.served === null) continue;
      quality.set({ model, version, metric: m.metric }, m.served);
      regression.set({ model, version, metric: m.metric }, m.status === 'regression' ? 1 : 0);
    }
  }
  return registry;
}
