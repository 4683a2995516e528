import {
  type Padding2d,
  type Pool2dGeometry,
  type Pool2dOptions as PoolWindow,
  type Shape,
  type Size2d,
  type Tensor,
  formatShape,
  pair,
  pool2dGeometry,
} from '@scratchnet/tensor';
import { ConfigReader } from '../config.js';
import { BaseLayer, type LayerConfig } from '../layer.js';

/** Options of {@link MaxPool2d} and {@link AvgPool2d}. */
export interface Pool2dOptions {
  /** Window size: `2` or `[kH, kW]` (default 2). */
  poolSize?: Size2d;
  /** Default: the window size (PyTorch, Keras). */
  stride?: Size2d;
  /** Zero padding (at most half the window; padding never wins a max). Default 0. */
  padding?: Padding2d;
}

/** Shared by the pooling layers: window options, geometry per batch size, shape inference. */
export abstract class Pool2dLayer extends BaseLayer {
  readonly poolSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding2d;
  private geometry: Pool2dGeometry | undefined;
  protected x: Tensor | undefined;
  protected y: Tensor | undefined;

  constructor(options: Pool2dOptions | number = {}) {
    super();
    const o = typeof options === 'number' ? { poolSize: options } : options;
    this.poolSize = pair(o.poolSize ?? 2);
    this.stride = pair(o.stride ?? this.poolSize);
    const p = o.padding ?? 0;
    this.padding = typeof p === 'string' || typeof p === 'number' ? p : [p[0], p[1]];
  }

  /** Reads the options shared by pooling configs. */
  protected static readOptions(config: LayerConfig): Pool2dOptions {
    const r = new ConfigReader(config);
    const poolSize = r.size2d('poolSize', 2);
    return { poolSize, stride: r.size2d('stride', pair(poolSize)), padding: r.padding('padding') };
  }

  override describe(): string {
    return `${this.type}(${this.poolSize[0]}×${this.poolSize[1]})`;
  }

  protected doBuild(inputShape: Shape): Shape {
    if (inputShape.length !== 3) {
      throw this.shapeError(`expects input [C, H, W], got ${formatShape(inputShape)}`);
    }
    const g = pool2dGeometry([1, ...inputShape], this.poolSize, this.stride, this.padding, this.label);
    // A batch of one's: `resolvedPadding` and a one-sample forward need not work it out again.
    this.geometry = g;
    return [inputShape[0], g.outHeight, g.outWidth];
  }

  /** Geometry for x's batch size, recomputed only when it changes. */
  protected geom(x: Tensor): Pool2dGeometry {
    const g = this.geometry;
    if (g !== undefined && g.batch === x.shape[0]) return g;
    return (this.geometry = pool2dGeometry(x.shape, this.poolSize, this.stride, this.padding, this.label));
  }

  /** Geometry for a batch of n inputs of the built shape (see {@link geom}). */
  protected geomOfBatch(n: number): Pool2dGeometry {
    const g = this.geometry;
    if (g !== undefined && g.batch === n) return g;
    return (this.geometry = pool2dGeometry(
      [n, ...this.inputShape],
      this.poolSize,
      this.stride,
      this.padding,
      this.label,
    ));
  }

  /** The window options of the pooling ops, with the padding resolved by `g`. */
  protected window(g: Pool2dGeometry): PoolWindow {
    return { kernelSize: this.poolSize, stride: this.stride, padding: [g.padH, g.padW] };
  }

  /** Resolved `[padH, padW]` (after build). */
  get resolvedPadding(): [number, number] {
    const g =
      this.geometry ??
      pool2dGeometry([1, ...this.inputShape], this.poolSize, this.stride, this.padding, this.label);
    return [g.padH, g.padW];
  }

  protected baseConfig(): LayerConfig {
    const p = this.padding;
    return {
      type: this.type,
      poolSize: [...this.poolSize],
      stride: [...this.stride],
      padding: typeof p === 'string' || typeof p === 'number' ? p : [p[0], p[1]],
    };
  }
}

/** @deprecated Renamed {@link Pool2dLayer} (PyTorch casing); this alias goes in the next minor release. */
export const Pool2DLayer = Pool2dLayer;
/** @deprecated Renamed {@link Pool2dLayer}. */
export type Pool2DLayer = Pool2dLayer;
/** @deprecated Renamed {@link Pool2dOptions}. */
export type Pool2DOptions = Pool2dOptions;
