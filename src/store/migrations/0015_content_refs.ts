// The content-reference indexes cover only items whose content_hash can name stored content. Blobs and
// content documents are keyed by a SHA-256 (64 hex digits); generated content (scenarios, the admin
// API) has a 32-digit hash that no blob or document can have. A full index on a hash took a random
// leaf page per item written or deleted: profiling a 2,000-user migration (issue 22) found most of the
// write-ahead log was those pages (each copied mail item and file, each source item deleted at cutover).
// The sweep's reference checks name the same predicate (store/blobRepo.ts REFERENCES_STORED).
import { sql, type Kysely } from 'kysely';

export function contentRefsMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const table of ['drive_items', 'mail_items']) {
        await db.schema.dropIndex(`${table}_content_hash`).execute();
        await db.schema.createIndex(`${table}_content_hash`).on(table).column('content_hash').where(sql.raw('length(content_hash)'), '=', sql.raw('64')).execute();
      }
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['drive_items', 'mail_items']) {
        await db.schema.dropIndex(`${table}_content_hash`).execute();
        await db.schema.createIndex(`${table}_content_hash`).on(table).column('content_hash').execute();
      }
    },
  };
}
