// JSON text columns (the same representation on SQLite and PostgreSQL): read with a fallback for
// empty or malformed values, so one bad row never fails a whole read.
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
