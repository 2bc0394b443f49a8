// Users, licences and Exchange recipients: New-MgUser / Update-MgUser / Remove-MgUser (with New-Mailbox /
// New-MailUser as the user's mailbox / mailUser block), Set-MgUserLicense, Set-Mailbox / Set-MailUser.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { getUser, pageUsers } from '../../store/tenantsRepo.js';
import { UserInput } from '../../tenants/inputSchemas.js';
import { EXCHANGE_PLANS } from '../../domain/tenantVocabulary.js';
import type { TenantRecord, UserRecord } from '../../domain/tenantRecords.js';
import { partNumberOf } from '../directory/licenses.js';
import { T, apply, created, list, lower, merge, pageOf, paged, param, tenantOfReq } from './common.js';
import { userToInput } from './convert.js';
import { deleteUser } from '../../store/tenantDeletes.js';
import { LicenseBody, RecipientPatch, UserPatch } from './schemas.js';
import { AdminList, AdminObject, QueryParams } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

const USER_PATH = /^users\[0\]\.?/;

export async function requireUser(deps: AppDeps, t: TenantRecord, ref: string): Promise<UserRecord> {
  const u = await getUser(deps.store, t.id, ref);
  if (!u) throw Errors.adminObjectNotFound('User', ref, t.id);
  return u;
}

/**
 * Licensing has Exchange side effects (migration-domain.md §1.3 item 9, rule 20): an Exchange plan on a
 * user without a mailbox provisions one, unless it is a MailUser whose ExchangeGuid is already stamped
 * (the state a cross-tenant move needs); a MailUser turned mailbox loses SMTP proxies in unverified domains.
 */
export function licenseSideEffects(input: UserInput, added: string[], t: TenantRecord): UserInput {
  if (!added.some((s) => EXCHANGE_PLANS.includes(s)) || input.mailbox) return input;
  const verified = new Set(t.domains.filter((d) => d.isVerified).map((d) => d.name));
  const mu = input.mailUser;
  if (mu?.exchangeGuid) return input;
  const out: UserInput = { ...input };
  delete out.mailUser;
  out.mailbox = mu
    ? {
      ...mu, recipientTypeDetails: 'UserMailbox', externalEmailAddress: null, exchangeGuid: undefined,
      emailAddresses: (mu.emailAddresses ?? []).filter((a) => !/^smtp:/i.test(a) || verified.has(lower(a.slice(a.lastIndexOf('@') + 1)))),
    }
    : {};
  delete out.mailbox.exchangeGuid;
  if (out.mailbox.primarySmtpAddress && !verified.has(lower(out.mailbox.primarySmtpAddress.split('@')[1] ?? ''))) delete out.mailbox.primarySmtpAddress;
  delete out.mail;
  return out;
}

export function adminUserRoutes(app: GraphApp, deps: AppDeps): void {
  const save = (t: TenantRecord, input: UserInput, rename: (p: string) => string = (p) => p.replace(USER_PATH, '') || p) =>
    apply(deps, [{ tenantId: t.id, users: [input] }], rename);

  app.get(`${T}/users`, { schema: { params: PathParams('tenant'), querystring: QueryParams('$top', '$skiptoken'), response: { 200: AdminList } } }, async (req) => paged(req, await pageUsers(deps.store, (await tenantOfReq(deps, req)).id, pageOf(req))));
  app.get(`${T}/users/:user`, { schema: { params: PathParams('tenant', 'user'), response: { 200: AdminObject } } }, async (req) => requireUser(deps, await tenantOfReq(deps, req), param(req, 'user')));

  app.post(`${T}/users`, { schema: { params: PathParams('tenant'), body: UserInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    if (body.id && (await getUser(deps.store, t.id, body.id))) throw Errors.adminConflict(`User ${lower(body.id)} already exists in tenant ${t.id}; use PATCH to change it.`, 'id');
    const holder = await getUser(deps.store, t.id, body.userPrincipalName);
    if (holder) throw Errors.adminInvalid('userPrincipalName', `userPrincipalName '${body.userPrincipalName}' is already used by user ${holder.id} in tenant '${t.displayName}' (${t.id})`);
    await save(t, body);
    return created(reply, await requireUser(deps, t, body.userPrincipalName));
  });

  app.patch(`${T}/users/:user`, { schema: { params: PathParams('tenant', 'user'), body: UserPatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const patch = req.body;
    const input = userToInput(u);
    const { mailbox, mailUser, ...top } = patch;
    Object.assign(input, top);
    // A recipient block of the same kind is merged; switching kind starts from the given block.
    if (mailbox) input.mailbox = input.mailbox ? merge(input.mailbox, mailbox) : mailbox;
    if (mailUser) input.mailUser = input.mailUser ? merge(input.mailUser, mailUser) : mailUser;
    if (mailbox && !mailUser) delete input.mailUser;
    if (mailUser && !mailbox) delete input.mailbox;
    if ((mailbox || mailUser) && top.mail === undefined && u.mail && lower(u.mail) === lower((u.mailbox ?? u.mailUser)?.primarySmtpAddress ?? '')) delete input.mail;
    await save(t, input);
    return requireUser(deps, t, u.id);
  });

  app.delete(`${T}/users/:user`, { schema: { params: PathParams('tenant', 'user'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    await deleteUser(deps.store.db, t.id, u.id, deps.clock.iso());
    return reply.code(204).send();
  });

  app.post(`${T}/users/:user/licenses`, { schema: { params: PathParams('tenant', 'user'), body: LicenseBody, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const body = req.body;
    const known = [...u.licenses];
    const add = (body.addLicenses ?? []).map((ref, i) => {
      const key = typeof ref === 'string' ? ref : (ref.skuPartNumber ?? ref.skuId ?? '');
      const part = key ? partNumberOf(key, known) : undefined;
      if (!part) throw Errors.adminInvalid(`addLicenses[${i}]`, `'${key}' is not a known skuId or SKU part number (see GET /v1.0/subscribedSkus)`);
      return part;
    });
    const remove = (body.removeLicenses ?? []).map((ref, i) => {
      const part = partNumberOf(ref, known);
      if (!part || !u.licenses.includes(part)) throw Errors.adminInvalid(`removeLicenses[${i}]`, `'${ref}' is not assigned to user ${u.userPrincipalName}`);
      return part;
    });
    const input = userToInput(u);
    input.licenses = [...new Set([...u.licenses.filter((l) => !remove.includes(l)), ...add])];
    const added = add.filter((l) => !u.licenses.includes(l));
    await save(t, licenseSideEffects(input, added, t));
    return requireUser(deps, t, u.id);
  });

  // Get-Recipient / Set-Mailbox / Set-MailUser
  app.get(`${T}/recipients/:user`, { schema: { params: PathParams('tenant', 'user'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const r = u.mailbox ?? u.mailUser;
    if (!r) throw Errors.adminObjectNotFound('Recipient', param(req, 'user'), t.id);
    return { id: u.id, userPrincipalName: u.userPrincipalName, recipientType: u.mailbox ? 'UserMailbox' : 'MailUser', ...r };
  });
  app.patch(`${T}/recipients/:user`, { schema: { params: PathParams('tenant', 'user'), body: RecipientPatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const kind = u.mailbox ? 'mailbox' : u.mailUser ? 'mailUser' : undefined;
    if (!kind) throw Errors.adminObjectNotFound('Recipient', param(req, 'user'), t.id);
    const patch = req.body;
    const input = userToInput(u);
    const block = merge(input[kind]!, patch);
    // A new SMTP: entry makes the primary address; the user's mail follows the primary address, as in Exchange.
    if (patch.emailAddresses && !patch.primarySmtpAddress && patch.emailAddresses.some((a) => a.startsWith('SMTP:'))) delete block.primarySmtpAddress;
    input[kind] = block;
    if (u.mail && lower(u.mail) === lower(u[kind]!.primarySmtpAddress)) delete input.mail;
    await save(t, input, (p) => p.replace(/^users\[0\]\.(mailbox|mailUser)\./, '').replace(USER_PATH, '') || p);
    const after = await requireUser(deps, t, u.id);
    return { id: after.id, userPrincipalName: after.userPrincipalName, recipientType: after.mailbox ? 'UserMailbox' : 'MailUser', ...(after.mailbox ?? after.mailUser) };
  });

}
