import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

// The README's first example, run as written (only the package import is pointed at the sources).
it('the README example runs and prints what it says', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(code).toContain("from '@scratchnet/optimizers'");
  const file = fileURLToPath(new URL('./readme-example.generated.ts', import.meta.url));
  writeFileSync(file, code.replace("'@scratchnet/optimizers'", "'../src/index.js'"));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ file);
    expect(log).toHaveBeenCalledWith('2.000', '1.000');
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
});
