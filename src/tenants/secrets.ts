// Client secrets and user passwords are stored only as SHA-256 digests (hex) and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(given: string, storedSha256: string): boolean {
  const a = Buffer.from(hashSecret(given), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
