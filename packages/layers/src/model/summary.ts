import { type Tensor, formatShape } from '@scratchnet/tensor';
import { BaseLayer } from '../layer.js';
import type { Sequential } from './sequential.js';

const group = (n: number): string => n.toLocaleString('en-US');

/**
 * A Keras-like table of a model: index, layer, output shape (per sample) and parameter count, then
 * totals. Non-trainable parameters are the float buffers (BatchNorm running statistics), as Keras
 * counts them.
 */
export function summarize(model: Sequential): string {
  const rows: [string, string, string, string][] = [['#', 'Layer', 'Output shape', 'Params']];
  rows.push(['', 'Input', formatShape(model.inputShape), '']);
  let trainable = 0;
  let frozen = 0;
  model.layers.forEach((layer, i) => {
    const params = layer.parameters().reduce((n, p) => n + p.value.size, 0);
    trainable += params;
    for (const b of layer.buffers())
      if (b.value.data instanceof Float32Array) frozen += (b.value as Tensor).size;
    const name = layer instanceof BaseLayer ? layer.describe() : layer.type;
    rows.push([String(i), name, formatShape(model.layerOutputShapes[i]), group(params)]);
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    `${r[0].padStart(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3].padStart(widths[3])}`;
  const width = widths.reduce((a, b) => a + b, 0) + 6;
  return [
    line(rows[0]),
    '═'.repeat(width),
    ...rows.slice(1).map(line),
    '═'.repeat(width),
    `Total params: ${group(trainable + frozen)}`,
    `Trainable params: ${group(trainable)}`,
    `Non-trainable params: ${group(frozen)}`,
  ].join('\n');
}
