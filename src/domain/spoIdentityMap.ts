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

/** Parses a whole map (the upload replaces the map): every problem is reported with its row; nothing is returned partly. */
export function parseIdentityMapCsv(input: Buffer | string): { users: SpoUserMapping[]; groups: SpoGroupMapping[] } {
  const issues: CsvIssue[] = [];
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new IdentityMapCsvError([{ row: 1, message: 'the file is not valid UTF-8 text' }]);
    }
  }
  text = text.replace(/^\uFEFF/, '');
  const users: SpoUserMapping[] = [];
  const groups: SpoGroupMapping[] = [];
  const seenUsers = new Map<string, number>();
  const seenUserTargets = new Map<string, number>();
  const seenGroups = new Map<string, number>();
  const seenGroupTargets = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, k) => {
    const row = k + 1;
    if (line.trim() === '') return;
    const f = splitCsvLine(line);
    if (!f) return void issues.push({ row, message: 'unbalanced quotes' });
    if (f.length !== 6) return void issues.push({ row, message: `expected 6 columns, found ${f.length}` });
    const [kind, org, src, tgt, fifth, type] = f as [string, string, string, string, string, string];
    if (!GUID_RE.test(org)) issues.push({ row, column: 2, message: `SourceTenantCompanyID '${org}' is not a GUID` });
    if (/^user$/i.test(kind)) {
      if (!UPN_RE.test(src)) issues.push({ row, column: 3, message: `SourceUserUpn '${src}' is not a user principal name` });
      if (!UPN_RE.test(tgt)) issues.push({ row, column: 4, message: `TargetUserUpn '${tgt}' is not a user principal name` });
      if (fifth !== '' && !UPN_RE.test(fifth)) issues.push({ row, column: 5, message: `TargetUserEmail '${fifth}' is not an e-mail address` });
      const userType = CSV_USER_TYPES[type.toLowerCase()];
      if (!userType) issues.push({ row, column: 6, message: `UserType '${type}' is not one of None, RegularUser, AdminUser, GuestUser` });
      const prev = seenUsers.get(src.toLowerCase());
      if (prev) issues.push({ row, column: 3, message: `source user '${src}' is already mapped on row ${prev} (the map is one-to-one)` });
      const prevT = seenUserTargets.get(tgt.toLowerCase());
      if (prevT) issues.push({ row, column: 4, message: `target user '${tgt}' is already mapped on row ${prevT} (the map is one-to-one)` });
      seenUsers.set(src.toLowerCase(), row);
      seenUserTargets.set(tgt.toLowerCase(), row);
      users.push({ sourceOrganizationId: org.toLowerCase(), sourceUserPrincipalName: src, targetUserPrincipalName: tgt, targetEmail: fifth || null, userType: userType ?? 'none' });
    } else if (/^group$/i.test(kind)) {
      if (!GUID_RE.test(src)) issues.push({ row, column: 3, message: `SourceGroupObjectID '${src}' is not a GUID` });
      if (!GUID_RE.test(tgt)) issues.push({ row, column: 4, message: `TargetGroupObjectID '${tgt}' is not a GUID` });
      const groupType = CSV_GROUP_TYPES[type.toLowerCase()];
      if (!groupType) issues.push({ row, column: 6, message: `GroupType '${type}' is not one of None, RegularGroup, AdminGroup, O365Group` });
      const prev = seenGroups.get(src.toLowerCase());
      if (prev) issues.push({ row, column: 3, message: `source group '${src}' is already mapped on row ${prev} (the map is one-to-one)` });
      const prevT = seenGroupTargets.get(tgt.toLowerCase());
      if (prevT) issues.push({ row, column: 4, message: `target group '${tgt}' is already mapped on row ${prevT} (the map is one-to-one)` });
      seenGroups.set(src.toLowerCase(), row);
      seenGroupTargets.set(tgt.toLowerCase(), row);
      groups.push({ sourceOrganizationId: org.toLowerCase(), sourceGroupId: src.toLowerCase(), targetGroupId: tgt.toLowerCase(), targetMailNickname: fifth || null, groupType: groupType ?? 'none' });
    } else {
      issues.push({ row, column: 1, message: `the first column is '${kind}'; it must be User or Group` });
    }
  });
  if (issues.length) throw new IdentityMapCsvError(issues);
  return { users, groups };
}

const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function formatIdentityMapCsv(users: readonly SpoUserMapping[], groups: readonly SpoGroupMapping[]): string {
  const lines = [
    ...users.map((u) => ['User', u.sourceOrganizationId, u.sourceUserPrincipalName, u.targetUserPrincipalName, u.targetEmail ?? '', CSV_USER_OUT[u.userType]]),
    ...groups.map((g) => ['Group', g.sourceOrganizationId, g.sourceGroupId, g.targetGroupId, g.targetMailNickname ?? '', CSV_GROUP_OUT[g.groupType]]),
  ];
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + (lines.length ? '\r\n' : '');
}
