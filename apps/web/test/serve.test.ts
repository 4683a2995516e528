import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../scripts/serve.mjs';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-serve-'));
const site = join(dir, 'site');
mkdirSync(join(site, 'data'), { recursive: true });
writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(site, 'data/a.json'), '{"a":1}');
writeFileSync(join(dir, 'secret.txt'), 'outside');

let servers: Awaited<ReturnType<typeof serve>>[] = [];
beforeAll(async () => {
  servers = [await serve({ dir: site, port: 0 }), await serve({ dir: site, port: 0, isolation: false })];
});
afterAll(() => {
  for (const s of servers) s.server.close();
});

/** A raw GET (fetch would normalise `..` away before sending it). */
function get(url: string, path: string, method = 'GET') {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve', () => {
  it('serves files with their type and the cross-origin isolation headers', async () => {
    const r = await get(servers[0].url, '/');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<!doctype html><title>t</title>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const j = await get(servers[0].url, '/data/a.json');
    expect(j.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(j.body).toBe('{"a":1}');
  });

  it('leaves the headers out without isolation', async () => {
    const r = await get(servers[1].url, '/index.html');
    expect(r.status).toBe(200);
    expect(r.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(r.headers['cross-origin-embedder-policy']).toBeUndefined();
  });

  it('answers 404 for a missing file and never serves outside its directory', async () => {
    expect((await get(servers[0].url, '/nope.js')).status).toBe(404);
    expect((await get(servers[0].url, '/data')).status).toBe(404);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/data/..%2f..%2fsecret.txt']) {
      const r = await get(servers[0].url, path);
      expect(r.status, path).not.toBe(200);
      expect(r.body).not.toContain('outside');
    }
    expect((await get(servers[0].url, '/', 'POST')).status).toBe(405);
    const head = await get(servers[0].url, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('31');
    expect(head.body).toBe('');
  });
});
