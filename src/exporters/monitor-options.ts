import { z } from 'zod';
import { defaultLogger } from '../core/logger.js';
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
 * Checked here, before training, with errors that name the field (`tensorBoard.logdir`).
 */
export function withExporters(options: NodeTrainingMonitorOptions): TrainingMonitorOptions {
  const { tensorBoard, pushgateway, ...core } = options ?? {};
  // A bad `sinks` is left for the core's check, which names it.
  if ((tensorBoard === undefined && pushgateway === undefined) || (core.sinks !== undefined && !Array.isArray(core.sinks))) return core;
  const parsed = parseOptions(exporterOptions, { tensorBoard, pushgateway }, 'TrainingMonitor options');
  // The sinks log through the monitor's logger: the same one, made once, for both.
  const logger = core.logger ?? defaultLogger();
  const sinks = [...(core.sinks ?? [])];
  if (parsed.tensorBoard) sinks.push(new TensorBoardSink(parsed.tensorBoard));
  if (parsed.pushgateway) sinks.push(new PushgatewaySink({ ...parsed.pushgateway, logger }));
  return { ...core, logger, sinks };
}
