// Client secrets and user passwords are stored as salted, slow hashes, like Entra: scrypt (node:crypto)
// with a random 16-byte salt per secret, compared in constant time. The scrypt input is the secret's
// SHA-256, so digests stored before hashing was salted (plain SHA-256 hex) are upgraded in place by
// wrapping them (store migration 0011_credentials), without knowing the secret. Format:
//   scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>
// Cost: N = 2^14, r = 8, p = 1 by default (16 MB, tens of ms per check); XTM_SCRYPT_LOG2N overrides it
// (higher for production-like rehearsals, lower only for tests).
import { createHash, randomBytes, scrypt as scryptCb, scryptSync, timingSafeEqual } from 'node:crypto';

const KEYLEN = 32;
const R = 8;
const P = 1;
const LEGACY = /^[0-9a-f]{64}$/;

function defaultLog2N(): number {
  const v = Number(process.env.XTM_SCRYPT_LOG2N);
  return Number.isInteger(v) && v >= 10 && v <= 20 ? v : 14;
}

const sha256 = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();
const params = (log2n: number) => ({ N: 2 ** log2n, r: R, p: P, maxmem: 2 ** log2n * R * 256 });

/** The stored form of a digest (SHA-256 bytes): a fresh salt, scrypt, the format above. */
export function hashDigest(digest: Buffer, log2n = defaultLog2N()): string {
  const salt = randomBytes(16);
  const hash = scryptSync(digest, salt, KEYLEN, params(log2n));
  return `scrypt$${log2n}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** The stored form of a secret or password. */
export function hashSecret(secret: string): string {
  return hashDigest(sha256(secret));
}

/** The stored form of a legacy SHA-256 (hex) digest: the same hash the secret itself would get. */
export function hashLegacyDigest(sha256Hex: string): string {
  return hashDigest(Buffer.from(sha256Hex, 'hex'));
}

export const isLegacyDigest = (stored: string): boolean => LEGACY.test(stored);

/** Whether `given` is the secret behind `stored` (either form); never throws on a malformed stored value. */
export async function secretMatches(given: string, stored: string): Promise<boolean> {
  const digest = sha256(given);
  if (isLegacyDigest(stored)) return timingSafeEqual(digest, Buffer.from(stored, 'hex'));
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![log2n, r, p].every(Number.isInteger) || log2n < 1 || log2n > 22 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEYLEN) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scryptCb(digest, salt, KEYLEN, { N: 2 ** log2n, r, p, maxmem: 2 ** log2n * r * 256 * p + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
  return timingSafeEqual(actual, expected);
}
