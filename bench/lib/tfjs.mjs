// The seed network in TensorFlow.js (Keras-style layers, NHWC), trained with the same batch size,
// loss and optimizer as ours. The wasm backend of TF.js 4.22 lacks Conv2DBackpropFilter, so training a
// conv net needs the plain-JS fallback registered below (said so in the results).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let fallbackRegistered = false;

/** Switches TF.js to `name` ('cpu' or 'wasm'); returns the backend name actually active. */
export async function useTfBackend(name) {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    registerConv2DBackpropFilterFallback();
  }
  await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend();
}

/**
 * Conv2DBackpropFilter for TF.js's wasm backend, in plain JavaScript (NHWC input, HWIO filter):
 * dW[i, j, c, o] = Σ_n,oh,ow x[n, oh·sh − pt + i, ow·sw − pl + j, c] · dy[n, oh, ow, o].
 */
export function registerConv2DBackpropFilterFallback() {
  if (fallbackRegistered) return;
  fallbackRegistered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs;
      const { strides, pad, dimRoundingMode, filterShape } = attrs;
      const [N, H, W, C] = x.shape;
      const [, OH, OW, O] = dy.shape;
      const [KH, KW] = filterShape;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape,
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const xd = backend.readSync(x.dataId);
      const dyd = backend.readSync(dy.dataId);
      const out = backend.makeOutput(filterShape, 'float32');
      const dw = backend.typedArrayFromHeap(out);
      dw.fill(0);
      const pt = info.padInfo.top;
      const pl = info.padInfo.left;
      const sh = info.strideHeight;
      const sw = info.strideWidth;
      for (let n = 0; n < N; n++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++) {
            const dyo = ((n * OH + oh) * OW + ow) * O;
            for (let i = 0; i < KH; i++) {
              const ih = oh * sh - pt + i;
              if (ih < 0 || ih >= H) continue;
              for (let j = 0; j < KW; j++) {
                const iw = ow * sw - pl + j;
                if (iw < 0 || iw >= W) continue;
                const xo = ((n * H + ih) * W + iw) * C;
                for (let c = 0; c < C; c++) {
                  const xv = xd[xo + c];
                  const wo = ((i * KW + j) * C + c) * O;
                  for (let o = 0; o < O; o++) dw[wo + o] += xv * dyd[dyo + o];
                }
              }
            }
          }
        }
      }
      return out;
    },
  });
}

/** The seed network: Conv 3×3×32 same + ReLU → MaxPool 2 → Flatten → Dense 128 + ReLU → Dense 10 (logits). */
export function seedModel() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** A training step function over our dataset's batches (x [B, 1, 28, 28] = NHWC with C = 1). */
export function trainer(model, lr, momentum) {
  const opt = tf.train.momentum(lr, momentum);
  return (batch) => {
    tf.tidy(() => {
      const x = tf.tensor4d(batch.x.data.slice(), [batch.size, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(batch.y.data.slice(), 'int32'), 10);
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), false);
    });
  };
}

export { tf };
