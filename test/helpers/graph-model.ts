import * as tf from '@tensorflow/tfjs';

const FLOAT = { type: 'DT_FLOAT' };

/**
 * A real tf.GraphModel with the weights of a Dense-only LayersModel: the TensorFlow GraphDef
 * that tensorflowjs_converter would write for it (Placeholder → MatMul → BiasAdd → activation,
 * per layer), loaded by tfjs-converter's own loader. The two models compute the same function.
 */
export async function graphModelOf(model: tf.LayersModel): Promise<tf.GraphModel> {
  const nodes: object[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: String(model.inputs[0]!.shape[1]) }] } } } },
  ];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Float32Array[] = [];
  let previous = 'x';
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const config = layer.getConfig() as { activation?: string };
    const n = layer.name;
    for (const [name, t] of [[`${n}/kernel`, kernel], [`${n}/bias`, bias]] as const) {
      nodes.push({ name, op: 'Const', attr: { dtype: FLOAT, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } } } });
      weightSpecs.push({ name, shape: t.shape, dtype: 'float32' });
      buffers.push(t.dataSync() as Float32Array);
    }
    nodes.push({ name: `${n}/MatMul`, op: 'MatMul', input: [previous, `${n}/kernel`], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } });
    nodes.push({ name: `${n}/BiasAdd`, op: 'BiasAdd', input: [`${n}/MatMul`, `${n}/bias`], attr: { T: FLOAT, data_format: { s: btoa('NHWC') } } });
    previous = `${n}/BiasAdd`;
    const op = { relu: 'Relu', softmax: 'Softmax', linear: null }[config.activation ?? 'linear'];
    if (op === undefined) throw new Error(`graphModelOf: activation ${config.activation} is not translated`);
    if (op) {
      nodes.push({ name: `${n}/${op}`, op, input: [previous], attr: { T: FLOAT } });
      previous = `${n}/${op}`;
    }
  }
  const total = buffers.reduce((s, b) => s + b.length, 0);
  const weightData = new Float32Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: { node: nodes, versions: { producer: 1 } },
    format: 'graph-model',
    weightSpecs,
    weightData: weightData.buffer,
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}
