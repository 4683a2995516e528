import { getBackend } from './registry.js';
import { type Shape, ShapeError, assertValidShape, formatShape, shapesEqual, sizeOf } from './shape.js';
import type { Storage } from './storage.js';

/** Nested number arrays, as returned by `toArray()` and accepted by `fromArray()`. */
export type NestedArray = number | NestedArray[];

type Elements = Float32Array | Int32Array;

/**
 * Shared machinery of float and integer tensors: a shape and a contiguous, row-major window
 * (`offset`, `size`) into a {@link Storage}. Views (`reshape`, `narrow`) share storage; nothing
 * here ever needs disposing: storage is reclaimed by the garbage collector.
 */
abstract class TensorBase<A extends Elements> {
  /** Extent of each axis, outermost first. */
  readonly shape: Shape;
  /** Number of elements (the product of `shape`). */
  readonly size: number;
  /** The storage the elements live in (possibly shared with other views). */
  readonly storage: Storage;
  /** Element offset of this tensor's first element inside `storage`. */
  readonly offset: number;
  private view: A | undefined;

  protected constructor(shape: Shape, storage: Storage | undefined, offset: number) {
    assertValidShape(shape, 'tensor');
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.storage = storage ?? getBackend().allocate(this.size);
    this.offset = offset;
    if (offset < 0 || offset + this.size > this.storage.length) {
      throw new RangeError(
        `tensor: a ${formatShape(shape)} view at offset ${offset} does not fit in storage of ${this.storage.length} elements`,
      );
    }
  }

  protected abstract makeView(buffer: ArrayBufferLike, byteOffset: number, length: number): A;

  /**
   * The elements, as a typed array over the tensor's own window of storage (no copy). Take it again
   * after running kernels rather than keeping it: a backend's memory may have grown meanwhile.
   */
  get data(): A {
    const buf = this.storage.buffer();
    if (this.view === undefined || this.view.buffer !== buf) {
      this.view = this.makeView(buf, this.storage.byteOffset + this.offset * 4, this.size);
    }
    return this.view;
  }

  /** Byte address of the first element in the storage's buffer (a pointer, for wasm kernels). */
  get byteAddress(): number {
    return this.storage.byteOffset + this.offset * 4;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Resolves one `-1` in a requested shape and checks the element count. */
  protected resolveShape(shape: Shape, op: string): number[] {
    const out = [...shape];
    const free = out.indexOf(-1);
    if (free !== out.lastIndexOf(-1))
      throw new ShapeError(`${op}: at most one axis may be -1, got ${formatShape(shape)}`);
    if (free >= 0) {
      const rest = out.reduce((p, d, i) => (i === free ? p : p * d), 1);
      if (rest === 0 || this.size % rest !== 0) {
        throw new ShapeError(`${op}: cannot reshape ${formatShape(this.shape)} to ${formatShape(shape)}`);
      }
      out[free] = this.size / rest;
    }
    if (sizeOf(out) !== this.size) {
      throw new ShapeError(
        `${op}: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)} (${sizeOf(out)} elements)`,
      );
    }
    return out;
  }

  /** Checks a `narrow` request along axis 0 and returns the element offset and new shape. */
  protected narrowWindow(start: number, length: number): [number, number[]] {
    if (this.shape.length === 0) throw new ShapeError('narrow: a scalar has no axis 0');
    const n = this.shape[0];
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(length) ||
      start < 0 ||
      length < 0 ||
      start + length > n
    ) {
      throw new ShapeError(
        `narrow: rows [${start}, ${start + length}) are outside axis 0 of ${formatShape(this.shape)}`,
      );
    }
    const rowSize = n === 0 ? 0 : this.size / n;
    return [this.offset + start * rowSize, [length, ...this.shape.slice(1)]];
  }

  /** The elements as nested arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    const data = this.data;
    const build = (axis: number, base: number): NestedArray => {
      if (axis === this.shape.length) return data[base];
      const step = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, base + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError(
        `item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`,
      );
    return this.data[0];
  }

  /** Sets every element to `value`. Returns this tensor. */
  fill(value: number): this {
    this.data.fill(value);
    return this;
  }

  /** Throws a ShapeError naming `op` unless this tensor has exactly `shape`. */
  assertShape(op: string, what: string, shape: Shape): void {
    if (!shapesEqual(this.shape, shape)) {
      throw new ShapeError(
        `${op}: ${what} has shape ${formatShape(this.shape)}, expected ${formatShape(shape)}`,
      );
    }
  }
}

/**
 * An N-d float32 tensor: contiguous row-major storage plus a shape.
 *
 * @example
 * ```ts
 * const x = Tensor.fromArray([[1, 2, 3], [4, 5, 6]]); // shape [2, 3]
 * x.reshape([3, 2]).data; // Float32Array [1, 2, 3, 4, 5, 6] (same storage)
 * ```
 */
export class Tensor extends TensorBase<Float32Array> {
  /**
   * Wraps `storage` (or fresh storage from the current backend) as a tensor of `shape`. Fresh storage
   * is not guaranteed to be zeroed: use {@link zeros} for that.
   */
  constructor(shape: Shape, storage?: Storage, offset = 0) {
    super(shape, storage, offset);
  }

  protected makeView(buffer: ArrayBufferLike, byteOffset: number, length: number): Float32Array {
    return new Float32Array(buffer, byteOffset, length);
  }

  /** A float tensor of `shape` holding a copy of `values` (nested arrays or a flat typed array/list). */
  static fromArray(values: NestedArray | ArrayLike<number>, shape?: Shape): Tensor {
    return fromValues(values, shape, (s) => new Tensor(s), 'fromArray');
  }

  /** Same elements, new shape (one axis may be -1). Shares storage: no copy. */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.resolveShape(shape, 'reshape'), this.storage, this.offset);
  }

  /** Rows `[start, start + length)` along axis 0, sharing storage (like PyTorch `narrow(0, …)`). */
  narrow(start: number, length: number): Tensor {
    const [offset, shape] = this.narrowWindow(start, length);
    return new Tensor(shape, this.storage, offset);
  }

  /** A copy with storage of its own, on the current backend. */
  clone(): Tensor {
    const out = new Tensor(this.shape);
    out.data.set(this.data);
    return out;
  }

  /** Short description with shape and the first few values. */
  override toString(): string {
    const head = Array.from(this.data.subarray(0, 8), (v) => +v.toPrecision(5)).join(', ');
    return `Tensor${formatShape(this.shape)} [${head}${this.size > 8 ? ', …' : ''}]`;
  }
}

/**
 * An N-d int32 tensor: labels, class indices and max-pooling argmax. Same storage model as
 * {@link Tensor}, so a backend's kernels can read it in place.
 */
export class IntTensor extends TensorBase<Int32Array> {
  constructor(shape: Shape, storage?: Storage, offset = 0) {
    super(shape, storage, offset);
  }

  protected makeView(buffer: ArrayBufferLike, byteOffset: number, length: number): Int32Array {
    return new Int32Array(buffer, byteOffset, length);
  }

  /** An int tensor holding a copy of `values` (truncated to int32). */
  static fromArray(values: NestedArray | ArrayLike<number>, shape?: Shape): IntTensor {
    return fromValues(values, shape, (s) => new IntTensor(s), 'IntTensor.fromArray');
  }

  /** Same elements, new shape (one axis may be -1). Shares storage. */
  reshape(shape: Shape): IntTensor {
    return new IntTensor(this.resolveShape(shape, 'reshape'), this.storage, this.offset);
  }

  /** Rows `[start, start + length)` along axis 0, sharing storage. */
  narrow(start: number, length: number): IntTensor {
    const [offset, shape] = this.narrowWindow(start, length);
    return new IntTensor(shape, this.storage, offset);
  }

  /** A copy with storage of its own. */
  clone(): IntTensor {
    const out = new IntTensor(this.shape);
    out.data.set(this.data);
    return out;
  }

  override toString(): string {
    const head = Array.from(this.data.subarray(0, 8)).join(', ');
    return `IntTensor${formatShape(this.shape)} [${head}${this.size > 8 ? ', …' : ''}]`;
  }
}

/** Either kind of tensor. */
export type AnyTensor = Tensor | IntTensor;

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function fromValues<T extends AnyTensor>(
  values: NestedArray | ArrayLike<number>,
  shape: Shape | undefined,
  make: (shape: Shape) => T,
  op: string,
): T {
  if (typeof values === 'number') return fillFlat(make(shape ?? []), [values], op);
  if (Array.isArray(values) && values.some((v) => Array.isArray(v))) {
    const inferred = inferShape(values);
    const flat = (values as unknown[]).flat(Number.POSITIVE_INFINITY) as number[];
    if (flat.length !== sizeOf(inferred)) throw new ShapeError(`${op}: nested arrays are ragged`);
    if (shape !== undefined && sizeOf(shape) !== flat.length) {
      throw new ShapeError(`${op}: ${flat.length} values do not fill shape ${formatShape(shape)}`);
    }
    return fillFlat(make(shape ?? inferred), flat, op);
  }
  const flat = values as ArrayLike<number>;
  const s = shape ?? [flat.length];
  if (sizeOf(s) !== flat.length)
    throw new ShapeError(`${op}: ${flat.length} values do not fill shape ${formatShape(s)}`);
  return fillFlat(make(s), flat, op);
}

function fillFlat<T extends AnyTensor>(t: T, flat: ArrayLike<number>, op: string): T {
  if (flat.length !== t.size)
    throw new ShapeError(`${op}: ${flat.length} values do not fill shape ${formatShape(t.shape)}`);
  t.data.set(flat);
  return t;
}
