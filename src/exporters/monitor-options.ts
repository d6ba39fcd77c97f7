import { z } from 'zod';
import type { Logger } from '../core/logger.js';
import { pushgatewayOptions } from './pushgateway/options.js';
import { PushgatewaySink } from './pushgateway/sink.js';
import { TensorBoardSink, tensorBoardOptions } from './tensorboard/sink.js';
import type { TrainingMonitorOptions } from '../monitor/options.js';
import { parseOptions } from '../options/validate.js';

const exporterOptions = z.object({
  tensorBoard: tensorBoardOptions.optional(),
  pushgateway: pushgatewayOptions.omit({ logger: true }).optional(),
});

/** The Node monitor's options: the core's, and the exporters that write files or talk to the network. */
export type NodeTrainingMonitorOptions = TrainingMonitorOptions & z.input<typeof exporterOptions>;

/**
 * The core options with `tensorBoard` and `pushgateway` turned into sinks, appended to `sinks`.
 * Checked here, before training, with errors that name the field (`tensorBoard.logdir`). Once the
 * monitor is made, `useLogger` gives the Pushgateway sink the monitor's own logger (the one its
 * `logger` and `verbose` options chose), so that its warnings go where the monitor's do.
 */
export function withExporters(options: NodeTrainingMonitorOptions): { core: TrainingMonitorOptions; useLogger(logger: Logger): void } {
  const { tensorBoard, pushgateway, ...core } = options ?? {};
  const none = { core, useLogger: () => {} };
  // A bad `sinks` is left for the core's check, which names it.
  if ((tensorBoard === undefined && pushgateway === undefined) || (core.sinks !== undefined && !Array.isArray(core.sinks))) return none;
  const parsed = parseOptions(exporterOptions, { tensorBoard, pushgateway }, 'TrainingMonitor options');
  const sinks = [...(core.sinks ?? [])];
  if (parsed.tensorBoard) sinks.push(new TensorBoardSink(parsed.tensorBoard));
  const push = parsed.pushgateway ? new PushgatewaySink(parsed.pushgateway) : null;
  if (push) sinks.push(push);
  return { core: { ...core, sinks }, useLogger: (logger) => push?.useLogger(logger) };
}
