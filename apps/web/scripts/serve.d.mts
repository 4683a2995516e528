import type { Server } from 'node:http';

/** Serves `dir` with COOP/COEP headers (unless `isolation` is false); port 0 picks a free port. */
export function serve(options: {
  dir: string;
  port?: number;
  host?: string;
  isolation?: boolean;
}): Promise<{ server: Server; url: string }>;
