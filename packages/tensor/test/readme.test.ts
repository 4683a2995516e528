/**
 * Runs the README's TypeScript examples verbatim (only the package import is pointed at the sources),
 * and checks the worked example prints exactly what the README says it prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { useTestBackend } from './helpers.js';

useTestBackend();

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Imports a README block as a module and returns what it printed. */
async function run(code: string, name: string): Promise<string[]> {
  expect(code).toContain("from '@scratchnet/tensor'");
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code.replaceAll("from '@scratchnet/tensor'", `from ${JSON.stringify(source)}`));
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await import(pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('README examples', () => {
  const ts = blocks.filter((b) => b.lang === 'ts');

  it('has the worked example followed by its output', () => {
    expect(ts.length).toBeGreaterThanOrEqual(2);
    const i = blocks.indexOf(ts[0]);
    expect(blocks[i + 1].lang).toBe('text');
  });

  it('the worked example (a convolution and its gradient) prints what the README shows', async () => {
    const i = blocks.indexOf(ts[0]);
    const printed = await run(ts[0].code, 'worked-example');
    expect(printed).toEqual(blocks[i + 1].code.trimEnd().split('\n'));
  });

  it('every other TypeScript block runs', async () => {
    for (let k = 1; k < ts.length; k++) await run(ts[k].code, `block-${k}`);
  });
});
