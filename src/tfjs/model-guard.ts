import { LayersModel } from '@tensorflow/tfjs-layers';

/** The model is not a tfjs LayersModel, or comes from another copy of tfjs than ours. */
export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

function looksLikeLayersModel(value: unknown): boolean {
  const v = value as { layers?: unknown; getClassName?: unknown } | null;
  return v != null && Array.isArray(v.layers) && typeof v.getClassName === 'function';
}

/**
 * Throws an actionable error unless `model` is a LayersModel of the same
 * @tensorflow/tfjs-layers that tfjs-monitor imports.
 */
export function assertLayersModel(model: unknown, where: string): asserts model is LayersModel {
  if (model instanceof LayersModel) return;
  if (looksLikeLayersModel(model)) {
    throw new UnsupportedModelError(
      `${where}: the model is a LayersModel from a different copy of @tensorflow/tfjs-layers than ` +
        `the one tfjs-monitor uses, so two copies of tfjs are loaded in this process. ` +
        `Run \`npm ls @tensorflow/tfjs-layers @tensorflow/tfjs-core\` and make them resolve to one ` +
        `version (tfjs-monitor declares tfjs as a peer dependency; \`npm dedupe\` usually fixes it).`,
    );
  }
  const got = model === null ? 'null' : typeof model === 'object' ? (model.constructor?.name ?? 'object') : typeof model;
  throw new UnsupportedModelError(
    `${where}: expected a tfjs LayersModel (from tf.sequential() or tf.model()), got ${got}. ` +
      `Graph models from tf.loadGraphModel cannot be trained and are not supported.`,
  );
}
