import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, UsageError, parseArgs } from '../src/args.js';
import { bar, drawDigit, formatJson, formatText, shortestFloat32 } from '../src/render.js';

describe('parseArgs', () => {
  it('reads options in their long, short and inline forms', () => {
    expect(parseArgs(['a.png'])).toEqual({
      kind: 'predict',
      args: {
        model: DEFAULT_MODEL,
        modelGiven: false,
        top: undefined,
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
    const p = {
      file: 'x.png',
      prediction: 1,
      label: 'one',
      probabilities: [0.25, 0.75].map(Math.fround),
      pixels28: new Uint8Array(784),
      classNames: ['zero', 'one'],
    };
    expect(formatJson(p)).toBe('{"file":"x.png","prediction":1,"label":"one","probabilities":[0.25,0.75]}');
    expect(formatText(p)).toBe('x.png: one (75.0%)\n  one    75.0%  ███████████████\n  zero   25.0%  █████');
    expect(formatText({ ...p, file: '-' }, { top: 1 })).toBe(
      '<stdin>: one (75.0%)\n  one   75.0%  ███████████████',
    );
  });

  it('draws the picture in ASCII or colour half blocks', () => {
    const px = new Uint8Array(784);
    px[0] = 255;
    const ascii = drawDigit(px, false);
    expect(ascii).toHaveLength(30);
    expect(ascii[1].slice(0, 5)).toBe('  |@@');
    const colour = drawDigit(px, true);
    expect(colour).toHaveLength(14);
    expect(colour[0].startsWith('  \x1b[38;5;255;48;5;16m▀')).toBe(true);
  });
});
