// The README's first example runs as written and prints what its comments say.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as datasets from '../src/node.js';

it('README: MNIST in three lines', async () => {
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  const code = /## MNIST in three lines\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  // `import { a, b } from '@scratchnet/datasets/node'` → destructure the module under test
  const body = (code as string).replace(
    /import \{([^}]*)\} from '@scratchnet\/datasets\/node';/,
    'const {$1} = datasets;',
  );
  const printed: unknown[] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('datasets', 'console', body)(datasets, { log: (v: unknown) => printed.push(v) });
  // the values in the README's comments
  expect(printed).toEqual(['ImageDataset mnist/train: 60000 × [1, 28, 28], 10 classes', 5]);
  const comments = [...(code as string).matchAll(/console\.log\(.*\); \/\/ (.*)/g)].map((m) => m[1]);
  expect(comments).toEqual(['ImageDataset mnist/train: 60000 × [1, 28, 28], 10 classes', '5']);
});
