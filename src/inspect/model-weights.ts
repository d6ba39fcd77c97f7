import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The part of a tfjs LayerVariable we use. Its `read()` returns the live tf.Variable. */
interface LayerVariableLike {
  id: number;
  originalName: string;
  trainable: boolean;
  read(): tf.Variable;
}

interface LayerLike {
  name: string;
  trainable: boolean;
  weights: LayerVariableLike[];
  layers?: LayerLike[];
  getClassName(): string;
}

/** One weight of a model, attributed to the innermost layer that owns it. */
export interface WeightRef {
  layer: string;
  /** The weight's name as tfjs created it, e.g. `dense_1/kernel` (stable across toggling trainable). */
  weight: string;
  trainable: boolean;
  /** The live value. Never dispose it. */
  read(): tf.Variable;
}

export interface LayerRef {
  name: string;
  className: string;
  weights: WeightRef[];
}

/** Leaf layers of a model in order, descending into nested models; shared layers appear once. */
export function listLayers(model: LayersModel): LayerRef[] {
  const out: LayerRef[] = [];
  const seenLayers = new Set<LayerLike>();
  const seenWeights = new Set<number>();
  const visit = (layer: LayerLike) => {
    if (seenLayers.has(layer)) return;
    seenLayers.add(layer);
    if (Array.isArray(layer.layers)) {
      for (const inner of layer.layers) visit(inner);
      return;
    }
    const weights: WeightRef[] = [];
    for (const w of layer.weights) {
      if (seenWeights.has(w.id)) continue;
      seenWeights.add(w.id);
      weights.push({
        layer: layer.name,
        weight: w.originalName,
        trainable: layer.trainable && w.trainable,
        read: () => w.read(),
      });
    }
    out.push({ name: layer.name, className: layer.getClassName(), weights });
  };
  for (const layer of (model as unknown as LayerLike).layers ?? []) visit(layer);
  return out;
}

/** All weights of a model, trainable or not, in layer order. */
export function listWeights(model: LayersModel): WeightRef[] {
  return listLayers(model).flatMap((l) => l.weights);
}
