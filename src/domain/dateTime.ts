// The one Edm.DateTimeOffset parser of the whole API (bodies, PATCH, admin clock): OData ABNF
// `YYYY-MM-DDThh:mm[:ss[.fffffff]](Z|±hh:mm)`, four-digit years, real calendar dates only. Date.parse
// is not used: it rolls 2027-02-30 over to March, accepts date-only and RFC 1123 text and six-digit years.
const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or undefined when `text` is not a valid Edm.DateTimeOffset. */
export function parseDateTimeOffset(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8]!.slice(1, 3));
    const om = Number(m[8]!.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMin = (m[8]![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  return utc.getTime() - offsetMin * 60_000;
}

export const DATE_TIME_OFFSET_HINT = "must be an Edm.DateTimeOffset like '2027-01-15T22:00:00Z'";

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(mo) ? 30 : 31;
}

const UTC_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?Z$/;

/**
 * The one rendering of an instant the service produces for Graph (SQL twin: store/docs.ts, kind 'time'):
 * Edm.DateTimeOffset in UTC with seven fractional digits, 100 ns ticks, as Microsoft's examples and .NET's
 * round-trip format write it (`2025-11-14T20:55:10.5427196Z`). xtm keeps instants to the millisecond, so the
 * last four digits are 0. Values a client sent (completeAfterDateTime) are echoed as sent, not re-rendered.
 */
export function formatDateTimeOffset(instant: string | number): string {
  const m = typeof instant === 'string' ? UTC_ISO.exec(instant) : null;
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(3, '0')}0000Z`;
  const ms = typeof instant === 'number' ? instant : parseDateTimeOffset(instant);
  if (ms === undefined || !Number.isFinite(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return formatDateTimeOffset(new Date(ms).toISOString());
}

/** formatDateTimeOffset for a value that may be absent (null stays null). */
export const formatOptionalDateTimeOffset = (instant: string | null | undefined): string | null =>
  instant === null || instant === undefined ? null : formatDateTimeOffset(instant);
