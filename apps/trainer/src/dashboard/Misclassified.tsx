import { Box, Text } from 'ink';
import type { Misclassified as Item } from '../protocol.js';
import { downscale, halfBlockLines } from './image.js';
import { Lines, Panel } from './Panel.js';

/** Props of {@link Misclassified}. */
export interface MisclassifiedProps {
  items: readonly Item[] | null;
  classNames: readonly string[];
  width: number;
  /** Content rows available; decides the image scale (full 28×28 needs 15 rows, half size 8). */
  rows: number;
}

/** A short class label: the index for digits, else the first word of the name, up to `max` chars. */
function shortName(names: readonly string[], i: number, max: number): string {
  const name = names[i] ?? String(i);
  if (/^\d$/.test(name)) return name;
  return name.split(/[\s/]/)[0].slice(0, max);
}

/**
 * Test digits the model got wrong, drawn in half blocks (two pixels per cell), each captioned
 * `true→predicted`. Shows as many as fit.
 */
export function Misclassified({ items, classNames, width, rows }: MisclassifiedProps) {
  const title = 'Misclassified (true→predicted)';
  if (items === null || items.length === 0) {
    return (
      <Panel title={title} width={width}>
        <Text color="gray">
          {' '}
          {items === null ? '(after the first epoch)' : 'none: every test image is right'}
        </Text>
      </Panel>
    );
  }
  const imageH = items[0].height;
  // Full size when it fits, in height and at least three across; else half size (area-averaged).
  const full = rows >= Math.ceil(imageH / 2) + 1 && Math.floor((width - 2) / (items[0].width + 1)) >= 3;
  const factor = full ? 1 : 2;
  const cellW = Math.ceil(items[0].width / factor);
  const cellRows = Math.ceil(imageH / factor / 2) + 1;
  const perRow = Math.max(1, Math.floor((width - 2) / (cellW + 1)));
  const gridRows = Math.max(1, Math.floor(rows / cellRows));
  const shown = items.slice(0, perRow * gridRows);
  const grid: Item[][] = [];
  for (let i = 0; i < shown.length; i += perRow) grid.push(shown.slice(i, i + perRow));
  return (
    <Panel title={title} width={width}>
      {grid.map((row, r) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Box key={r} flexDirection="row">
          {row.map((item) => {
            const img =
              factor === 1
                ? { pixels: item.pixels, width: item.width, height: item.height }
                : downscale(item.pixels, item.width, item.height, factor);
            const half = Math.floor((cellW - 1) / 2);
            const caption = `${shortName(classNames, item.actual, half)}→${shortName(classNames, item.predicted, half)}`;
            return (
              <Box key={item.index} flexDirection="column" width={cellW} marginRight={1}>
                <Lines lines={halfBlockLines(img.pixels, img.width, img.height)} />
                <Text wrap="truncate">
                  <Text color="green">{caption.split('→')[0]}</Text>
                  <Text color="gray">→</Text>
                  <Text color="red">{caption.split('→')[1]}</Text>
                </Text>
              </Box>
            );
          })}
        </Box>
      ))}
    </Panel>
  );
}
