import * as tf from '@tensorflow/tfjs';
import { crc32c } from '@aws-crypto/crc32c';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingMonitor } from '../src/node/index.js';
import { frameRecord } from '../src/exporters/tensorboard/records.js';
import { loadMnist, type MnistSplit } from '../examples/lib/mnist.js';
import { disposeModel, memoryLogger, mlp } from './helpers/models.js';
import { mask, readRecords, referenceCrc32c, wireFields } from './helpers/tfevents.js';

// The bytes of TensorBoard event files, checked against TensorFlow's definitions without the writer's code.

let data: MnistSplit;
beforeAll(() => {
  data = loadMnist(100);
});
afterAll(() => tf.dispose([data.xs, data.ys]));

describe('CRC32C and TFRecord framing', () => {
  it("the test's own CRC32C gives RFC 3720's check values, and agrees with the library", () => {
    expect(referenceCrc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(referenceCrc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(referenceCrc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(referenceCrc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(random)).toBe(referenceCrc32c(random));
  });

  it('frames a record as length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = new TextEncoder().encode('hello');
    const record = frameRecord(data);
    expect(record.length).toBe(5 + 16);
    expect(record.readBigUInt64LE(0)).toBe(5n);
    expect(record.readUInt32LE(8)).toBe(mask(referenceCrc32c(record.subarray(0, 8))));
    expect(record.subarray(12, 17).toString()).toBe('hello');
    expect(record.readUInt32LE(17)).toBe(mask(referenceCrc32c(data)));
  });
});

describe('TensorBoard event files', () => {
  it("are TensorFlow's Event and Summary messages, by field number", async () => {
    const model = mlp();
    const logdir = mkdtempSync(join(tmpdir(), 'tfjs-monitor-tb-'));
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [new TrainingMonitor({ tensorBoard: { logdir, updateFreq: 'batch', histogramEvery: 1 }, logger: memoryLogger().logger })] });
    const records = readRecords(join(logdir, readdirSync(logdir)[0]!));
    // Event: wall_time = 1 (double), step = 2 (varint), file_version = 3, summary = 5.
    expect(wireFields(records[0]!).map((f) => [f.field, f.wire])).toEqual([[1, 1], [3, 2]]);
    // Step 0 is proto3's default, so left out; the next step's histograms carry it.
    expect(wireFields(records[1]!).map((f) => [f.field, f.wire])).toEqual([[1, 1], [5, 2]]);
    const summaryEvent = wireFields(records.find((r, i) => i > 1 && wireFields(r).length === 3 && wireFields(r)[2]!.bytes!.length > 1000)!);
    expect(summaryEvent.map((f) => [f.field, f.wire])).toEqual([[1, 1], [2, 0], [5, 2]]);
    // Summary: value = 1; Value: tag = 1, histo = 5.
    const values = wireFields(summaryEvent[2]!.bytes!);
    expect(new Set(values.map((f) => f.field))).toEqual(new Set([1]));
    expect(wireFields(values[0]!.bytes!).map((f) => [f.field, f.wire])).toEqual([[1, 2], [5, 2]]);
    // HistogramProto: min..sum_squares = 1..5 (doubles, min 0 omitted), bucket_limit = 6, bucket = 7 (packed).
    const histo = wireFields(wireFields(values[0]!.bytes!)[1]!.bytes!);
    expect(histo.filter((f) => f.field >= 6).map((f) => [f.field, f.wire])).toEqual([[6, 2], [7, 2]]);
    // A scalar: Value.simple_value = 2 (float).
    const summaries = records.slice(1).map((r) => wireFields(r).at(-1)!.bytes!);
    const scalars = summaries.map((s) => wireFields(wireFields(s)[0]!.bytes!)).find((v) => v.some((f) => f.field === 2))!;
    expect(scalars.map((f) => [f.field, f.wire])).toEqual([[1, 2], [2, 5]]);
    // A text (the report at the end): Value.metadata = 9, tensor = 8; TensorProto dtype = 1 (DT_STRING = 7),
    // tensor_shape = 2 (empty: a scalar), string_val = 8; SummaryMetadata plugin_data = 1 (plugin_name = 1),
    // data_class = 4 (DATA_CLASS_TENSOR = 2).
    const text = wireFields(wireFields(summaries.at(-1)!)[0]!.bytes!);
    const field = (fields: typeof text, n: number) => fields.find((f) => f.field === n)!;
    expect(text.map((f) => [f.field, f.wire]).sort((a, b) => a[0]! - b[0]!)).toEqual([[1, 2], [8, 2], [9, 2]]);
    const tensor = wireFields(field(text, 8).bytes!);
    expect(tensor.map((f) => [f.field, f.wire, f.value ?? f.bytes!.length])).toEqual([[1, 0, 7], [2, 2, 0], [8, 2, tensor[2]!.bytes!.length]]);
    expect(Buffer.from(tensor[2]!.bytes!).toString()).toMatch(/^```\nstatus: healthy/);
    const metadata = wireFields(field(text, 9).bytes!);
    expect(metadata.map((f) => [f.field, f.wire])).toEqual([[1, 2], [4, 0]]);
    expect(metadata[1]!.value).toBe(2);
    expect(Buffer.from(wireFields(metadata[0]!.bytes!)[0]!.bytes!).toString()).toBe('text');
    disposeModel(model);
  });
});
