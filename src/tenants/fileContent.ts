// File bodies are content-addressed: a drive item (and each of its versions) stores only a content
// hash and a size, and a move copies that reference, never bytes. The bytes of generated content are
// synthesized from the hash: AES-128-CTR keystream keyed by SHA-256(hash), cut to the size. The same
// (hash, size) gives the same bytes on every read, in every tenant, before and after a move.
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const BLOCK = 64 * 1024;

export function contentStream(hash: string, size: number): Readable {
  const seed = createHash('sha256').update(`xtm-content:${hash.toLowerCase()}`).digest();
  const cipher = createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
  const zeros = Buffer.alloc(BLOCK);
  let left = Math.max(0, Math.floor(size));
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(BLOCK, left);
      left -= n;
      this.push(cipher.update(n === BLOCK ? zeros : zeros.subarray(0, n)));
    },
  });
}

export async function contentBytes(hash: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of contentStream(hash, size)) parts.push(b as Buffer);
  return Buffer.concat(parts);
}
