// The finiteness check of a model file's tensors, a module of its own so that a program can put a
// faster scan in its place (scratchnet-predict runs it compiled over the bytes it holds).
import { SerializationError } from '../errors.js';
import type { SafetensorsFile, SafetensorsTensor } from '../safetensors/codec.js';

/**
 * Throws unless every float of every F32 tensor is finite: NaN or ±Infinity weights make every
 * prediction NaN, so such a file is refused at load, naming the tensor. Tensors for which `skip`
 * says true are left out (a program checks them itself, later).
 */
export function checkFinite(
  file: SafetensorsFile,
  name: string,
  skip?: (t: SafetensorsTensor) => boolean,
): void {
  if (allFinite(file, skip)) return;
  // Something is not finite (or some tensor is unaligned): tensor by tensor, to name the first.
  for (const [tensor, t] of file.tensors) {
    if (t.dtype !== 'F32' || skip?.(t) === true) continue;
    const b = t.data;
    // Three native scans instead of a loop over every float (a loaded model's weights all pass): the
    // only non-finite floats are NaN and ±∞, and includes() finds NaN. Tensors start 8-byte aligned
    // in files we write; another file's unaligned tensor gets the loop alone.
    if (b.byteOffset % 4 === 0 && finite(new Float32Array(b.buffer, b.byteOffset, b.length >> 2))) continue;
    // Little-endian float32: exponent bits all ones (byte 3 low 7 bits, byte 2 top bit) is NaN or ±∞.
    for (let i = 0; i + 3 < b.length; i += 4) {
      if ((b[i + 3] & 0x7f) === 0x7f && (b[i + 2] & 0x80) !== 0) {
        const value = new DataView(b.buffer, b.byteOffset + i, 4).getFloat32(0, true);
        throw new SerializationError(
          name,
          `tensor '${tensor}' holds a non-finite value (${value} at element ${i / 4}): the weights are corrupt`,
        );
      }
    }
  }
}

/** Whether `f` holds no NaN and no ±∞: three native scans (`includes` finds NaN too). */
function finite(f: Float32Array): boolean {
  return (
    !f.includes(Number.NaN) && !f.includes(Number.POSITIVE_INFINITY) && !f.includes(Number.NEGATIVE_INFINITY)
  );
}

/**
 * Whether every F32 tensor not skipped is finite, scanned in runs of tensors that follow one another
 * in the file (a handful of scans for a whole model, not one per tensor); false too when a tensor is
 * unaligned.
 */
function allFinite(file: SafetensorsFile, skip: ((t: SafetensorsTensor) => boolean) | undefined): boolean {
  // The run being gathered: bytes [start, end) of `buffer`.
  let buffer: ArrayBufferLike | undefined;
  let start = 0;
  let end = 0;
  for (const t of file.tensors.values()) {
    if (t.dtype !== 'F32' || skip?.(t) === true) continue;
    const b = t.data;
    if (b.byteOffset % 4 !== 0) return false;
    if (b.buffer === buffer && b.byteOffset === end) {
      end += b.byteLength;
      continue;
    }
    if (buffer !== undefined && !finite(new Float32Array(buffer, start, (end - start) >> 2))) return false;
    buffer = b.buffer;
    start = b.byteOffset;
    end = start + b.byteLength;
  }
  return buffer === undefined || finite(new Float32Array(buffer, start, (end - start) >> 2));
}
