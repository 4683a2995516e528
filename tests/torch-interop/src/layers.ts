/**
 * Layer specs that both sides build from: the TypeScript side makes a scratchnet layer, the Python
 * side the matching torch.nn module, so neither reads the other's configuration format.
 */
import * as L from '@scratchnet/layers';

type Size = number | [number, number];

/** A layer, described once for both libraries. */
export type LayerSpec =
  | { kind: 'conv2d'; in: number; out: number; kernel: Size; stride?: Size; padding?: Size; bias?: boolean }
  | { kind: 'maxpool2d'; kernel: Size; stride?: Size; padding?: Size }
  | { kind: 'avgpool2d'; kernel: Size; stride?: Size; padding?: Size; countIncludePad?: boolean }
  | { kind: 'linear'; in: number; out: number; bias?: boolean }
  | { kind: 'flatten' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' }
  | { kind: 'leakyrelu'; slope: number }
  | { kind: 'batchnorm1d' | 'batchnorm2d'; features: number; momentum?: number; eps?: number }
  | { kind: 'dropout'; p: number };

/** The scratchnet layer of a spec. */
export function ourLayer(s: LayerSpec): L.Layer {
  switch (s.kind) {
    case 'conv2d':
      return new L.Conv2d({
        filters: s.out,
        kernelSize: s.kernel,
        stride: s.stride ?? 1,
        padding: s.padding ?? 0,
        useBias: s.bias ?? true,
      });
    case 'maxpool2d':
      return new L.MaxPool2d({ poolSize: s.kernel, stride: s.stride ?? s.kernel, padding: s.padding ?? 0 });
    case 'avgpool2d':
      return new L.AvgPool2d({
        poolSize: s.kernel,
        stride: s.stride ?? s.kernel,
        padding: s.padding ?? 0,
        countIncludePad: s.countIncludePad ?? true,
      });
    case 'linear':
      return new L.Dense({ units: s.out, useBias: s.bias ?? true });
    case 'flatten':
      return new L.Flatten();
    case 'relu':
      return new L.ReLU();
    case 'sigmoid':
      return new L.Sigmoid();
    case 'tanh':
      return new L.Tanh();
    case 'softmax':
      return new L.Softmax();
    case 'leakyrelu':
      return new L.LeakyReLU(s.slope);
    case 'batchnorm1d':
      return new L.BatchNorm1d({ momentum: s.momentum, eps: s.eps });
    case 'batchnorm2d':
      return new L.BatchNorm2d({ momentum: s.momentum, eps: s.eps });
    case 'dropout':
      return new L.Dropout(s.p);
  }
}
