// Content written through Graph: uploaded bytes (blobs, by SHA-256; the bytes live in the blob store),
// structured item content (content_docs: a message's body and recipients, an event's times, a contact's
// addresses, as one JSON document keyed by its SHA-256), and OneDrive upload sessions in progress.
// Items refer to both through their existing content_hash column, which every move already copies,
// so a migrated item shares its source's bytes and document without a copy.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

export function contentMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('blobs')
        .addColumn('sha256', c.text, (col) => col.primaryKey())
        .addColumn('size_bytes', c.big, (col) => col.notNull())
        .addColumn('created_at', c.time, (col) => col.notNull())
        .execute();
      await db.schema.createTable('content_docs')
        .addColumn('sha256', c.text, (col) => col.primaryKey())
        .addColumn('doc', c.json, (col) => col.notNull())
        .addColumn('created_at', c.time, (col) => col.notNull())
        .execute();
      await db.schema.createTable('upload_sessions')
        .addColumn('id', c.text, (col) => col.primaryKey())
        .addColumn('tenant_id', c.text, (col) => col.notNull())
        .addColumn('site_id', c.text, (col) => col.notNull())
        .addColumn('parent_id', c.text)
        .addColumn('name', c.text, (col) => col.notNull())
        .addColumn('size_bytes', c.big, (col) => col.notNull())
        .addColumn('received_bytes', c.big, (col) => col.notNull())
        .addColumn('conflict_behavior', c.text, (col) => col.notNull())
        .addColumn('created_by', c.text)
        .addColumn('expires_at', c.time, (col) => col.notNull())
        .execute();
      // The sweep asks "does any item still refer to this digest?".
      await db.schema.createIndex('drive_items_content_hash').on('drive_items').column('content_hash').execute();
      await db.schema.createIndex('mail_items_content_hash').on('mail_items').column('content_hash').execute();
    },
  };
}
