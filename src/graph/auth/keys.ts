// The local token authority's RS256 signing key: generated once, kept in the store so every replica
// signs and verifies with the same key.
import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK, type CryptoKey } from 'jose';
import type { Store } from '../../store/db.js';
import { authRepo } from '../../store/authRepo.js';

export interface SigningKey { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }

export async function loadOrCreateSigningKey(store: Store, nowIso: string): Promise<SigningKey> {
  const row = await authRepo.newestSigningKey(store.db);
  if (row) {
    const priv = JSON.parse(row.private_jwk) as JWK;
    const pub = JSON.parse(row.public_jwk) as JWK;
    return { kid: row.kid, privateKey: (await importJWK(priv, 'RS256')) as CryptoKey, publicKey: (await importJWK(pub, 'RS256')) as CryptoKey, publicJwk: pub };
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk: JWK = { ...pub, kid, use: 'sig', alg: 'RS256' };
  await authRepo.insertSigningKey(store.db, { kid, private_jwk: JSON.stringify(await exportJWK(privateKey)), public_jwk: JSON.stringify(publicJwk), created_at: nowIso });
  // Another replica may have won the race: use whatever is stored.
  return loadOrCreateSigningKey(store, nowIso);
}
