// The S3-compatible blob backend (AWS S3, MinIO, Ceph, s3rver…): one bucket, objects keyed like the
// directory backend's paths, so several xtm machines can share uploaded bytes.
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { BlobBackend } from './blobStore.js';

export interface S3BlobOptions {
  endpoint?: string;
  region?: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style URLs (http://host/bucket/key): MinIO and s3rver need them. */
  forcePathStyle?: boolean;
  /** Create the bucket when it does not exist (a local test server). */
  createBucket?: boolean;
}

const notFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404;
};

export async function s3Backend(o: S3BlobOptions): Promise<BlobBackend> {
  const client = new S3Client({
    endpoint: o.endpoint, region: o.region ?? 'us-east-1', forcePathStyle: o.forcePathStyle ?? true,
    // Checksums only where S3 requires them: the default adds an aws-chunked CRC trailer to streamed
    // bodies, which S3-compatible servers (s3rver, older MinIO) store as part of the object.
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: o.accessKeyId ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey ?? '' } : undefined,
  });
  const Bucket = o.bucket;
  if (o.createBucket) {
    try {
      await client.send(new CreateBucketCommand({ Bucket }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw e;
    }
  }
  return {
    kind: 's3',
    async writeObject(key, body: Readable, size) {
      // A body that fails (e.g. ends short of `size`) aborts the request: the server would otherwise wait
      // for the announced Content-Length forever.
      const abort = new AbortController();
      const onError = (e: Error) => abort.abort(e);
      body.once('error', onError);
      try {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentLength: size }), { abortSignal: abort.signal });
      } finally {
        body.off('error', onError);
      }
    },
    async moveObject(from, to) {
      await client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${from}` }));
      await client.send(new DeleteObjectCommand({ Bucket, Key: from }));
    },
    async readObject(key, range) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
        return r.Body as Readable;
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    async objectSize(key) {
      try {
        return Number((await client.send(new HeadObjectCommand({ Bucket, Key: key }))).ContentLength ?? 0);
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    async deleteObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async listObjects(prefix) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        for (const c of r.Contents ?? []) if (c.Key) out.push(c.Key);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async close() {
      client.destroy();
    },
  };
}
