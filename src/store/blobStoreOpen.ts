// Opens the blob store a configuration names: '' → the directory <dataDir>/blobs; s3://bucket?endpoint=
// http://host:9000&region=us-east-1 → an S3-compatible bucket (credentials from the usual AWS_* environment
// variables, or accessKeyId/secretAccessKey query parameters for local servers). One store per process
// and location, shared by every route module.
import { join } from 'node:path';
import { BlobStore } from './blobStore.js';
import { directoryBackend } from './blobStoreDir.js';

const open = new Map<string, Promise<BlobStore>>();

export function openBlobStore(spec: string, dataDir: string): Promise<BlobStore> {
  const key = spec || `dir:${dataDir}`;
  let p = open.get(key);
  if (!p) {
    p = create(spec, dataDir);
    open.set(key, p);
    p.catch(() => open.delete(key));
  }
  return p;
}

async function create(spec: string, dataDir: string): Promise<BlobStore> {
  if (!spec) return new BlobStore(directoryBackend(join(dataDir, 'blobs')));
  const u = new URL(spec);
  if (u.protocol === 'file:') return new BlobStore(directoryBackend(u.pathname));
  if (u.protocol !== 's3:') throw new Error(`blob store '${spec}': expected s3://bucket?endpoint=… or file:///path`);
  const { s3Backend } = await import('./blobStoreS3.js');
  const q = u.searchParams;
  return new BlobStore(await s3Backend({
    bucket: u.hostname, endpoint: q.get('endpoint') ?? undefined, region: q.get('region') ?? undefined,
    accessKeyId: q.get('accessKeyId') ?? undefined, secretAccessKey: q.get('secretAccessKey') ?? undefined,
    forcePathStyle: q.get('forcePathStyle') !== 'false', createBucket: q.get('createBucket') === 'true',
  }));
}

/** Closes and forgets every open store (server shutdown, tests). */
export async function closeBlobStores(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  for (const p of all) await (await p.catch(() => undefined))?.close();
}
