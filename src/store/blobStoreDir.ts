// The default blob backend: files under <dataDir>/blobs. Writes go to a temporary name, are fsynced,
// then renamed into place, so a crash never leaves a half-written blob under its digest.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobBackend } from './blobStore.js';

export function directoryBackend(root: string): BlobBackend {
  const path = (key: string) => join(root, ...key.split('/'));
  return {
    kind: 'directory',
    async writeObject(key, body: Readable, _size) {
      const file = path(key);
      await mkdir(dirname(file), { recursive: true });
      await pipeline(body, createWriteStream(file));
      const fh = await open(file, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
    async moveObject(from, to) {
      await mkdir(dirname(path(to)), { recursive: true });
      await rename(path(from), path(to));
      await rm(dirname(path(from)), { recursive: true, force: true }).catch(() => {});
    },
    async readObject(key, range) {
      const file = path(key);
      try {
        await stat(file);
      } catch {
        return undefined;
      }
      return createReadStream(file, range ? { start: range.start, end: range.end } : {});
    },
    async objectSize(key) {
      try {
        return (await stat(path(key))).size;
      } catch {
        return undefined;
      }
    },
    async deleteObject(key) {
      await rm(path(key), { force: true });
    },
    async listObjects(prefix) {
      const base = path(prefix.replace(/\/$/, ''));
      const out: string[] = [];
      async function walk(dir: string): Promise<void> {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else out.push(relative(root, p).split(sep).join('/'));
        }
      }
      await walk(base);
      return out;
    },
    async close() {},
  };
}
