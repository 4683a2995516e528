/**
 * The IDX file format (LeCun's MNIST distribution format): a 4-byte magic number `0x00 0x00 dtype
 * rank`, then `rank` big-endian uint32 dimensions, then the elements, big-endian, row-major.
 */

/** Element types an IDX file can hold. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Typed array for each {@link IdxDtype}. */
export interface IdxArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** The contents of an IDX file: its element type, shape and elements (native byte order). */
export interface IdxData<D extends IdxDtype = IdxDtype> {
  /** Element type. */
  dtype: D;
  /** Extent of each dimension, outermost first. */
  shape: number[];
  /** The elements, row-major. */
  data: IdxArrays[D];
}

/** Type code (third magic byte) and element size of each dtype. */
export const IDX_DTYPES: Readonly<Record<IdxDtype, { code: number; bytes: number }>> = {
  uint8: { code: 0x08, bytes: 1 },
  int8: { code: 0x09, bytes: 1 },
  int16: { code: 0x0b, bytes: 2 },
  int32: { code: 0x0c, bytes: 4 },
  float32: { code: 0x0d, bytes: 4 },
  float64: { code: 0x0e, bytes: 8 },
};

/** The dtype for a type code, or undefined for an unknown code. */
export function dtypeOfCode(code: number): IdxDtype | undefined {
  for (const [name, info] of Object.entries(IDX_DTYPES)) if (info.code === code) return name as IdxDtype;
  return undefined;
}

/** Thrown for a malformed IDX file or dataset; the message starts with the file it is about. */
export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
  /** Path (or name) of the offending file. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}
