import * as tf from '@tensorflow/tfjs-core';
import { LayersModel, model as buildModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { MonitorSetupError } from '../core/errors.js';

/** Dead-unit statistics of one ReLU layer on the probe batch. */
export interface ReluStats {
  /** The tfjs layer object. */
  layer: object;
  /** `@i` for the i-th use of a layer that is called several times in the model, else ''. */
  node: string;
  /** Fraction of all activations that are exactly 0. */
  zeroFraction: number;
  /** Units (channels) that are 0 for every probe example and position. */
  deadUnits: number;
  units: number;
  deadFraction: number;
}

interface NodeLike {
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  inboundLayers: LayerLike[];
}

interface LayerLike {
  name: string;
  inboundNodes: NodeLike[];
  layers?: LayerLike[];
  getClassName(): string;
  getConfig(): Record<string, unknown>;
}

interface GraphLike {
  layers: LayerLike[];
  inputs: SymbolicTensor[];
  containerNodes: Set<string>;
}

interface Target {
  layer: LayerLike;
  node: string;
  channelsFirst: boolean;
}

/** 'relu' or 'relu6' when the layer's output is a ReLU's, else null. */
export function reluActivation(layer: Pick<LayerLike, 'getClassName' | 'getConfig'>): string | null {
  if (layer.getClassName() === 'ReLU') return 'relu';
  let activation: unknown;
  try {
    activation = layer.getConfig()['activation'];
  } catch {
    return null; // Custom layers may not serialise; they are not ReLU layers we know of.
  }
  return activation === 'relu' || activation === 'relu6' ? activation : null;
}

/** The graph a layer that holds layers computes with (a Sequential keeps it in `.model`). */
function innerGraph(layer: LayerLike): GraphLike | null {
  if (!Array.isArray(layer.layers)) return null;
  const inner = (layer as { model?: unknown }).model;
  return (inner instanceof LayersModel ? inner : layer) as unknown as GraphLike;
}

/** The nodes of `layer` that belong to `graph`, with their index (a shared layer has several). */
/** Whether units are channels on axis 1: the layer's own data format, or its producer's for ReLU/Activation. */
export function isChannelsFirst(layer: LayerLike, node: NodeLike | undefined): boolean {
  const format = (l: LayerLike | undefined) => {
    try {
      return (l?.getConfig() as { dataFormat?: string } | undefined)?.dataFormat;
    } catch {
      return undefined;
    }
  };
  return (format(layer) ?? format(node?.inboundLayers[0])) === 'channelsFirst';
}

function nodesIn(graph: GraphLike, layer: LayerLike): { node: NodeLike; suffix: string }[] {
  const nodes = layer.inboundNodes
    .map((node, i) => ({ node, i }))
    .filter(({ i }) => graph.containerNodes.has(`${layer.name}_ib-${i}`));
  return nodes.map(({ node, i }) => ({ node, suffix: nodes.length > 1 ? `@${i}` : '' }));
}

/** Symbolic outputs of every ReLU layer of `graph`, descending into nested models. */
function collect(graph: GraphLike): { targets: Target[]; outputs: SymbolicTensor[] } {
  const targets: Target[] = [];
  const outputs: SymbolicTensor[] = [];
  for (const layer of graph.layers) {
    const nested = innerGraph(layer);
    if (nested) {
      const inner = collect(nested);
      if (inner.outputs.length === 0) continue;
      // Shares the nested layers and their weights; applied on the outer node's inputs.
      const innerProbe = buildModel({ inputs: nested.inputs, outputs: inner.outputs });
      for (const { node, suffix } of nodesIn(graph, layer)) {
        const applied = innerProbe.apply(node.inputTensors) as SymbolicTensor | SymbolicTensor[];
        const list = Array.isArray(applied) ? applied : [applied];
        inner.targets.forEach((t, k) => {
          targets.push({ ...t, node: t.node + suffix });
          outputs.push(list[k]!);
        });
      }
    } else if (reluActivation(layer)) {
      for (const { node, suffix } of nodesIn(graph, layer)) {
        targets.push({ layer, node: suffix, channelsFirst: isChannelsFirst(layer, node) });
        outputs.push(node.outputTensors[0]!);
      }
    }
  }
  return { targets, outputs };
}

function shapeFits(actual: readonly number[], expected: readonly (number | null)[]): boolean {
  return actual.length === expected.length && expected.every((d, i) => d === null || d === actual[i]);
}

/**
 * Runs a fixed probe batch through every ReLU-activated layer (relu/relu6 on Dense, Conv and
 * Activation layers, and the ReLU layer) and measures zero and dead-unit fractions. The probe
 * model shares the training model's layers: its outputs are exact and nothing is copied.
 * It must never be disposed, which would dispose the training model's weights.
 */
export class DeadReluProbe {
  /**
   * Probe models by training model. Building one applies nested models to their outer inputs,
   * which adds nodes to the training graph, so it is built once per model, not once per fit.
   */
  private static readonly built = new WeakMap<LayersModel, { probeModel: LayersModel; targets: Target[] } | null>();

  private constructor(
    private readonly probeModel: LayersModel,
    private readonly targets: Target[],
    private readonly probe: tf.Tensor[],
  ) {}

  /** The layers measured, in model order. */
  get layers(): object[] {
    return this.targets.map((t) => t.layer);
  }

  get probeSize(): number {
    return this.probe[0]!.shape[0] ?? 0;
  }

  /** A probe for `model`, or null when it has no ReLU layers. Throws when `probe` does not fit. */
  static build(model: LayersModel, probe: tf.Tensor | tf.Tensor[]): DeadReluProbe | null {
    const probes = Array.isArray(probe) ? probe : [probe];
    const inputs = model.inputs;
    if (probes.length !== inputs.length) {
      throw new MonitorSetupError(
        `deadRelu.probe: the model has ${inputs.length} input(s) but ${probes.length} probe tensor(s) were given; ` +
          `pass one tensor per model input, in the order of model.inputs.`,
      );
    }
    probes.forEach((p, i) => {
      const input = inputs[i]!;
      if (p.isDisposed) {
        throw new MonitorSetupError(`deadRelu.probe[${i}]: the tensor is disposed; keep it alive until training ends.`);
      }
      if (!shapeFits(p.shape, input.shape)) {
        throw new MonitorSetupError(
          `deadRelu.probe${probes.length > 1 ? `[${i}]` : ''}: shape [${p.shape.join(', ')}] does not fit ` +
            `the model input '${input.name}' of shape [${input.shape.map((d) => d ?? 'null').join(', ')}].`,
        );
      }
    });
    if (!DeadReluProbe.built.has(model)) {
      const { targets, outputs } = collect(model as unknown as GraphLike);
      DeadReluProbe.built.set(model, outputs.length ? { probeModel: buildModel({ inputs, outputs }), targets } : null);
    }
    const built = DeadReluProbe.built.get(model);
    return built ? new DeadReluProbe(built.probeModel, built.targets, probes) : null;
  }

  async measure(): Promise<ReluStats[]> {
    if (this.probe.some((p) => p.isDisposed)) {
      throw new MonitorSetupError('deadRelu.probe was disposed during training; keep it alive until fit returns.');
    }
    const packed = tf.tidy(() => {
      const out = this.probeModel.predictOnBatch(this.probe.length === 1 ? this.probe[0]! : this.probe);
      const activations = Array.isArray(out) ? out : [out];
      return tf.concat(
        activations.map((a, k) => {
          const unitAxis = this.targets[k]!.channelsFirst ? 1 : a.rank - 1;
          const otherAxes = [...Array(a.rank).keys()].filter((axis) => axis !== unitAxis);
          const perUnitMax = tf.max(a, otherAxes);
          return tf.stack([
            tf.mean(tf.cast(tf.equal(a, 0), 'float32')),
            tf.sum(tf.cast(tf.equal(perUnitMax, 0), 'float32')),
            tf.scalar(perUnitMax.size),
          ]);
        }),
      );
    });
    let values: Float32Array;
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
    }
    return this.targets.map((t, k) => {
      const [zeroFraction, deadUnits, units] = [values[3 * k]!, values[3 * k + 1]!, values[3 * k + 2]!];
      return { layer: t.layer, node: t.node, zeroFraction, deadUnits, units, deadFraction: units > 0 ? deadUnits / units : 0 };
    });
  }
}
