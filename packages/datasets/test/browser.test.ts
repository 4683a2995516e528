// The '.' entry must load in a browser: bundled for the browser with every dependency, it may not
// reach for a Node built-in (the build checks the same; this keeps it tested).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it("the '.' entry bundles for a browser without Node built-ins; './node' is where they are", async () => {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const reached = async (entry: string) => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`../src/${entry}.ts`, import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
      conditions: ['@scratchnet/source'],
      external: [...builtins],
    });
    return Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.map((m) => m.path).filter((p) => builtins.has(p)),
    );
  };
  expect(await reached('index')).toEqual([]);
  expect((await reached('node')).length).toBeGreaterThan(0);
});
