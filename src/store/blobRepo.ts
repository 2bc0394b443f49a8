// What the database knows about stored content: which digests have real bytes in the blob store
// (`blobs`; any other content_hash is generated content, synthesized from the hash), the structured
// documents of items written through Graph (`content_docs`), and the sweep that frees both once no
// item or version refers to them. References are the items' content_hash columns (and the hashes in
// drive_items.versions and in messages' documents, for attachments), which migrations copy, so a moved
// item keeps its source's bytes.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * An item's content_hash can name stored content only if it is a SHA-256 (generated content has 32
 * digits). Written as a literal so both planners match it to the partial indexes (0015_content_refs).
 */
const REFERENCES_STORED = (alias: string) => sql<boolean>`length(${sql.ref(`${alias}.content_hash`)}) = 64`;

export const blobRepo = {
  /** Records stored bytes (the same digest is the same bytes); a second upload renews the sweep's grace period. */
  async register(db: Db, sha256: string, size: number, nowIso: string): Promise<void> {
    await db.insertInto('blobs').values({ sha256, size_bytes: size, created_at: nowIso }).onConflict((oc) => oc.column('sha256').doUpdateSet({ created_at: nowIso })).execute();
  },

  async isStored(db: Db, sha256: string): Promise<boolean> {
    return !!(await db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256.toLowerCase()).executeTakeFirst());
  },

  async putDoc(db: Db, sha256: string, doc: string, nowIso: string): Promise<void> {
    await db.insertInto('content_docs').values({ sha256, doc, created_at: nowIso }).onConflict((oc) => oc.column('sha256').doUpdateSet({ created_at: nowIso })).execute();
  },

  async doc(db: Db, sha256: string): Promise<string | undefined> {
    return (await db.selectFrom('content_docs').select('doc').where('sha256', '=', sha256).executeTakeFirst())?.doc;
  },

  /**
   * Blobs registered before `cutoff` that nothing refers to any more (a grace period keeps bytes whose
   * item is still being written). The version history is JSON, searched as text: the sweep is a
   * background pass, not a request path.
   */
  async unreferencedBlobs(db: Db, cutoff: string, limit: number): Promise<string[]> {
    const rows = await db.selectFrom('blobs as b').select('b.sha256').where('b.created_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('drive_items as d').select('d.id').where(REFERENCES_STORED('d')).whereRef('d.content_hash', '=', 'b.sha256'))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('drive_items as v').select('v.id').where(sql<string>`cast(v.versions as text)`, 'like', sql<string>`'%' || b.sha256 || '%'`))))
      // A message's file attachments: its document names their digests (a document outlives its last
      // message by the grace period, then the next sweep frees the bytes).
      .where((eb) => eb.not(eb.exists(eb.selectFrom('content_docs as c').select('c.sha256').where(sql<string>`cast(c.doc as text)`, 'like', sql<string>`'%' || b.sha256 || '%'`))))
      .limit(limit).execute();
    return rows.map((r) => r.sha256);
  },

  async unreferencedDocs(db: Db, cutoff: string, limit: number): Promise<string[]> {
    const rows = await db.selectFrom('content_docs as c').select('c.sha256').where('c.created_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('mail_items as i').select('i.id').where(REFERENCES_STORED('i')).whereRef('i.content_hash', '=', 'c.sha256'))))
      .limit(limit).execute();
    return rows.map((r) => r.sha256);
  },

  /** Forgets a blob unless something refers to it again or it was registered again since `cutoff`; true when forgotten. */
  async forgetBlob(db: Db, sha256: string, cutoff: string): Promise<boolean> {
    const r = await db.deleteFrom('blobs').where('sha256', '=', sha256).where('created_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('drive_items as d').select('d.id').where(REFERENCES_STORED('d')).where('d.content_hash', '=', sha256))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('content_docs as c').select('c.sha256').where(sql<string>`cast(c.doc as text)`, 'like', `%${sha256}%`))))
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  },

  /** Forgets documents still unreferenced and not written again since `cutoff`. */
  async forgetDocs(db: Db, shas: readonly string[], cutoff: string): Promise<number> {
    if (!shas.length) return 0;
    const r = await db.deleteFrom('content_docs').where('sha256', 'in', [...shas]).where('created_at', '<', cutoff)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('mail_items as i').select('i.id').where(REFERENCES_STORED('i')).whereRef('i.content_hash', '=', 'content_docs.sha256'))))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
