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

/**
 * Throws an actionable error unless `target` is a LayersModel, or a non-empty list or map of
 * tf.Variable of the tfjs-core that tfjs-monitor imports.
 */
export function assertWatchTarget(target: unknown, isVariable: (v: unknown) => boolean): void {
  if (target instanceof LayersModel) return;
  if (looksLikeLayersModel(target)) assertLayersModel(target, 'monitor.watch');
  const values = Array.isArray(target) ? target : target && typeof target === 'object' ? Object.values(target) : [];
  const bad = values.findIndex((v) => !isVariable(v));
  if (values.length > 0 && bad < 0) return;
  const key = Array.isArray(target) ? `[${bad}]` : `.${Object.keys(target as object)[bad]}`;
  throw new UnsupportedModelError(
    values.length === 0
      ? 'monitor.watch: expected a tfjs LayersModel, or a non-empty list or map of tf.Variable (from tf.variable()), got ' +
          (Array.isArray(target) ? 'an empty list' : String(target === null ? 'null' : typeof target))
      : `monitor.watch: target${key} is not a tf.Variable of the @tensorflow/tfjs-core that tfjs-monitor uses; ` +
          'pass the variables the loop trains (tf.variable(...)), or the LayersModel.',
  );
}
