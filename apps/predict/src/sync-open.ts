// `open` of node:fs/promises for the CLI's capped file reads (build.mjs puts it in place of the real
// one for the datasets library's reader): the same calls on Node's synchronous file functions, which
// a one-shot CLI can afford, so that Node does not load the fs/promises modules (readline, file
// watchers, directory streams: ~10 internal modules) to read two files. Errors are the same errno
// errors (code and message) as the promise API's.
import { type Stats, closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/** The subset of a promise FileHandle that the capped reader uses. */
export interface SyncBackedHandle {
  stat(): Promise<Stats>;
  readFile(): Promise<Buffer>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesRead: number; buffer: Uint8Array }>;
  close(): Promise<void>;
}

/** Opens `path` like `fs.promises.open`, with a handle whose calls run synchronously. */
export async function open(path: string, flags: string): Promise<SyncBackedHandle> {
  const fd = openSync(path, flags);
  let closed = false;
  return {
    stat: async () => fstatSync(fd),
    readFile: async () => readFileSync(fd),
    read: async (buffer, offset, length, position) => ({
      bytesRead: readSync(fd, buffer, offset, length, position),
      buffer,
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
