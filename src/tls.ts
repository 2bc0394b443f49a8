// HTTPS for Microsoft's clients: a local CA and a server certificate for 127.0.0.1 / localhost / ::1,
// generated on first start and kept in the data directory. Trust ca.pem (NODE_EXTRA_CA_CERTS or the
// client's tlsOptions.ca) once; the server certificate can be regenerated without re-trusting.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial { key: string; cert: string; ca: string; caPath: string }

export async function loadOrCreateTls(dataDir: string): Promise<TlsMaterial> {
  const dir = join(dataDir, 'tls');
  const paths = { caKey: join(dir, 'ca-key.pem'), ca: join(dir, 'ca.pem'), key: join(dir, 'server-key.pem'), cert: join(dir, 'server.pem') };
  if (existsSync(paths.ca) && existsSync(paths.key) && existsSync(paths.cert)) {
    return { key: readFileSync(paths.key, 'utf8'), cert: readFileSync(paths.cert, 'utf8'), ca: readFileSync(paths.ca, 'utf8'), caPath: paths.ca };
  }
  mkdirSync(dir, { recursive: true });
  const notAfterDate = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'xtm local CA' }, { name: 'organizationName', value: 'xtm' }], {
    keySize: 2048,
    notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  writeFileSync(paths.caKey, ca.private, { mode: 0o600 });
  writeFileSync(paths.ca, ca.cert);
  writeFileSync(paths.key, server.private, { mode: 0o600 });
  writeFileSync(paths.cert, server.cert);
  return { key: server.private, cert: server.cert, ca: ca.cert, caPath: paths.ca };
}
