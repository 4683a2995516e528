/**
 * A minimal protocol-buffers writer: exactly the wire format ONNX files need (varints, 32-bit floats,
 * length-delimited strings/bytes/sub-messages, packed repeated fields). Field numbers and types come
 * from the caller; see `onnx-proto.ts`. Encoding rules: https://protobuf.dev/programming-guides/encoding/
 */

/** Protobuf wire types. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

const utf8 = new TextEncoder();

/**
 * Appends protobuf fields to a growing buffer. A sub-message is written by encoding it with its own
 * writer and passing the bytes to {@link ProtoWriter.message}.
 *
 * @example
 * ```ts
 * const w = new ProtoWriter();
 * w.int64(1, 150); // 08 96 01
 * w.string(2, 'hi'); // 12 02 68 69
 * w.finish();
 * ```
 */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /**
   * A base-128 varint. Negative values are written as their 64-bit two's complement (10 bytes), as
   * protobuf does for `int32`/`int64`. Accepts any safe integer or a bigint in the int64/uint64 range.
   */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`protobuf: varint ${value} is not a safe integer`);
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  /** A field key: `(field << 3) | wireType`. */
  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** An `int32`/`int64`/enum field (varint). */
  int64(field: number, value: number | bigint): this {
    return this.tag(field, WireType.VARINT).varint(value);
  }

  /** A `float` field (4 bytes, little-endian IEEE 754). */
  float(field: number, value: number): this {
    this.tag(field, WireType.I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A `bytes` field, or an embedded message already encoded. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LEN).varint(value.byteLength);
    this.reserve(value.byteLength);
    this.buf.set(value, this.len);
    this.len += value.byteLength;
    return this;
  }

  /** A `string` field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message field. */
  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded);
  }

  /** A `repeated float` field with `[packed = true]`: one length-delimited run of little-endian floats. */
  packedFloats(field: number, values: Float32Array): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, bytes);
  }

  /** A `repeated int64` field with `[packed = true]`: one length-delimited run of varints. */
  packedInt64s(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
