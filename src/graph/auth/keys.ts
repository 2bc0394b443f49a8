// The local token authority's RS256 signing key: generated once, kept in the store so every replica
// signs and verifies with the same key; and the admin key, shared the same way.
import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK, type CryptoKey } from 'jose';
import type { Store } from '../../store/db.js';
import { authRepo } from '../../store/authRepo.js';
import { getSetting, insertSettingIfAbsent } from '../../store/settingsRepo.js';
import { adminKeyPath, loadOrCreateAdminKey } from '../admin/auth.js';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface SigningKey { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }

/** A signing key from XTM_SIGNING_KEY (a private RSA JWK as JSON: a deployment's secret, the same on every replica). */
async function signingKeyFromEnv(json: string): Promise<SigningKey> {
  const priv = JSON.parse(json) as JWK;
  if (priv.kty !== 'RSA' || !priv.d) throw new Error('XTM_SIGNING_KEY must be a private RSA JWK (JSON with kty "RSA" and "d")');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = priv;
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk: JWK = { ...pub, kid, use: 'sig', alg: 'RS256' };
  return { kid, privateKey: (await importJWK(priv, 'RS256')) as CryptoKey, publicKey: (await importJWK(publicJwk, 'RS256')) as CryptoKey, publicJwk };
}

export async function loadOrCreateSigningKey(store: Store, nowIso: string): Promise<SigningKey> {
  if (process.env.XTM_SIGNING_KEY) return signingKeyFromEnv(process.env.XTM_SIGNING_KEY);
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

const ADMIN_KEY_SETTING = 'admin.key';

/**
 * The admin key every replica accepts: XTM_ADMIN_KEY (a deployment's secret) when set, else the one
 * kept in the store, else the data directory's file adopted into the store (servers from before the
 * key was shared), else a new one (the first replica to store it wins a race). The data directory's
 * `admin.key` is kept equal to it, for the CLI on this machine.
 */
export async function loadOrCreateSharedAdminKey(store: Store, dataDir: string): Promise<{ key: string; path: string; created: boolean }> {
  const path = adminKeyPath(dataDir);
  const fromEnv = process.env.XTM_ADMIN_KEY?.trim();
  let key = fromEnv || (await getSetting(store.db, ADMIN_KEY_SETTING));
  let created = false;
  if (!key) {
    const local = loadOrCreateAdminKey(dataDir);
    await insertSettingIfAbsent(store.db, ADMIN_KEY_SETTING, local.key);
    key = (await getSetting(store.db, ADMIN_KEY_SETTING))!;
    created = local.created && key === local.key;
  }
  const onDisk = existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
  if (onDisk !== key) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${key}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return { key, path, created };
}
