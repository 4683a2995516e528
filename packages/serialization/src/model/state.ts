/**
 * Model state ↔ safetensors tensors: the PyTorch `nn.Sequential` state_dict convention (`'0.weight'`,
 * `'1.running_mean'`, …), float tensors as F32 and `num_batches_tracked` as I64 as PyTorch saves them.
 */
import type { Sequential } from '@scratchnet/layers';
import { IntTensor, type Tensor, formatShape, shapesEqual } from '@scratchnet/tensor';
import { SerializationError } from '../errors.js';
import type { SafetensorsTensor } from '../safetensors/codec.js';

// Tensor bytes are copied as-is; safetensors is little-endian, and so is every platform Node and
// browsers run on. Refuse loudly rather than corrupt data on a big-endian host.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('@scratchnet/serialization: big-endian platforms are not supported');
}

/** The bytes of a tensor's elements (a view, no copy). */
function bytesOf(t: Tensor | IntTensor): Uint8Array {
  const d = t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** A float tensor as an F32 safetensors entry (a view of its storage). */
export function floatEntry(t: Tensor): SafetensorsTensor {
  return { dtype: 'F32', shape: t.shape, data: bytesOf(t) };
}

/** An int tensor as an I64 entry (PyTorch stores `num_batches_tracked` as int64). */
export function int64Entry(t: IntTensor): SafetensorsTensor {
  const out = new BigInt64Array(t.size);
  const d = t.data;
  for (let i = 0; i < d.length; i++) out[i] = BigInt(d[i]);
  return { dtype: 'I64', shape: t.shape, data: new Uint8Array(out.buffer) };
}

/** By class, not by `data`: a model built for loading has not allocated its tensors' storage yet. */
function isIntTensor(t: Tensor | IntTensor): t is IntTensor {
  return t instanceof IntTensor;
}

/** Every tensor of the model's state, named as in a PyTorch `nn.Sequential` state_dict. */
export function modelEntries(model: Sequential): [string, SafetensorsTensor][] {
  const out: [string, SafetensorsTensor][] = [];
  for (const p of model.namedParameters()) out.push([p.name, floatEntry(p.value)]);
  for (const b of model.namedBuffers()) {
    out.push([b.name, isIntTensor(b.value) ? int64Entry(b.value) : floatEntry(b.value)]);
  }
  return out;
}

/** The values of an I64 or I32 entry as int32, checking that each fits. */
function intValues(entry: SafetensorsTensor, name: string, file: string): Int32Array {
  const view = new DataView(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
  if (entry.dtype === 'I32') {
    const out = new Int32Array(entry.data.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
    return out;
  }
  const out = new Int32Array(entry.data.byteLength / 8);
  for (let i = 0; i < out.length; i++) {
    const v = view.getBigInt64(i * 8, true);
    if (v < -2147483648n || v > 2147483647n) {
      throw new SerializationError(file, `tensor '${name}' holds ${v}, which does not fit in int32`);
    }
    out[i] = Number(v);
  }
  return out;
}

/** Options of {@link loadState}. */
export interface LoadStateOptions {
  /** Tensors whose names start with one of these are not the model's and are skipped (e.g. `'optimizer.'`). */
  ignorePrefixes?: readonly string[];
  /** `false`: check everything, copy nothing (default `true`). */
  copy?: boolean;
}

/**
 * Loads stored tensors into the model's parameters and buffers. Every tensor the model has must be
 * present with its exact shape and dtype, and nothing else may be (apart from `ignorePrefixes`);
 * everything is checked before anything is copied, so a bad file leaves the model untouched.
 */
export function loadState(
  model: Sequential,
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  file: string,
  options: LoadStateOptions = {},
): void {
  const targets = new Map<string, Tensor | IntTensor>();
  for (const p of model.namedParameters()) targets.set(p.name, p.value);
  for (const b of model.namedBuffers()) targets.set(b.name, b.value);
  const layerOf = (name: string): string => {
    const config = model.getConfig().layers[Number(name.split('.')[0])];
    return config === undefined ? '' : ` (layer ${name.split('.')[0]}: ${config.type})`;
  };
  const ignored = options.ignorePrefixes ?? [];
  const unexpected = [...tensors.keys()].filter(
    (n) => !targets.has(n) && !ignored.some((prefix) => n.startsWith(prefix)),
  );
  if (unexpected.length > 0) {
    throw new SerializationError(
      file,
      `unexpected tensor${unexpected.length > 1 ? 's' : ''} ${unexpected.map((n) => `'${n}'`).join(', ')}: not part of the architecture`,
    );
  }
  const missing = [...targets.keys()].filter((n) => !tensors.has(n));
  if (missing.length > 0) {
    throw new SerializationError(
      file,
      `missing tensor${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'${layerOf(n)}`).join(', ')}`,
    );
  }
  // Validate everything before copying anything, so a bad file leaves the model untouched.
  const ints = new Map<string, Int32Array>();
  for (const [name, target] of targets) {
    const entry = tensors.get(name)!;
    if (!shapesEqual(entry.shape, target.shape)) {
      throw new SerializationError(
        file,
        `tensor '${name}'${layerOf(name)} has shape ${formatShape(entry.shape)}, but the architecture needs ${formatShape(target.shape)}`,
      );
    }
    const int = isIntTensor(target);
    if (int ? entry.dtype !== 'I64' && entry.dtype !== 'I32' : entry.dtype !== 'F32') {
      throw new SerializationError(
        file,
        `tensor '${name}'${layerOf(name)} has dtype ${entry.dtype}, expected ${int ? 'I64 or I32' : 'F32'}`,
      );
    }
    if (int) ints.set(name, intValues(entry, name, file));
  }
  if (options.copy === false) return;
  for (const [name, target] of targets) {
    const values = ints.get(name);
    if (values !== undefined) (target as IntTensor).data.set(values);
    else bytesOf(target).set(tensors.get(name)!.data);
  }
}
