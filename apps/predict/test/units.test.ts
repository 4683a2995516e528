import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, UsageError, parseArgs } from '../src/args.js';
import type { Classification } from '@scratchnet/datasets';
import { bar, drawPictures, formatJson, formatText, shortestFloat32 } from '../src/render.js';

describe('parseArgs', () => {
  it('reads options in their long, short and inline forms', () => {
    expect(parseArgs(['a.png'])).toEqual({
      kind: 'predict',
      args: {
        model: DEFAULT_MODEL,
        modelGiven: false,
        top: 3,
        json: false,
        show: false,
        images: ['a.png'],
      },
    });
    const c = parseArgs(['-m', 'x.safetensors', '--top=3', 'a.png', '-', '--json', '--', '--odd-name.png']);
    expect(c).toEqual({
      kind: 'predict',
      args: {
        model: 'x.safetensors',
        modelGiven: true,
        top: 3,
        json: true,
        show: false,
        images: ['a.png', '-', '--odd-name.png'],
      },
    });
    expect(parseArgs(['-k', '2', '--show', 'a.png']).kind).toBe('predict');
    expect(parseArgs(['a.png', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-v'])).toEqual({ kind: 'version' });
  });

  it('rejects what it cannot use', () => {
    expect(() => parseArgs(['--top', '2.5', 'a.png'])).toThrow(UsageError);
    expect(() => parseArgs(['--top', '-1', 'a.png'])).toThrow('--top needs a value');
    expect(() => parseArgs(['--json=yes', 'a.png'])).toThrow('--json takes no value');
    expect(() => parseArgs(['--model='])).toThrow('--model needs a file');
  });
});

describe('render', () => {
  it('draws bars in eighths of a cell', () => {
    expect(bar(1)).toBe('█'.repeat(20));
    expect(bar(0.5)).toBe('█'.repeat(10));
    expect(bar(1 / 160)).toBe('▏');
    expect(bar(0.03)).toBe('▋'); // 4.8 eighths → 5
    expect(bar(0)).toBe('');
  });

  it('prints JSON probabilities as the shortest decimals that are the same float32', () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(0.98911273))).toBe(0.98911273);
    expect(Math.fround(shortestFloat32(Math.fround(1 / 3)))).toBe(Math.fround(1 / 3));
    const result = {
      prediction: 1,
      label: 'one',
      confidence: Math.fround(0.75),
      probabilities: [0.25, 0.75].map(Math.fround),
      ranking: [
        { index: 1, label: 'one', probability: Math.fround(0.75) },
        { index: 0, label: 'zero', probability: Math.fround(0.25) },
      ],
      warnings: ['low confidence'],
    } as unknown as Classification;
    const p = { file: 'x.png', result };
    expect(formatJson(p)).toBe(
      '{"file":"x.png","prediction":1,"label":"one","probability":0.75,"top":[{"index":1,"label":"one","probability":0.75},{"index":0,"label":"zero","probability":0.25}],"warnings":["low confidence"]}',
    );
    expect(formatText(p)).toBe('x.png: one (75.0%)\n  one    75.0%  ███████████████\n  zero   25.0%  █████');
    expect(formatText({ file: '-', result: { ...result, ranking: result.ranking.slice(0, 1) } })).toBe(
      '<stdin>: one (75.0%)\n  one   75.0%  ███████████████',
    );
  });

  it('draws pictures side by side in ASCII or colour half blocks', () => {
    const px = new Uint8Array(784);
    px[0] = 255;
    const blank = new Uint8Array(784);
    const panels = [
      { width: 28, height: 28, data: px, title: 'a' },
      { width: 28, height: 28, data: blank, title: 'b' },
    ];
    const ascii = drawPictures(panels, false);
    expect(ascii).toHaveLength(1 + 1 + 14 + 1);
    expect(ascii[0]).toBe(`   a${' '.repeat(27)}    b`);
    expect(ascii[2]).toBe(`  |@${' '.repeat(27)}|  |${' '.repeat(28)}|`);
    const colour = drawPictures(panels, true);
    expect(colour).toHaveLength(1 + 14);
    expect(colour[1].startsWith('  \x1b[38;5;255;48;5;16m▀')).toBe(true);
  });
});
