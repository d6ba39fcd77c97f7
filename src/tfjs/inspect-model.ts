import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assertLayersModel } from './model-guard.js';
import { inspectTensors, resolveStrategy, type InspectOptions } from '../inspect/inspect-tensor.js';
import { listWeights } from './model-weights.js';
import type { TensorHealth } from '../inspect/tensor-health.js';

export interface WeightHealth extends TensorHealth {
  layer: string;
  weight: string;
  trainable: boolean;
}

/** The health of every weight of a model, trainable or not, in layer order. */
export async function inspectModel(model: LayersModel, options: InspectOptions = {}): Promise<WeightHealth[]> {
  assertLayersModel(model, 'inspectModel');
  const weights = listWeights(model);
  const healths = await inspectTensors(
    weights.map((w) => w.read()),
    resolveStrategy(options.strategy),
  );
  return weights.map((w, i) => ({ layer: w.layer, weight: w.weight, trainable: w.trainable, ...healths[i]! }));
}
