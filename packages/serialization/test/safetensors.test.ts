import { describe, expect, it } from 'vitest';
import { SerializationError } from '../src/errors.js';
import { MAX_HEADER_LENGTH, decodeSafetensors, encodeSafetensors } from '../src/safetensors/codec.js';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

/** Builds a file by hand: 8-byte length, the header exactly as given, then `data`. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    expect((e as SerializationError).file).toBe('bad.safetensors');
    return (e as Error).message;
  }
  throw new Error('expected decodeSafetensors to throw');
}

describe('encodeSafetensors', () => {
  it('writes the exact bytes of the format, header padded with spaces to 8 bytes', () => {
    const bytes = encodeSafetensors([['a', { dtype: 'F32', shape: [2], data: f32(1, -2) }]]);
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes → padded to 56
    expect(json.length).toBe(54);
    const expected = new Uint8Array(8 + 56 + 8);
    expected.set([56, 0, 0, 0, 0, 0, 0, 0], 0);
    expected.set(new TextEncoder().encode(`${json}  `), 8);
    expected.set([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0], 64); // 1.0f, -2.0f little-endian
    expect([...bytes]).toEqual([...expected]);
  });

  it('puts __metadata__ first and tensors contiguous in the order given', () => {
    const bytes = encodeSafetensors(
      [
        ['z', { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) }],
        ['a', { dtype: 'I64', shape: [], data: new Uint8Array(8) }],
      ],
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    expect(header).toBe(
      '{"__metadata__":{"format":"pt"},"z":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"a":{"dtype":"I64","shape":[],"data_offsets":[3,11]}}',
    );
  });

  it('rejects a data length that does not match shape × dtype', () => {
    expect(() => encodeSafetensors([['w', { dtype: 'F32', shape: [3], data: f32(1, 2) }]])).toThrow(
      /'w' \(F32 \[3\]\) needs 12 bytes, got 8/,
    );
  });
});

describe('decodeSafetensors', () => {
  it('round-trips every dtype, empty and scalar tensors, and metadata', () => {
    const tensors = new Map([
      ['f', { dtype: 'F32' as const, shape: [2, 2], data: f32(1.5, Math.PI, -0, Number.NaN) }],
      ['i', { dtype: 'I32' as const, shape: [1], data: new Uint8Array(new Int32Array([-7]).buffer) }],
      ['l', { dtype: 'I64' as const, shape: [], data: new Uint8Array(new BigInt64Array([-3n]).buffer) }],
      ['u', { dtype: 'U8' as const, shape: [3], data: new Uint8Array([0, 128, 255]) }],
      ['e', { dtype: 'F32' as const, shape: [0, 4], data: new Uint8Array(0) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'scratchnet', note: 'ünïcode ✓' });
    const file = decodeSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'scratchnet', note: 'ünïcode ✓' });
    expect([...file.tensors.keys()]).toEqual(['f', 'i', 'l', 'u', 'e']);
    for (const [name, t] of tensors) {
      const got = file.tensors.get(name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect([...got.data]).toEqual([...t.data]); // bit-exact, NaN and -0 included
    }
  });

  it('reads files written by other tools: unpadded header, offsets not in header order', () => {
    const header =
      '{"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}';
    const file = decodeSafetensors(rawFile(header, new Uint8Array([10, 11, 12])));
    expect([...file.tensors.get('a')!.data]).toEqual([10, 11]);
    expect([...file.tensors.get('b')!.data]).toEqual([12]);
    expect(file.metadata).toEqual({});
  });

  it('rejects a file too short for the header length', () => {
    expect(decodeError(new Uint8Array(5))).toMatch(/^bad\.safetensors: too short .*5 bytes/);
  });

  it('rejects a huge header length before allocating it', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 0xffff_ffff_ffff_ffffn, true);
    expect(decodeError(bytes)).toMatch(/header length 18446744073709551615 exceeds the 100000000-byte limit/);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(MAX_HEADER_LENGTH + 1), true);
    expect(decodeError(bytes)).toMatch(/exceeds the 100000000-byte limit/);
  });

  it('rejects a header length past the end of the file', () => {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    expect(decodeError(bytes)).toMatch(/header length 1000 runs past the end of the file \(64 bytes\)/);
  });

  it('gives a clear error when truncated at any point', () => {
    const bytes = encodeSafetensors(
      [
        ['a', { dtype: 'F32', shape: [4], data: f32(1, 2, 3, 4) }],
        ['b', { dtype: 'F32', shape: [2], data: f32(5, 6) }],
      ],
      { format: 'x' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const cuts: [number, RegExp][] = [
      [0, /too short/],
      [7, /too short/],
      [8, /runs past the end/],
      [8 + Math.floor(n / 2), /runs past the end/],
      [8 + n, /'a': data_offsets \[0, 16\] lie outside the data area \(0 bytes\)/],
      [8 + n + 10, /'a': data_offsets \[0, 16\] lie outside the data area \(10 bytes\)/],
      [bytes.length - 1, /'b': data_offsets \[16, 24\] lie outside the data area \(23 bytes\)/],
    ];
    for (const [cut, message] of cuts) expect(decodeError(bytes.subarray(0, cut))).toMatch(message);
  });

  it('rejects trailing bytes after the last tensor', () => {
    const bytes = encodeSafetensors([['a', { dtype: 'U8', shape: [1], data: new Uint8Array([1]) }]]);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(decodeError(longer)).toMatch(/data area has 4 bytes but the tensors cover 1/);
  });

  it('reads a UTF-8 header: non-ASCII text, a real U+FFFD, a leading byte order mark', () => {
    const meta = { note: 'é ü 漢 \u{1F600} \uFFFD' };
    const json = JSON.stringify({ __metadata__: meta });
    expect(decodeSafetensors(rawFile(json)).metadata).toEqual(meta);
    // A byte order mark is dropped, as TextDecoder does.
    expect(decodeSafetensors(rawFile(`\uFEFF${json}`)).metadata).toEqual(meta);
  });

  it('rejects invalid UTF-8 and invalid JSON', () => {
    const badUtf8 = rawFile('{"a":"x"}');
    badUtf8[8 + 6] = 0xff; // the 'x': 0xff never occurs in UTF-8
    expect(decodeError(badUtf8)).toMatch(/header is not valid UTF-8/);
    // Overlong, surrogate and truncated sequences too (Node's own decoder would replace them).
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
    ]) {
      const h = new TextEncoder().encode('{"a":"x"}');
      const bytes = new Uint8Array(8 + h.length - 1 + bad.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(bytes.length - 8), true);
      bytes.set(h.subarray(0, 6), 8);
      bytes.set(bad, 14);
      bytes.set(h.subarray(7), 14 + bad.length);
      expect(decodeError(bytes)).toMatch(/header is not valid UTF-8/);
    }
    expect(decodeError(rawFile('{"a": [1, 2'))).toMatch(/header is not valid JSON: /);
    expect(decodeError(rawFile('[1, 2]'))).toMatch(/not a JSON object/);
    expect(decodeError(rawFile('null'))).toMatch(/not a JSON object/);
  });

  it('rejects non-string metadata', () => {
    expect(decodeError(rawFile('{"__metadata__":{"epochs":5}}'))).toMatch(
      /__metadata__ value 'epochs' is not a string \(got 5\)/,
    );
    expect(decodeError(rawFile('{"__metadata__":[1]}'))).toMatch(/__metadata__ is not an object/);
  });

  it('rejects unsupported dtypes and malformed shapes and offsets', () => {
    const data = new Uint8Array(4);
    expect(decodeError(rawFile('{"w":{"dtype":"F8","shape":[1],"data_offsets":[0,4]}}', data))).toMatch(
      /tensor 'w': unsupported dtype "F8"/,
    );
    expect(decodeError(rawFile('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', data))).toMatch(
      /tensor 'w': shape \[-1\] is not a list of non-negative integers/,
    );
    expect(decodeError(rawFile('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', data))).toMatch(
      /tensor 'w': data_offsets \[4,0\] is not \[begin, end\]/,
    );
    expect(decodeError(rawFile('{"w":{"dtype":"F32","shape":[1]}}', data))).toMatch(
      /tensor 'w': has no data_offsets$/,
    );
    expect(decodeError(rawFile('{"w":7}', data))).toMatch(/tensor 'w': entry is not an object/);
  });

  it('rejects shape × dtype that disagrees with the byte length', () => {
    const data = new Uint8Array(8);
    expect(decodeError(rawFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', data))).toMatch(
      /tensor 'w': F32 \[3\] needs 12 bytes but data_offsets \[0, 8\] hold 8/,
    );
    // An I64 scalar needs 8 bytes, an F32 one only 4: the "wrong dtype" case.
    expect(
      decodeError(rawFile('{"w":{"dtype":"I64","shape":[],"data_offsets":[0,4]}}', data.subarray(0, 4))),
    ).toMatch(/I64 \[\] needs 8 bytes but data_offsets \[0, 4\] hold 4/);
    const huge = `{"w":{"dtype":"F64","shape":[${2 ** 40},${2 ** 40}],"data_offsets":[0,8]}}`;
    expect(decodeError(rawFile(huge, data))).toMatch(/needs too many bytes/);
  });

  it('rejects overlapping tensors and gaps in the data area', () => {
    const data = new Uint8Array(8);
    const overlap =
      '{"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}';
    expect(decodeError(rawFile(overlap, data))).toMatch(
      /tensor 'b' \(bytes \[4, 8\)\) overlaps tensor 'a' \(ends at 6\)/,
    );
    const gap =
      '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}';
    expect(decodeError(rawFile(gap, data))).toMatch(/bytes \[2, 4\) of the data area belong to no tensor/);
  });
});
