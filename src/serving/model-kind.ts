import type * as tf from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { assertLayersModel, UnsupportedModelError } from '../tfjs/model-guard.js';

type Inputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
type Outputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;

/** A tf.GraphModel (tfjs-converter), by the methods serving uses; tfjs-monitor does not load tfjs-converter itself. */
export interface GraphModelLike {
  predict(inputs: Inputs, config?: tf.ModelPredictConfig): Outputs;
  predictAsync?(inputs: Inputs, config?: tf.ModelPredictConfig): Promise<Outputs>;
  execute(inputs: Inputs, outputs?: string | string[]): tf.Tensor | tf.Tensor[];
  executeAsync(inputs: Inputs, outputs?: string | string[]): Promise<tf.Tensor | tf.Tensor[]>;
  readonly inputs: unknown[];
  readonly outputs: unknown[];
}

export type ServableModel = LayersModel | GraphModelLike;

const isFn = (v: unknown) => typeof v === 'function';

function looksLikeGraphModel(m: unknown): m is GraphModelLike {
  const g = m as Record<string, unknown> | null;
  return (
    g != null &&
    typeof g === 'object' &&
    isFn(g['predict']) &&
    isFn(g['execute']) &&
    isFn(g['executeAsync']) &&
    Array.isArray(g['inputs']) &&
    Array.isArray(g['outputs'])
  );
}

/** 'LayersModel' or 'GraphModel'; anything else is refused with what to pass instead. */
export function servableKind(model: unknown): 'LayersModel' | 'GraphModel' {
  if (model instanceof LayersModel) return 'LayersModel';
  if (looksLikeGraphModel(model)) return 'GraphModel';
  const layersLike = model != null && Array.isArray((model as { layers?: unknown }).layers);
  // A LayersModel of another tfjs copy: the guard says how to dedupe them.
  if (layersLike) assertLayersModel(model, 'monitorServing');
  const got = model === null ? 'null' : typeof model === 'object' ? (model.constructor?.name ?? 'object') : typeof model;
  throw new UnsupportedModelError(
    `monitorServing: expected a loaded tfjs model, a LayersModel (tf.loadLayersModel, tf.sequential, tf.model) ` +
      `or a GraphModel (tf.loadGraphModel), got ${got}. Await the load promise and pass the model itself.`,
  );
}
