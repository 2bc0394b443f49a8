// Uploaded file bytes, content-addressed by SHA-256: a blob's key is the hex digest of its bytes, so the
// same bytes are stored once however many items, versions and tenants refer to them, and a migration
// copies the reference (drive_items.content_hash) and never the bytes. Two backends behind one interface:
// a directory in the data dir (default) and an S3-compatible bucket (several machines share one store).
// Upload sessions stage their byte ranges as numbered parts under the session id; commit() hashes the
// parts in order into a blob. What the database knows about blobs (the `blobs` table) is in blobRepo.ts.
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface BlobInfo { sha256: string; size: number }

/** What each backend implements: raw objects by key (`blobs/<sha256>`, `staging/<session>/<part>`). */
export interface BlobBackend {
  readonly kind: 'directory' | 's3';
  /** Writes `body` (exactly `size` bytes) to a fresh staging key and returns nothing until it is durable. */
  writeObject(key: string, body: Readable, size: number): Promise<void>;
  /** Renames (or copies then deletes) an object; the target is replaced if present. */
  moveObject(from: string, to: string): Promise<void>;
  readObject(key: string, range?: { start: number; end: number }): Promise<Readable | undefined>;
  objectSize(key: string): Promise<number | undefined>;
  deleteObject(key: string): Promise<void>;
  /** Keys under a prefix. */
  listObjects(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

const blobKey = (sha256: string) => `blobs/${sha256.toLowerCase()}`;
const stagingKey = (session: string, part: number) => `staging/${session}/${String(part).padStart(6, '0')}`;
const SHA256 = /^[0-9a-f]{64}$/;
const SESSION = /^[A-Za-z0-9_-]{1,128}$/;

export class BlobStore {
  constructor(readonly backend: BlobBackend) {}

  /** Stores bytes (exactly `size` of them) and returns their digest; bytes already stored are not stored twice. */
  async put(body: Readable | Buffer, size: number): Promise<BlobInfo> {
    const tmp = `staging/put-${randomKey()}/000000`;
    const hash = createHash('sha256');
    let seen = 0;
    const tap = new PassThrough({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        seen += chunk.length;
        cb(seen > size ? new Error(`expected ${size} bytes, received more`) : null, chunk);
      },
      // A body that ends short must fail the write itself: a backend told `size` bytes (S3's
      // Content-Length) would otherwise wait for the missing ones forever.
      flush(cb) {
        cb(seen === size ? null : new Error(`expected ${size} bytes, received ${seen}`));
      },
    });
    const src = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    const piping = pipeline(src, tap).catch((e: unknown) => tap.destroy(e as Error));
    try {
      await this.backend.writeObject(tmp, tap, size);
      await piping;
      if (seen !== size) throw new Error(`expected ${size} bytes, received ${seen}`);
      const sha256 = hash.digest('hex');
      if ((await this.backend.objectSize(blobKey(sha256))) === size) await this.backend.deleteObject(tmp);
      else await this.backend.moveObject(tmp, blobKey(sha256));
      return { sha256, size };
    } catch (e) {
      await this.backend.deleteObject(tmp).catch(() => {});
      throw e;
    }
  }

  /** The blob's bytes (optionally the inclusive byte range), or undefined when it is not stored. */
  get(sha256: string, range?: { start: number; end: number }): Promise<Readable | undefined> {
    if (!SHA256.test(sha256.toLowerCase())) return Promise.resolve(undefined);
    return this.backend.readObject(blobKey(sha256), range);
  }

  async has(sha256: string): Promise<boolean> {
    return SHA256.test(sha256.toLowerCase()) && (await this.backend.objectSize(blobKey(sha256))) !== undefined;
  }

  /** Frees a blob's bytes (the sweep calls this once no item or version refers to it). */
  delete(sha256: string): Promise<void> {
    return this.backend.deleteObject(blobKey(sha256));
  }

  /** Every stored digest. */
  async list(): Promise<string[]> {
    return (await this.backend.listObjects('blobs/')).map((k) => k.slice('blobs/'.length)).filter((k) => SHA256.test(k));
  }

  /** Stages one byte range of an upload session as part `part` (parts are committed in number order). */
  stage(session: string, part: number, body: Readable | Buffer, size: number): Promise<void> {
    checkSession(session);
    return this.backend.writeObject(stagingKey(session, part), Buffer.isBuffer(body) ? Readable.from([body]) : body, size);
  }

  /** Concatenates the session's staged parts into one blob, then drops them. */
  async commit(session: string, size: number): Promise<BlobInfo> {
    checkSession(session);
    const parts = (await this.backend.listObjects(`staging/${session}/`)).sort();
    const backend = this.backend;
    const joined = Readable.from((async function* () {
      for (const key of parts) {
        const r = await backend.readObject(key);
        if (!r) throw new Error(`staged part ${key} is missing`);
        for await (const chunk of r) yield chunk as Buffer;
      }
    })());
    const info = await this.put(joined, size);
    await this.discard(session);
    return info;
  }

  /** Drops an upload session's staged parts (cancelled or expired). */
  async discard(session: string): Promise<void> {
    checkSession(session);
    for (const key of await this.backend.listObjects(`staging/${session}/`)) await this.backend.deleteObject(key);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

function checkSession(session: string): void {
  if (!SESSION.test(session)) throw new Error(`invalid upload session id ${session}`);
}

function randomKey(): string {
  return createHash('sha256').update(`${process.pid}:${Date.now()}:${Math.random()}`).digest('hex').slice(0, 24);
}

export async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of r) parts.push(b as Buffer);
  return Buffer.concat(parts);
}
