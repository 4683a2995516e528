// Entry point of the scratchnet-predict bundle. Nothing runs at import time but this: parse, predict, exit.
import { ImageError } from '@scratchnet/datasets';
import { run } from './run.js';

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new ImageError(
      '<stdin>',
      'standard input is a terminal: pipe a picture into it (cat digit.png | scratchnet-predict -)',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not a user error: still one line, with a way to get the details.
    process.stderr.write(
      `scratchnet-predict: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    if (process.env.SCRATCHNET_DEBUG) console.error(e);
    process.exitCode = 1;
  },
);
