// Credentials stored like Entra stores them: every plain SHA-256 digest (client secrets, user passwords)
// is wrapped in a salted scrypt hash in place (domain/credentialHash.ts explains why wrapping needs no secret),
// and failed password grants are counted per user and source for smart lockout (graph/auth/lockout.ts).
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';
import { hashLegacyDigest, isLegacyDigest } from '../../domain/credentialHash.js';

export function credentialsMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('sign_in_failures')
        .addColumn('tenant_id', c.text, (col) => col.notNull())
        .addColumn('user_key', c.text, (col) => col.notNull())
        .addColumn('source', c.text, (col) => col.notNull())
        .addColumn('failures', c.int, (col) => col.notNull())
        .addColumn('window_start', c.text, (col) => col.notNull())
        .addColumn('locked_until', c.text)
        .addPrimaryKeyConstraint('sign_in_failures_pk', ['tenant_id', 'user_key', 'source'])
        .execute();
      const users = await db.selectFrom('users').select(['tenant_id', 'id', 'password']).where('password', 'is not', null).execute();
      for (const u of users) {
        if (isLegacyDigest(u.password)) await db.updateTable('users').set({ password: hashLegacyDigest(u.password) }).where('tenant_id', '=', u.tenant_id).where('id', '=', u.id).execute();
      }
      const apps = await db.selectFrom('applications').select(['app_id', 'secrets']).execute();
      for (const a of apps) {
        const secrets = (typeof a.secrets === 'string' ? JSON.parse(a.secrets) : a.secrets) as { sha256?: string }[];
        if (!secrets.some((s) => s.sha256 && isLegacyDigest(s.sha256))) continue;
        const next = secrets.map((s) => (s.sha256 && isLegacyDigest(s.sha256) ? { ...s, sha256: hashLegacyDigest(s.sha256) } : s));
        await db.updateTable('applications').set({ secrets: JSON.stringify(next) }).where('app_id', '=', a.app_id).execute();
      }
    },
  };
}
