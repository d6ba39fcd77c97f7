/**
 * The same MLP with a learning rate that blows up. The monitor fails the job at the first
 * NaN/Infinity, and this script exits non-zero with one line saying where it appeared.
 *   npm run example:diverging
 */
import { pino } from 'pino';
import { TrainingInstabilityError, TrainingMonitor, type NonFiniteFinding } from 'tfjs-monitor';
import { useFastestBackend } from './lib/backend.js';
import { loadMnist } from './lib/mnist.js';
import { buildMlp } from './lib/models.js';
import { runExample } from './lib/run.js';

runExample(async () => {
  console.log(`backend: ${await useFastestBackend()}`);
  const { xs, ys } = loadMnist(2000);
  // A regression head has an unbounded loss; at lr 50 the updates overshoot until they overflow.
  const model = buildMlp({ lr: 50, head: 'regression' });
  const monitor = new TrainingMonitor({ logger: pino({ level: 'silent' }) });
  try {
    await model.fit(xs, ys, { epochs: 5, batchSize: 32, shuffle: false, verbose: 0, callbacks: [monitor] });
  } catch (error) {
    if (!(error instanceof TrainingInstabilityError)) throw error;
    const first = error.findings.find((f): f is NonFiniteFinding => f.kind === 'non-finite')!;
    const at = `first NaN/Infinity at epoch ${first.epoch}, batch ${first.batch} (step ${first.step})`;
    const weight = first.affected.find((a) => a.layer);
    if (first.layer) {
      console.error(`${at}: layer ${first.layer}, weight ${first.weight} (${first.nanCount} NaN, ${first.infCount} Inf of ${first.size})`);
    } else if (weight) {
      console.error(`${at}: the ${first.weight}, and layer ${weight.layer}, weight ${weight.weight} (${weight.nanCount} NaN, ${weight.infCount} Inf of ${weight.size})`);
    } else {
      const big = first.largestWeight!;
      console.error(`${at}: the ${first.weight} became ${first.nanCount ? 'NaN' : 'Infinite'} while every weight was finite; largest: layer ${big.layer}, weight ${big.weight} (max |w| ${big.maxAbs.toExponential(2)})`);
    }
    return 1;
  }
  console.log('training finished without a NaN or Infinity');
  return 0;
});
