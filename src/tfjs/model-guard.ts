import { LayersModel, version_layers } from '@tensorflow/tfjs-layers';

/** The oldest @tensorflow/tfjs tested with this package (the peer range starts here). */
export const OLDEST_TFJS = '4.0.0';

/** The model is not a tfjs LayersModel, or comes from another copy of tfjs than ours. */
export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

/** The tfjs-layers version a model was built with, from its Keras JSON (`keras_version: 'tfjs-layers 4.0.0'`). */
function layersVersionOf(model: unknown): string | null {
  try {
    const json = JSON.parse((model as { toJSON(u: null, asString: boolean): string }).toJSON(null, true)) as { keras_version?: string };
    return json.keras_version?.replace(/^tfjs-layers /, '') ?? null;
  } catch {
    return null;
  }
}

/** Why a model from another copy of tfjs cannot be watched, and how to end up with one copy. */
export function twoCopies(model?: unknown): string {
  const theirs = model === undefined ? null : layersVersionOf(model);
  return (
    `the model comes from ${theirs ? `@tensorflow/tfjs-layers ${theirs}` : 'another copy of @tensorflow/tfjs-layers'}, ` +
    `while tfjs-monitor loaded @tensorflow/tfjs-layers ${version_layers}: two copies of tfjs are in this process. ` +
    `tfjs-monitor needs @tensorflow/tfjs ${OLDEST_TFJS} or later 4.x and uses the copy your project has: ` +
    `run \`npm ls @tensorflow/tfjs-core @tensorflow/tfjs-layers\`, and make them resolve to one version ` +
    `(install @tensorflow/tfjs before tfjs-monitor, or the same version of each @tensorflow package; \`npm dedupe\`).`
  );
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
  if (looksLikeLayersModel(model)) throw new UnsupportedModelError(`${where}: ${twoCopies(model)}`);
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
