import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

// The README's first example (train a small CNN on 10,000 MNIST images), run as written: only the
// package import is pointed at the sources.
it('the README example trains, evaluates and predicts as it says', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(code).toContain("from '@scratchnet/layers'");
  const file = fileURLToPath(new URL('./readme-example.generated.ts', import.meta.url));
  writeFileSync(
    file,
    `${code.replace("'@scratchnet/layers'", "'../src/index.js'")}\nexport { probabilities, digits };\n`,
  );
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    const m = (await import(/* @vite-ignore */ file)) as {
      probabilities: { shape: number[]; data: Float32Array };
      digits: { shape: number[] };
    };
    const accuracy = Number(/test accuracy ([\d.]+)/.exec(lines.join('\n'))?.[1]);
    expect(accuracy).toBeGreaterThan(0.95);
    expect(lines.filter((l) => /^epoch \d: val acc 0\.9\d*/.test(l))).toHaveLength(2);
    expect(m.probabilities.shape).toEqual([8, 10]);
    expect(m.digits.shape).toEqual([8]);
    for (let r = 0; r < 8; r++) {
      const row = m.probabilities.data.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0);
      expect(row).toBeCloseTo(1, 5);
    }
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
}, 120_000);
