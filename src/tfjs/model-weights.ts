import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The part of a tfjs LayerVariable we use. Its `read()` returns the live tf.Variable. */
interface LayerVariableLike {
  id: number;
  originalName: string;
  trainable: boolean;
  read(): tf.Variable;
}

export interface LayerLike {
  name: string;
  trainable: boolean;
  weights: LayerVariableLike[];
  layers?: LayerLike[];
  getClassName(): string;
}

/** One weight of a model, attributed to the innermost layer that owns it. */
export interface WeightRef {
  layer: string;
  /** `layer/name`, e.g. `dense_1/kernel`, as tfjs named it (stable when `trainable` is toggled). */
  weight: string;
  trainable: boolean;
  /** The live value. Never dispose it. */
  read(): tf.Variable;
}

export interface LayerRef {
  /** The layer's name, or its path (`encoder/block`) when another nested layer has the same name. */
  name: string;
  className: string;
  weights: WeightRef[];
  /** The tfjs layer object itself, to match layers by identity rather than by name. */
  layer: LayerLike;
}

/** Leaf layers of a model in order, descending into nested models; shared layers appear once. */
export function listLayers(model: LayersModel): LayerRef[] {
  const found: { layer: LayerLike; path: string; trainable: boolean }[] = [];
  const seen = new Set<LayerLike>();
  const visit = (layer: LayerLike, path: string, ancestorsTrainable: boolean) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    const trainable = ancestorsTrainable && layer.trainable;
    if (Array.isArray(layer.layers)) {
      for (const inner of layer.layers) visit(inner, `${path}${layer.name}/`, trainable);
    } else {
      found.push({ layer, path: path + layer.name, trainable });
    }
  };
  for (const layer of (model as unknown as LayerLike).layers ?? []) visit(layer, '', true);

  const count = new Map<string, number>();
  for (const f of found) count.set(f.layer.name, (count.get(f.layer.name) ?? 0) + 1);
  const seenWeights = new Set<number>();
  return found.map(({ layer, path, trainable }) => {
    const unique = count.get(layer.name) === 1;
    const name = unique ? layer.name : path;
    const weights: WeightRef[] = [];
    for (const w of layer.weights) {
      if (seenWeights.has(w.id)) continue;
      seenWeights.add(w.id);
      const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      weights.push({
        layer: name,
        weight: unique ? w.originalName : `${name}/${short}`,
        trainable: trainable && w.trainable,
        read: () => w.read(),
      });
    }
    return { name, className: layer.getClassName(), weights, layer };
  });
}

/** All weights of a model, trainable or not, in layer order. */
export function listWeights(model: LayersModel): WeightRef[] {
  return listLayers(model).flatMap((l) => l.weights);
}

/** Plain variables of a custom loop: a list (named by `variable.name`) or a map (named by key). */
export type VariableSet = readonly tf.Variable[] | Readonly<Record<string, tf.Variable>>;

/**
 * Plain variables as layers, so that the checks and the report treat them like a model's weights:
 * `dense/kernel` and `dense/bias` form layer `dense`; a name without '/' is a layer of its own.
 */
export function variableLayers(variables: VariableSet): LayerRef[] {
  const named: [string, tf.Variable][] = Array.isArray(variables)
    ? variables.map((v) => [v.name, v] as [string, tf.Variable])
    : Object.entries(variables as Record<string, tf.Variable>);
  const layers = new Map<string, LayerRef>();
  for (const [name, variable] of named) {
    const layerName = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name;
    let ref = layers.get(layerName);
    if (!ref) {
      const layer: LayerLike = { name: layerName, trainable: true, weights: [], getClassName: () => 'Variable' };
      ref = { name: layerName, className: 'Variable', weights: [], layer };
      layers.set(layerName, ref);
    }
    ref.weights.push({ layer: layerName, weight: name, trainable: variable.trainable, read: () => variable });
  }
  return [...layers.values()];
}
