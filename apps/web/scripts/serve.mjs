#!/usr/bin/env node
// A small static server for dist/: the page needs HTTP (workers and fetch do not run from file://),
// and cross-origin isolation for threads: every response carries Cross-Origin-Opener-Policy:
// same-origin and Cross-Origin-Embedder-Policy: require-corp, unless --no-isolation.
//
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation] [--dir dist]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
  '.safetensors': 'application/octet-stream',
};

/**
 * Starts serving `dir`; resolves with the server and its URL once listening (port 0 picks a free one).
 * @param {{ dir: string, port?: number, host?: string, isolation?: boolean }} options
 */
export function serve({ dir, port = 8080, host = '127.0.0.1', isolation = true }) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request\n');
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    // Never serve outside the directory (`..` segments, encoded or not).
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403, headers).end('forbidden\n');
      return;
    }
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolvePromise({ server, url: `http://${shown}:${a.port}/` });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        dir: { type: 'string' },
        'no-isolation': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`serve: ${e.message}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(
      'usage: node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation] [--dir dist]\n',
    );
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`serve: --port must be 0–65535, got '${values.port}'\n`);
    process.exit(2);
  }
  const dir = values.dir ?? join(dirname(fileURLToPath(import.meta.url)), '../dist');
  try {
    statSync(join(dir, 'index.html'));
  } catch {
    process.stderr.write(
      `serve: ${dir} has no index.html: build the site first (pnpm --filter @scratchnet/web build)\n`,
    );
    process.exit(1);
  }
  const isolation = !values['no-isolation'];
  try {
    const { url } = await serve({ dir, port, host: values.host, isolation });
    process.stdout.write(
      `scratchnet web app: ${url}  (${isolation ? 'cross-origin isolated: training uses threads' : 'NOT cross-origin isolated: training on 1 thread'}; Ctrl-C stops)\n`,
    );
  } catch (e) {
    process.stderr.write(`serve: cannot listen on ${values.host}:${port}: ${e.message}\n`);
    process.exit(1);
  }
}
