import type { Random, Shape, Tensor } from '@scratchnet/tensor';

/**
 * Weight initializers, named as in Keras and computed as in PyTorch's `torch.nn.init`:
 * - `'default'`: what PyTorch's Conv2d and Linear do: weights `kaiming_uniform_(a=√5)`, i.e.
 *   U(−1/√fanIn, 1/√fanIn); biases U(−1/√fanIn, 1/√fanIn).
 * - `'heNormal'` / `'heUniform'`: Kaiming for ReLU (gain √2, fan-in): N(0, 2/fanIn), U(±√(6/fanIn)).
 * - `'glorotNormal'` / `'glorotUniform'`: Xavier: N(0, 2/(fanIn+fanOut)), U(±√(6/(fanIn+fanOut))).
 * - `'zeros'`, `'ones'`.
 */
export type InitializerName =
  | 'default'
  | 'heNormal'
  | 'heUniform'
  | 'glorotNormal'
  | 'glorotUniform'
  | 'zeros'
  | 'ones';

/** Every initializer name, for validation and help texts. */
export const INITIALIZERS: readonly InitializerName[] = [
  'default',
  'heNormal',
  'heUniform',
  'glorotNormal',
  'glorotUniform',
  'zeros',
  'ones',
];

/** Fan-in and fan-out of a weight. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fans of a weight laid out `[out, in, ...kernel]` (Dense `[out, in]`, Conv2d OIHW), as PyTorch's
 * `_calculate_fan_in_and_fan_out`: fanIn = in·∏kernel, fanOut = out·∏kernel.
 */
export function fansOf(shape: Shape): Fans {
  if (shape.length < 2) throw new RangeError(`fansOf: a weight needs at least 2 axes, got [${shape}]`);
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Throws unless `name` is a known initializer (configs come from files). */
export function checkInitializer(name: string, where: string): InitializerName {
  if (!(INITIALIZERS as readonly string[]).includes(name)) {
    throw new TypeError(`${where}: unknown initializer '${name}' (known: ${INITIALIZERS.join(', ')})`);
  }
  return name as InitializerName;
}

/**
 * Fills `t` in row-major order with draws from `rng`. `fans` are the fans of the layer's weight (also
 * for its bias, as in PyTorch).
 */
export function initialize(t: Tensor, name: InitializerName, fans: Fans, rng: Random): void {
  const data = t.data;
  const { fanIn, fanOut } = fans;
  switch (name) {
    case 'default': {
      // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fanIn) = 1/√fanIn; PyTorch draws
      // the bias from the same bound.
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      rng.fillUniform(data, -bound, bound);
      return;
    }
    case 'heNormal':
      rng.fillNormal(data, 0, Math.sqrt(2 / fanIn));
      return;
    case 'heUniform': {
      const bound = Math.sqrt(6 / fanIn);
      rng.fillUniform(data, -bound, bound);
      return;
    }
    case 'glorotNormal':
      rng.fillNormal(data, 0, Math.sqrt(2 / (fanIn + fanOut)));
      return;
    case 'glorotUniform': {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      rng.fillUniform(data, -bound, bound);
      return;
    }
    case 'zeros':
      data.fill(0);
      return;
    case 'ones':
      data.fill(1);
      return;
  }
}
