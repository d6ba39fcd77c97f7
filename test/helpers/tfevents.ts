// An event-file reader for the tests, independent of the writer: its own CRC32C (bitwise, checked
// against RFC 3720's test vectors), its own wire-format walk for field numbers, and a protobufjs
// root loaded separately from the .proto file (the writer parses a generated copy of it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import protobuf from 'protobufjs';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one bit at a time. */
export function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask, written out from its definition: rotate right by 15, add 0xa282ead8. */
export const mask = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The records of a TFRecord file, each CRC checked; throws at the first bad one. */
export function readRecords(path: string): Buffer[] {
  const file = readFileSync(path);
  const records: Buffer[] = [];
  for (let at = 0; at < file.length; ) {
    if (at + 12 > file.length) throw new Error(`${path}: truncated header at byte ${at}`);
    const header = file.subarray(at, at + 8);
    const length = Number(file.readBigUInt64LE(at));
    if (file.readUInt32LE(at + 8) !== mask(referenceCrc32c(header))) throw new Error(`${path}: bad length CRC at byte ${at}`);
    const data = file.subarray(at + 12, at + 12 + length);
    if (data.length !== length || at + 16 + length > file.length) throw new Error(`${path}: truncated record at byte ${at}`);
    if (file.readUInt32LE(at + 12 + length) !== mask(referenceCrc32c(data))) throw new Error(`${path}: bad data CRC at byte ${at}`);
    records.push(data);
    at += 16 + length;
  }
  return records;
}

/** Top-level (field number, wire type) pairs of a protobuf message, with each varint's value and each length-delimited field's bytes. */
export function wireFields(bytes: Uint8Array): { field: number; wire: number; value?: number; bytes?: Uint8Array }[] {
  const out: { field: number; wire: number; value?: number; bytes?: Uint8Array }[] = [];
  let i = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      out.push({ field, wire, value: varint() });
      continue;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const n = varint();
      out.push({ field, wire, bytes: bytes.subarray(i, i + n) });
      i += n;
      continue;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.push({ field, wire });
  }
  return out;
}

const root = new protobuf.Root().loadSync(resolve(import.meta.dirname, '../../src/exporters/tensorboard/tensorboard.proto'), { keepCase: true });
const Event = root.lookupType('tensorflow.Event');

export interface DecodedValue {
  tag: string;
  simple_value?: number;
  histo?: { min?: number; max?: number; num?: number; sum?: number; sum_squares?: number; bucket_limit: number[]; bucket: number[] };
  tensor?: { dtype?: string; string_val?: string[] };
  metadata?: { plugin_data?: { plugin_name?: string } };
}
export interface DecodedEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  summary?: { value: DecodedValue[] };
}

/** Every event of a file, decoded (texts as UTF-8 strings). */
export function readEvents(path: string): DecodedEvent[] {
  return readRecords(path).map((data) => {
    const e = Event.toObject(Event.decode(data), { longs: Number, enums: String, bytes: Array, defaults: false, arrays: true }) as DecodedEvent;
    e.wall_time ??= 0;
    e.step ??= 0;
    for (const v of e.summary?.value ?? []) {
      if (v.tensor?.string_val) v.tensor.string_val = (v.tensor.string_val as unknown as number[][]).map((b) => Buffer.from(b).toString('utf8'));
    }
    return e;
  });
}

/** Values by tag: [step, value] for scalars, the whole value otherwise. */
export function byTag(events: DecodedEvent[]): Map<string, { step: number; value: DecodedValue }[]> {
  const out = new Map<string, { step: number; value: DecodedValue }[]>();
  for (const e of events) for (const v of e.summary?.value ?? []) out.set(v.tag, [...(out.get(v.tag) ?? []), { step: e.step, value: v }]);
  return out;
}
