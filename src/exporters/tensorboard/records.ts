import { crc32c } from '@aws-crypto/crc32c';
import { TENSORBOARD_PROTO } from './proto.generated.js';

/** TFRecord's masked CRC32C (tensorflow/core/lib/hash/crc32c.h): a CRC of CRCs stays unambiguous. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/**
 * One TFRecord: the data's length (uint64, little-endian), the masked CRC32C of those 8 bytes,
 * the data, and the masked CRC32C of the data.
 */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length + 16);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

/** A `tensorflow.Summary.Value`, as written: a scalar, a histogram, or a text (a string tensor). */
export type SummaryValue =
  | { tag: string; simple_value: number }
  | { tag: string; histo: { min: number; max: number; num: number; sum: number; sum_squares: number; bucket_limit: number[]; bucket: number[] } }
  | { tag: string; text: string };

export interface EventInput {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values?: SummaryValue[];
}

const DT_STRING = 7;
const DATA_CLASS_TENSOR = 2;
/** TensorBoard's text plugin: its name, and its (empty) TextPluginData as content. */
const TEXT_METADATA = { plugin_data: { plugin_name: 'text', content: new Uint8Array(0) }, data_class: DATA_CLASS_TENSOR };
const utf8 = new TextEncoder();

function summaryValue(v: SummaryValue): object {
  if (!('text' in v)) return v;
  return { tag: v.tag, metadata: TEXT_METADATA, tensor: { dtype: DT_STRING, tensor_shape: {}, string_val: [utf8.encode(v.text)] } };
}

export type EventEncoder = (e: EventInput) => Uint8Array;
let encoder: Promise<EventEncoder> | null = null;

/**
 * Encodes a `tensorflow.Event` as protobuf bytes. protobufjs is loaded on the first use (some
 * 50 ms), not by every `import 'tfjs-monitor'` in Node.
 */
export function loadEventEncoder(): Promise<EventEncoder> {
  return (encoder ??= import('protobufjs').then(({ default: protobuf }) => {
    const Event = protobuf.parse(TENSORBOARD_PROTO, { keepCase: true }).root.lookupType('tensorflow.Event');
    return (e: EventInput) => {
      const message: Record<string, unknown> = { wall_time: e.wallTime, step: e.step };
      if (e.fileVersion !== undefined) message['file_version'] = e.fileVersion;
      if (e.values) message['summary'] = { value: e.values.map(summaryValue) };
      return Event.encode(Event.fromObject(message)).finish();
    };
  }));
}
