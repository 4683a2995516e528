import { Text } from 'ink';
import type { FiltersInfo } from '../protocol.js';
import { halfBlockLines, normalizeToBytes, upscale } from './image.js';
import { Lines, Panel } from './Panel.js';

/** Props of {@link Filters}. */
export interface FiltersProps {
  filters: FiltersInfo | null;
  width: number;
  /** Content rows available. */
  rows: number;
}

/** Cell columns and text rows one filter takes at integer `scale`. */
function footprint(kW: number, kH: number, scale: number): [number, number] {
  return [kW * scale, Math.ceil((kH * scale) / 2)];
}

/**
 * The first convolution's filters, each scaled to its own min/max (black: most negative weight,
 * white: most positive), channels averaged, drawn in half blocks and enlarged as far as they fit.
 */
export function Filters({ filters, width, rows }: FiltersProps) {
  if (filters === null) {
    return (
      <Panel title="First conv filters" width={width}>
        <Text color="gray"> (this model has no convolution)</Text>
      </Panel>
    );
  }
  const [o, c, kH, kW] = filters.shape;
  const inner = width - 2;
  // Largest scale at which all filters fit in the space given (at least 1).
  let scale = 1;
  for (let s = 4; s > 1; s--) {
    const [fw, fh] = footprint(kW, kH, s);
    const perRow = Math.floor((inner + 1) / (fw + 1));
    if (perRow > 0 && Math.ceil(o / perRow) * (fh + 1) - 1 <= rows) {
      scale = s;
      break;
    }
  }
  const [fw, fh] = footprint(kW, kH, scale);
  const perRow = Math.max(1, Math.floor((inner + 1) / (fw + 1)));
  const images: string[][] = [];
  for (let f = 0; f < o; f++) {
    const k = new Float32Array(kH * kW);
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < kH * kW; i++) k[i] += filters.data[(f * c + ch) * kH * kW + i] / c;
    const big = upscale(normalizeToBytes(k), kW, kH, scale);
    images.push(halfBlockLines(big.pixels, big.width, big.height));
  }
  const lines: string[] = [];
  for (let start = 0; start < o; start += perRow) {
    if (lines.length + fh > rows) break;
    if (start > 0) {
      if (lines.length + fh + 1 > rows) break;
      lines.push(' '); // (an empty Text would take no row)
    }
    const group = images.slice(start, start + perRow);
    for (let r = 0; r < fh; r++) lines.push(group.map((img) => img[r]).join(' '));
  }
  return (
    <Panel title={`First conv filters (${o}×${c}×${kH}×${kW})`} width={width}>
      <Lines lines={lines} />
    </Panel>
  );
}
