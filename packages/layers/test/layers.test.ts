import { IntTensor, Random, Tensor, listBackends, setBackend } from '@scratchnet/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AvgPool2D,
  AvgPool2d,
  BatchNorm2d,
  Conv2D,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  type LayerConfig,
  type ModelConfig,
  LeakyReLU,
  MaxPool2D,
  MaxPool2d,
  PRESET_NAMES,
  Sequential,
  createModel,
  fansOf,
  initialize,
  layerFromConfig,
  layerTypes,
  resolvePresetName,
} from '../src/index.js';
import { rand } from './gradcheck.js';

/** Direct float64 convolution from the definition (PyTorch's: cross-correlation, OIHW weights). */
function naiveConv(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  stride: number,
  pad: number,
): { data: number[]; shape: number[] } {
  const [n, c, h, wd] = x.shape;
  const [o, , kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - kw) / stride) + 1;
  const out: number[] = [];
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let s = b === null ? 0 : b.data[oi];
          for (let ci = 0; ci < c; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const r = y * stride - pad + i;
                const q = xx * stride - pad + j;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                s += x.data[((ni * c + ci) * h + r) * wd + q] * w.data[((oi * c + ci) * kh + i) * kw + j];
              }
          out.push(s);
        }
  return { data: out, shape: [n, o, oh, ow] };
}

describe.each(listBackends())('layers: forward values and PyTorch layouts (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it('Conv2d matches a direct float64 convolution with OIHW weights (stride 2, padding 1)', () => {
    const conv = new Conv2d({ filters: 3, kernelSize: 3, stride: 2, padding: 1 });
    expect(conv.build([2, 7, 6], new Random(1))).toEqual([3, 4, 3]);
    const [w, b] = conv.parameters();
    expect(w.value.shape).toEqual([3, 2, 3, 3]);
    expect(b.value.shape).toEqual([3]);
    const x = rand([2, 2, 7, 6], 2);
    const y = conv.forward(x);
    const ref = naiveConv(x, w.value, b.value, 2, 1);
    expect(y.shape).toEqual(ref.shape);
    y.data.forEach((v, i) => {
      expect(v).toBeCloseTo(ref.data[i], 5);
    });
  });

  it('Dense computes x·Wᵀ + b with W: [out, in] (hand-worked)', () => {
    const dense = new Dense(2);
    dense.build([3], new Random(0));
    const [w, b] = dense.parameters();
    expect(w.value.shape).toEqual([2, 3]);
    w.value.data.set([1, 2, 3, 4, 5, 6]);
    b.value.data.set([0.5, -1]);
    const y = dense.forward(Tensor.fromArray([[1, 0, -1]]));
    expect(Array.from(y.data)).toEqual([1 - 3 + 0.5, 4 - 6 - 1]);
  });

  it('Flatten keeps C·H·W order', () => {
    const f = new Flatten();
    expect(f.build([2, 2, 3], new Random(0))).toEqual([12]);
    const x = Tensor.fromArray(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 2, 2, 3],
    );
    const y = f.forward(x);
    expect(y.shape).toEqual([2, 12]);
    expect(Array.from(y.data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('MaxPool2d and AvgPool2d (hand-worked)', () => {
    const x = Tensor.fromArray([
      [
        [
          [1, 5, 2, 0],
          [3, 4, 8, 1],
          [0, 0, 1, 1],
          [-1, 2, 1, 7],
        ],
      ],
    ]);
    const mp = new MaxPool2d(2);
    mp.build([1, 4, 4], new Random(0));
    expect(mp.forward(x).toArray()).toEqual([
      [
        [
          [5, 8],
          [2, 7],
        ],
      ],
    ]);
    const ap = new AvgPool2d(2);
    ap.build([1, 4, 4], new Random(0));
    expect(ap.forward(x).toArray()).toEqual([
      [
        [
          [13 / 4, 11 / 4],
          [1 / 4, 10 / 4],
        ],
      ],
    ]);
  });

  it('LeakyReLU uses its slope; Dropout is the identity in evaluation and inverted in training', () => {
    const l = new LeakyReLU(0.2);
    l.build([3], new Random(0));
    expect(Array.from(l.forward(Tensor.fromArray([[-1, 0, 2]])).data)).toEqual([Math.fround(-0.2), 0, 2]);
    const d = new Dropout(0.5);
    d.build([1000], new Random(0));
    const x = rand([1, 1000], 1, 1, 2);
    expect(d.forward(x)).toBe(x);
    const y = d.forward(x, { training: true }).data;
    let kept = 0;
    for (let i = 0; i < 1000; i++) {
      if (y[i] !== 0) {
        kept++;
        expect(y[i]).toBeCloseTo(2 * x.data[i], 5);
      }
    }
    expect(kept).toBeGreaterThan(430);
    expect(kept).toBeLessThan(570);
  });

  it('BatchNorm2d: batch statistics in training, PyTorch running-statistics update, eval uses them', () => {
    const bn = new BatchNorm2d({ momentum: 0.1 });
    bn.build([1, 1, 2], new Random(0));
    const x = Tensor.fromArray([[[[1, 3]]], [[[5, 7]]]]); // channel values 1, 3, 5, 7: mean 4, var 5 (biased)
    const y = bn.forward(x, { training: true }).data;
    const inv = 1 / Math.sqrt(5 + 1e-5);
    [-3, -1, 1, 3].forEach((d, i) => {
      expect(y[i]).toBeCloseTo(d * inv, 5);
    });
    const [mean, variance, tracked] = bn.buffers();
    expect(mean.value.data[0]).toBeCloseTo(0.4, 6); // 0.9·0 + 0.1·4
    expect(variance.value.data[0]).toBeCloseTo(0.9 + 0.1 * (20 / 3), 5); // unbiased 20/3
    expect(tracked.value).toBeInstanceOf(IntTensor);
    expect(tracked.value.shape).toEqual([]);
    expect(tracked.value.data[0]).toBe(1);
    const e = bn.forward(x).data;
    expect(e[0]).toBeCloseTo((1 - 0.4) / Math.sqrt(0.9 + 0.1 * (20 / 3) + 1e-5), 5);
    expect(tracked.value.data[0]).toBe(1);
  });
});

describe('initializers', () => {
  it('PyTorch defaults: weights and biases U(±1/√fanIn)', () => {
    const conv = new Conv2d({ filters: 64, kernelSize: 3 });
    conv.build([16, 8, 8], new Random(1));
    const [w, b] = conv.parameters();
    const bound = 1 / Math.sqrt(16 * 9);
    let sq = 0;
    for (const v of w.value.data) {
      expect(Math.abs(v)).toBeLessThanOrEqual(bound);
      sq += v * v;
    }
    // the variance of U(−a, a) is a²/3
    expect(Math.sqrt(sq / w.value.size) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
    for (const v of b.value.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('He and Glorot: standard deviations and bounds as torch.nn.init', () => {
    const t = new Tensor([200, 100]);
    const fans = fansOf(t.shape);
    expect(fans).toEqual({ fanIn: 100, fanOut: 200 });
    const std = (): number => Math.sqrt(t.data.reduce((s, v) => s + v * v, 0) / t.size);
    const max = (): number => t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    initialize(t, 'heNormal', fans, new Random(2));
    expect(std() / Math.sqrt(2 / 100)).toBeCloseTo(1, 1);
    initialize(t, 'heUniform', fans, new Random(3));
    expect(max()).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    expect(max()).toBeGreaterThan(0.99 * Math.sqrt(6 / 100));
    initialize(t, 'glorotNormal', fans, new Random(4));
    expect(std() / Math.sqrt(2 / 300)).toBeCloseTo(1, 1);
    initialize(t, 'glorotUniform', fans, new Random(5));
    expect(max()).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    initialize(t, 'zeros', fans, new Random(6));
    expect(max()).toBe(0);
  });

  it('per-layer overrides, recorded in the config; the same seed gives the same weights', () => {
    const make = (): Sequential =>
      new Sequential(
        [
          new Flatten(),
          new Dense({ units: 4, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }),
        ],
        {
          inputShape: [2, 3],
          seed: 7,
        },
      );
    const a = make();
    const b = make();
    expect(Array.from(a.namedParameters()[0].value.data)).toEqual(
      Array.from(b.namedParameters()[0].value.data),
    );
    expect(Array.from(a.namedParameters()[1].value.data)).toEqual([0, 0, 0, 0]);
    expect(a.getConfig().layers[1]).toMatchObject({
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    });
    expect(() => new Dense({ units: 2, kernelInitializer: 'lecun' as never })).toThrow(
      "Dense: unknown initializer 'lecun'",
    );
  });
});

describe('configs', () => {
  it('initialize: false leaves the weights zero and draws nothing (for models about to be loaded)', () => {
    const config = createModel('simple-cnn', { seed: 3 }).getConfig();
    const drawn = Sequential.fromConfig(config, { seed: 3 });
    const bare = Sequential.fromConfig(config, { seed: 3, initialize: false });
    expect(drawn.namedParameters().every((p) => p.value.data.some((v) => v !== 0))).toBe(true);
    expect(bare.namedParameters().every((p) => p.value.data.every((v) => v === 0))).toBe(true);
    // The random stream is untouched, so dropout draws start from the seed.
    expect(bare.rng.getState()).toEqual(
      new Sequential([new Flatten()], { inputShape: [1], seed: 3 }).rng.getState(),
    );
  });

  it('reads the type strings and preset name used before the PyTorch casing', () => {
    const old: ModelConfig = {
      inputShape: [1, 8, 8],
      layers: [
        { type: 'Conv2D', filters: 2, kernelSize: [3, 3], padding: 1 },
        { type: 'MaxPool2D', poolSize: [2, 2] },
        { type: 'AvgPool2D', poolSize: [2, 2] },
      ],
    };
    const model = Sequential.fromConfig(old, { seed: 1 });
    expect(model.layers.map((l) => l.type)).toEqual(['Conv2d', 'MaxPool2d', 'AvgPool2d']);
    expect(model.layers[0]).toBeInstanceOf(Conv2d);
    expect(model.getConfig().layers.map((l) => l.type)).toEqual(['Conv2d', 'MaxPool2d', 'AvgPool2d']);
    // The deprecated aliases are the same classes.
    expect(Conv2D).toBe(Conv2d);
    expect(MaxPool2D).toBe(MaxPool2d);
    expect(AvgPool2D).toBe(AvgPool2d);
    expect(layerTypes()).not.toContain('Conv2D');
    // 'seed' still builds the simple-cnn preset, weight for weight.
    const a = createModel('seed', { seed: 5 });
    const b = createModel('simple-cnn', { seed: 5 });
    expect(a.getConfig()).toEqual(b.getConfig());
    expect(Array.from(a.namedParameters()[0].value.data)).toEqual(
      Array.from(b.namedParameters()[0].value.data),
    );
    expect(PRESET_NAMES).toContain('simple-cnn');
    expect(PRESET_NAMES).not.toContain('seed');
    expect(resolvePresetName('seed')).toBe('simple-cnn');
    expect(resolvePresetName('nope')).toBeUndefined();
  });

  it('every layer round-trips through JSON', () => {
    for (const name of ['simple-cnn', 'mlp', 'lenet5', 'strong'] as const) {
      const model = createModel(name, { seed: 3 });
      const json = JSON.parse(JSON.stringify(model.getConfig()));
      const again = Sequential.fromConfig(json, { seed: 3 });
      expect(again.getConfig()).toEqual(model.getConfig());
      // same seed, same architecture: same initial weights
      const pa = model.namedParameters();
      const pb = again.namedParameters();
      expect(pb.map((p) => p.name)).toEqual(pa.map((p) => p.name));
      // Element-wise deep equality over the 800k weights of a Dense layer takes seconds: compare
      // lengths and find the first differing element instead.
      pa.forEach((p, i) => {
        const x = p.value.data;
        const y = pb[i].value.data;
        expect(y.length, p.name).toBe(x.length);
        expect(
          x.findIndex((v, j) => !Object.is(v, y[j])),
          `${name} ${p.name}: first differing element`,
        ).toBe(-1);
      });
    }
    const extra: LayerConfig[] = [
      { type: 'AvgPool2d', poolSize: [3, 3], stride: [1, 1], padding: 'same', countIncludePad: false },
      { type: 'LeakyReLU', alpha: 0.3 },
      {
        type: 'Conv2d',
        filters: 2,
        kernelSize: [3, 1],
        stride: [2, 1],
        padding: [1, 0],
        useBias: false,
        kernelInitializer: 'heNormal',
        biasInitializer: 'default',
      },
    ];
    for (const c of extra) expect(layerFromConfig(c).getConfig()).toEqual(c);
  });

  it('bad configs fail clearly', () => {
    expect(() => layerFromConfig({ type: 'Conv3D' })).toThrow("unknown layer type 'Conv3D'");
    expect(() => layerFromConfig({ type: 'Dense', units: -2 })).toThrow(
      "Dense config: 'units' must be a positive integer, got -2",
    );
    expect(() => layerFromConfig({ type: 'Conv2d', filters: 4, kernelSize: 'big' })).toThrow(
      'Conv2d config: \'kernelSize\' must be a positive integer or a pair [h, w] of them, got "big"',
    );
    expect(() =>
      Sequential.fromConfig({ inputShape: [1, 28, 28], layers: [{ type: 'Flatten' }, { type: 'Nope' }] }),
    ).toThrow("Sequential.fromConfig: layer 1: unknown layer type 'Nope'");
    expect(() => Sequential.fromConfig({ inputShape: [0], layers: [] })).toThrow(
      'inputShape must be a list of positive integers',
    );
  });
});
