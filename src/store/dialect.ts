// Which dialect a Kysely instance (or transaction) speaks, for the few statements written per dialect.
import { PostgresAdapter, type Kysely } from 'kysely';

export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;
