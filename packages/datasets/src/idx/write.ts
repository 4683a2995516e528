import { IDX_DTYPES, type IdxData, type IdxDtype } from './format.js';

/**
 * Encodes an array as IDX bytes (big-endian, header included). Throws when the shape does not match
 * the number of elements or a dimension does not fit in 32 bits.
 */
export function encodeIdx(idx: IdxData): Uint8Array {
  const { dtype, shape, data } = idx;
  const info = IDX_DTYPES[dtype];
  if (info === undefined) throw new TypeError(`encodeIdx: unknown dtype '${String(dtype)}'`);
  if (shape.length < 1 || shape.length > 255) {
    throw new RangeError(`encodeIdx: an IDX file holds 1 to 255 dimensions, got shape [${shape.join(', ')}]`);
  }
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new RangeError(`encodeIdx: invalid dimension ${d} in shape [${shape.join(', ')}]`);
    }
    count *= d;
  }
  if (count !== data.length) {
    throw new RangeError(
      `encodeIdx: shape [${shape.join(', ')}] needs ${count} elements, got ${data.length}`,
    );
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  for (let i = 0; i < shape.length; i++) view.setUint32(4 + 4 * i, shape[i], false);
  writeElements(view, header, dtype, data);
  return out;
}

function writeElements(view: DataView, at: number, dtype: IdxDtype, data: IdxData['data']): void {
  const n = data.length;
  switch (dtype) {
    case 'uint8':
    case 'int8':
      new Uint8Array(view.buffer, at, n).set(new Uint8Array(data.buffer, data.byteOffset, n));
      return;
    case 'int16':
      for (let i = 0; i < n; i++) view.setInt16(at + 2 * i, data[i], false);
      return;
    case 'int32':
      for (let i = 0; i < n; i++) view.setInt32(at + 4 * i, data[i], false);
      return;
    case 'float32':
      for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i], false);
      return;
    case 'float64':
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i], false);
      return;
  }
}
