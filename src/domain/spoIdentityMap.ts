// The SharePoint identity map (migration-domain.md §2.3, rule 30; graph-api-surface.md §8.5): one map
// per target tenant, users keyed by source UPN and groups by source group object id, one-to-one.
// Pure: the mapping records, the Graph enums, the deterministic ids and the 6-column CSV.
export const SpoUserTypes = ['none', 'regularUser', 'adminUser', 'guestUser', 'unknownFutureValue'] as const;
export const SpoGroupTypes = ['none', 'regularGroup', 'm365Group', 'unknownFutureValue'] as const;
export type SpoUserType = (typeof SpoUserTypes)[number];
export type SpoGroupType = (typeof SpoGroupTypes)[number];

export interface SpoUserMapping {
  sourceOrganizationId: string;
  sourceUserPrincipalName: string;
  targetUserPrincipalName: string;
  targetEmail: string | null;
  userType: SpoUserType;
}

export interface SpoGroupMapping {
  sourceOrganizationId: string;
  sourceGroupId: string; // lower-case GUID
  targetGroupId: string; // lower-case GUID
  targetMailNickname: string | null;
  groupType: SpoGroupType;
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const UPN_RE = /^[^@\s,"]+@[^@\s,"]+\.[^@\s,"]+$/;

/**
 * base64url (unpadded) of int32le(1) ‖ int32le(kind) ‖ UTF-8(source key); kind 1 = user (source UPN),
 * 2 = group (source group object id) — decoded from the docs' examples (§8.5).
 */
export function spoMappingId(kind: 'user' | 'group', sourceKey: string): string {
  const head = Buffer.alloc(8);
  head.writeInt32LE(1, 0);
  head.writeInt32LE(kind === 'user' ? 1 : 2, 4);
  return Buffer.concat([head, Buffer.from(sourceKey, 'utf8')]).toString('base64url');
}

/** The source key of a mapping id of that kind, or undefined when the id is not one. */
export function sourceKeyOfMappingId(kind: 'user' | 'group', id: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const b = Buffer.from(id, 'base64url');
  if (b.length <= 8 || b.readInt32LE(0) !== 1 || b.readInt32LE(4) !== (kind === 'user' ? 1 : 2)) return undefined;
  const key = b.subarray(8).toString('utf8');
  return spoMappingId(kind, key) === id ? key : undefined;
}

// ---- the CSV of Add-SPOTenantIdentityMap: 6 columns, no header, users and groups mixed ------------
// User:  User,SourceTenantCompanyID,SourceUserUpn,TargetUserUpn,TargetUserEmail,UserType
// Group: Group,SourceTenantCompanyID,SourceGroupObjectID,TargetGroupObjectID,GroupName|M365GroupAlias,GroupType
const CSV_USER_TYPES: Record<string, SpoUserType> = { none: 'none', regularuser: 'regularUser', adminuser: 'adminUser', guestuser: 'guestUser' };
// The cmdlet's AdminGroup has no Graph counterpart; it is kept as a regular group.
const CSV_GROUP_TYPES: Record<string, SpoGroupType> = { none: 'none', regulargroup: 'regularGroup', admingroup: 'regularGroup', o365group: 'm365Group', m365group: 'm365Group' };
const CSV_USER_OUT: Record<SpoUserType, string> = { none: 'None', regularUser: 'RegularUser', adminUser: 'AdminUser', guestUser: 'GuestUser', unknownFutureValue: 'None' };
const CSV_GROUP_OUT: Record<SpoGroupType, string> = { none: 'None', regularGroup: 'RegularGroup', m365Group: 'O365Group', unknownFutureValue: 'None' };

export interface CsvIssue { row: number; column?: number; message: string }

export class IdentityMapCsvError extends Error {
  constructor(readonly issues: CsvIssue[]) {
    super(issues.map((i) => `row ${i.row}${i.column ? `, column ${i.column}` : ''}: ${i.message}`).join('; '));
    this.name = 'IdentityMapCsvError';
  }
}

/** One CSV line into fields (RFC 4180 quoting; a doubled quote inside quotes is a quote). */
function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const c = line.indexOf(',', i);
      field = c < 0 ? line.slice(i) : line.slice(i, c);
      i = c < 0 ? line.length : c;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** C0 and C1 control characters and DEL: never part of a UPN, GUID, address or type name; CR and LF end a line. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** OWASP CSV injection: a cell a spreadsheet would read as a formula starts with one of these. */
const FORMULA_LEAD = /^[=+\-@\t\r]/;
/** At most this many problems are collected (a broken million-row file reports the first ones, in bounded memory). */
const MAX_ISSUES = 1000;

/**
 * The map's CSV read line by line (an upload may be streamed): push() each line, then result() gives the
 * whole map or throws every problem with its row and column. Nothing is returned partly.
 */
export class IdentityMapCsvParser {
  readonly users: SpoUserMapping[] = [];
  readonly groups: SpoGroupMapping[] = [];
  private readonly issues: CsvIssue[] = [];
  private row = 0;
  private readonly seenUsers = new Map<string, number>();
  private readonly seenUserTargets = new Map<string, number>();
  private readonly seenGroups = new Map<string, number>();
  private readonly seenGroupTargets = new Map<string, number>();

  private issue(i: CsvIssue): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push(i);
  }

  push(rawLine: string): void {
    const row = ++this.row;
    const line = row === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') return;
    const raw = splitCsvLine(line);
    if (!raw) return this.issue({ row, message: 'unbalanced quotes' });
    if (raw.length !== 6) return this.issue({ row, message: `expected 6 columns, found ${raw.length}` });
    for (let c = 0; c < raw.length; c++) {
      const bad = CONTROL.exec(raw[c]!);
      if (bad) return this.issue({ row, column: c + 1, message: `column ${c + 1} contains the control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` });
    }
    // A cell the export escaped against formula injection ('=…) reads back as written.
    const f = raw.map((v) => (v.startsWith("'") && FORMULA_LEAD.test(v.slice(1)) ? v.slice(1) : v));
    const [kind, org, src, tgt, fifth, type] = f as [string, string, string, string, string, string];
    const issue = (i: CsvIssue) => this.issue(i);
    if (!GUID_RE.test(org)) issue({ row, column: 2, message: `SourceTenantCompanyID '${org}' is not a GUID` });
    if (/^user$/i.test(kind)) {
      if (!UPN_RE.test(src)) issue({ row, column: 3, message: `SourceUserUpn '${src}' is not a user principal name` });
      if (!UPN_RE.test(tgt)) issue({ row, column: 4, message: `TargetUserUpn '${tgt}' is not a user principal name` });
      if (fifth !== '' && !UPN_RE.test(fifth)) issue({ row, column: 5, message: `TargetUserEmail '${fifth}' is not an e-mail address` });
      const userType = CSV_USER_TYPES[type.toLowerCase()];
      if (!userType) issue({ row, column: 6, message: `UserType '${type}' is not one of None, RegularUser, AdminUser, GuestUser` });
      const prev = this.seenUsers.get(src.toLowerCase());
      if (prev) issue({ row, column: 3, message: `source user '${src}' is already mapped on row ${prev} (the map is one-to-one)` });
      const prevT = this.seenUserTargets.get(tgt.toLowerCase());
      if (prevT) issue({ row, column: 4, message: `target user '${tgt}' is already mapped on row ${prevT} (the map is one-to-one)` });
      this.seenUsers.set(src.toLowerCase(), row);
      this.seenUserTargets.set(tgt.toLowerCase(), row);
      if (this.issues.length === 0) this.users.push({ sourceOrganizationId: org.toLowerCase(), sourceUserPrincipalName: src, targetUserPrincipalName: tgt, targetEmail: fifth || null, userType: userType ?? 'none' });
    } else if (/^group$/i.test(kind)) {
      if (!GUID_RE.test(src)) issue({ row, column: 3, message: `SourceGroupObjectID '${src}' is not a GUID` });
      if (!GUID_RE.test(tgt)) issue({ row, column: 4, message: `TargetGroupObjectID '${tgt}' is not a GUID` });
      const groupType = CSV_GROUP_TYPES[type.toLowerCase()];
      if (!groupType) issue({ row, column: 6, message: `GroupType '${type}' is not one of None, RegularGroup, AdminGroup, O365Group` });
      const prev = this.seenGroups.get(src.toLowerCase());
      if (prev) issue({ row, column: 3, message: `source group '${src}' is already mapped on row ${prev} (the map is one-to-one)` });
      const prevT = this.seenGroupTargets.get(tgt.toLowerCase());
      if (prevT) issue({ row, column: 4, message: `target group '${tgt}' is already mapped on row ${prevT} (the map is one-to-one)` });
      this.seenGroups.set(src.toLowerCase(), row);
      this.seenGroupTargets.set(tgt.toLowerCase(), row);
      if (this.issues.length === 0) this.groups.push({ sourceOrganizationId: org.toLowerCase(), sourceGroupId: src.toLowerCase(), targetGroupId: tgt.toLowerCase(), targetMailNickname: fifth || null, groupType: groupType ?? 'none' });
    } else {
      issue({ row, column: 1, message: `the first column is '${kind}'; it must be User or Group` });
    }
  }

  /** The map, or every problem found. An import replaces the whole map, so a file without mappings is refused too. */
  result(): { users: SpoUserMapping[]; groups: SpoGroupMapping[] } {
    if (this.issues.length) throw new IdentityMapCsvError(this.issues);
    if (this.users.length + this.groups.length === 0) {
      throw new IdentityMapCsvError([{ row: 1, message: 'the file has no mappings; an import replaces the whole map, so an empty file would delete it (remove entries one by one instead)' }]);
    }
    return { users: this.users, groups: this.groups };
  }
}

/** Parses a whole map held in memory (the upload replaces the map): every problem is reported with its row; nothing is returned partly. */
export function parseIdentityMapCsv(input: Buffer | string): { users: SpoUserMapping[]; groups: SpoGroupMapping[] } {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new IdentityMapCsvError([{ row: 1, message: 'the file is not valid UTF-8 text' }]);
    }
  }
  const parser = new IdentityMapCsvParser();
  for (const line of text.split(/\r?\n/)) parser.push(line);
  return parser.result();
}

/** One cell: a formula-leading value gets a leading ' and quotes (OWASP CSV injection); quotes, commas and line ends are quoted. */
export const csvField = (v: string): string => {
  if (FORMULA_LEAD.test(v)) return `"'${v.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

export function formatIdentityMapCsv(users: readonly SpoUserMapping[], groups: readonly SpoGroupMapping[]): string {
  const lines = [
    ...users.map((u) => ['User', u.sourceOrganizationId, u.sourceUserPrincipalName, u.targetUserPrincipalName, u.targetEmail ?? '', CSV_USER_OUT[u.userType]]),
    ...groups.map((g) => ['Group', g.sourceOrganizationId, g.sourceGroupId, g.targetGroupId, g.targetMailNickname ?? '', CSV_GROUP_OUT[g.groupType]]),
  ];
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + (lines.length ? '\r\n' : '');
}
