// PostgreSQL type parsers for the store's pool: the app sees the same values on both backends.
// jsonb → its JSON text (SQLite keeps JSON as text); timestamptz → ISO-8601 UTC with ms and `Z`
// (SQLite keeps that text); bigint and count(*) → number (SQLite returns numbers). Per pool, not
// pg's global registry, so other pg users in the process (graphile-worker) keep pg's defaults.
import pg from 'pg';

const OID = { int8: 20, json: 114, timestamp: 1114, timestamptz: 1184, jsonb: 3802 } as const;

/** The session runs in UTC, so timestamptz text is `YYYY-MM-DD HH:MM:SS[.ffffff]+00`. */
const UTC_TEXT = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

export function isoFromPg(text: string): string {
  const m = UTC_TEXT.exec(text);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  // Another session time zone or an unusual year: let pg's own parser read it.
  const d = pg.types.getTypeParser(OID.timestamptz)(text) as Date;
  return d.toISOString();
}

const asText = (text: string) => text;
const asNumber = (text: string) => Number(text);

export const storeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case OID.json:
      case OID.jsonb:
        return asText;
      case OID.timestamptz:
        return isoFromPg;
      case OID.int8:
        return asNumber;
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  },
} as unknown as pg.CustomTypesConfig;

/** Session settings every store connection gets (startup parameter, no extra round trip). */
export const STORE_SESSION_OPTIONS = '-c TimeZone=UTC';
