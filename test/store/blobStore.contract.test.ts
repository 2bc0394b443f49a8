// One contract for every blob backend: the directory backend always, the S3 backend against an s3rver
// started here (skipped with a reason when it cannot start).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BlobStore, readAll } from '../../src/store/blobStore.js';
import { directoryBackend } from '../../src/store/blobStoreDir.js';
import { s3Backend } from '../../src/store/blobStoreS3.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function contract(name: string, open: () => Promise<BlobStore | string>) {
  describe(`blob store contract: ${name}`, () => {
    let store: BlobStore | undefined;
    let skip: string | undefined;
    before(async () => {
      const r = await open();
      if (typeof r === 'string') skip = r;
      else store = r;
    });
    after(async () => store?.close());
    const t = (title: string, fn: (s: BlobStore) => Promise<void>) => it(title, async (ctx) => {
      if (!store) return ctx.skip(skip);
      await fn(store);
    });

    t('put returns the sha256 of the bytes and get returns the same bytes', async (s) => {
      const bytes = randomBytes(300_000);
      const info = await s.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), bytes.length);
      assert.deepEqual(info, { sha256: sha(bytes), size: bytes.length });
      assert.ok(await s.has(info.sha256));
      assert.deepEqual(await readAll((await s.get(info.sha256))!), bytes);
    });

    t('byte ranges are inclusive', async (s) => {
      const bytes = randomBytes(5000);
      const { sha256 } = await s.put(bytes, bytes.length);
      assert.deepEqual(await readAll((await s.get(sha256, { start: 10, end: 19 }))!), bytes.subarray(10, 20));
    });

    t('the same bytes are stored once', async (s) => {
      const bytes = randomBytes(1000);
      const a = await s.put(bytes, bytes.length);
      const before = (await s.list()).length;
      const b = await s.put(Buffer.from(bytes), bytes.length);
      assert.equal(a.sha256, b.sha256);
      assert.equal((await s.list()).length, before);
      assert.equal((await s.backend.listObjects('staging/')).length, 0, 'no staging object left behind');
    });

    t('a body shorter than announced is refused and leaves nothing', async (s) => {
      const before = await s.list();
      await assert.rejects(s.put(randomBytes(10), 11));
      assert.deepEqual(await s.list(), before);
      // s3rver keeps the partial body of a PUT the client aborted, after the client's cleanup ran (S3 stores
      // nothing for an incomplete request), so the staging area is checked where the backend is real.
      if (s.backend.kind === 'directory') assert.equal((await s.backend.listObjects('staging/')).length, 0);
    });

    t('an unknown or malformed digest reads as absent', async (s) => {
      assert.equal(await s.get('0'.repeat(64)), undefined);
      assert.equal(await s.get('../../etc/passwd'), undefined);
      assert.equal(await s.has('nope'), false);
    });

    t('staged parts commit in order into one blob, and are dropped', async (s) => {
      const parts = [randomBytes(70_000), randomBytes(70_000), randomBytes(123)];
      // Staged out of order on purpose: the part number orders them.
      await s.stage('sess1', 2, parts[2]!, parts[2]!.length);
      await s.stage('sess1', 0, parts[0]!, parts[0]!.length);
      await s.stage('sess1', 1, parts[1]!, parts[1]!.length);
      const all = Buffer.concat(parts);
      const info = await s.commit('sess1', all.length);
      assert.equal(info.sha256, sha(all));
      assert.deepEqual(await readAll((await s.get(info.sha256))!), all);
      assert.deepEqual(await s.backend.listObjects('staging/sess1/'), []);
    });

    t('discard drops staged parts; session ids cannot escape the staging area', async (s) => {
      await s.stage('sess2', 0, randomBytes(10), 10);
      await s.discard('sess2');
      assert.deepEqual(await s.backend.listObjects('staging/sess2/'), []);
      assert.throws(() => s.stage('../x', 0, Buffer.alloc(1), 1));
    });

    t('delete frees a blob', async (s) => {
      const bytes = randomBytes(64);
      const { sha256 } = await s.put(bytes, bytes.length);
      await s.delete(sha256);
      assert.equal(await s.has(sha256), false);
      assert.ok(!(await s.list()).includes(sha256));
    });
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'xtm-blob-'));
  dirs.push(d);
  return d;
};

contract('directory', async () => new BlobStore(directoryBackend(tmp())));

contract('s3 (s3rver)', async () => {
  let S3rver: new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  try {
    const name = 's3rver'; // no type declarations: imported by name
    S3rver = ((await import(name)) as { default: never }).default;
  } catch (e) {
    return `s3rver is not installed (${(e as Error).message})`;
  }
  try {
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: tmp() });
    const { port } = await server.run();
    const backend = await s3Backend({ endpoint: `http://127.0.0.1:${port}`, bucket: 'xtm-blobs', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', createBucket: true });
    const close = backend.close;
    backend.close = async () => {
      await close();
      await server.close();
    };
    return new BlobStore(backend);
  } catch (e) {
    return `s3rver could not start: ${(e as Error).message}`;
  }
});
