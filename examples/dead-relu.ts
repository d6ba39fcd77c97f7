/**
 * A layer driven dead: `hidden2` starts with a bias of -100, so its ReLUs output 0 for every
 * input and get no gradient. The dead-ReLU probe names that layer, and not the others.
 *   npm run example:dead-relu
 */
import { pino } from 'pino';
import { TrainingMonitor, formatReport } from 'tfjs-monitor';
import { useFastestBackend } from './lib/backend.js';
import { loadMnist } from './lib/mnist.js';
import { buildMlp } from './lib/models.js';
import { runExample } from './lib/run.js';

runExample(async () => {
  console.log(`backend: ${await useFastestBackend()}`);
  const { xs, ys } = loadMnist(2000);
  const probe = loadMnist(64, { offset: 5000 }).xs;
  const model = buildMlp({ hidden2Bias: -100 });
  const monitor = new TrainingMonitor({ deadRelu: { probe, every: 20 }, logger: pino({ level: 'silent' }) });

  await model.fit(xs, ys, { epochs: 2, batchSize: 32, verbose: 0, callbacks: [monitor] });
  console.log(formatReport(monitor.report()));
  const dead = monitor.findings.filter((f) => f.kind === 'dead-relu').map((f) => f.layer);
  console.log(`\ndead layers: ${dead.join(', ') || 'none'}`);
});
