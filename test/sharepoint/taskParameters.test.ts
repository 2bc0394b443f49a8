// The SharePoint task parameters rule on its own, without HTTP (as the admin API, the scenario loader
// or the CLI would call it): what each task type requires, and the refusals as DomainErrors that name
// the field. The Graph route's answers to the same cases are in test/sharepoint/tasks.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.js';
import { spoTaskRequestOf } from '../../src/domain/spoTaskParameters.js';

const T = (kind: string) => `#microsoft.graph.sharePoint${kind}MigrationTaskParameters`;
const refusal = (parameters: unknown): DomainError => {
  try {
    spoTaskRequestOf(parameters);
  } catch (e) {
    assert.ok(e instanceof DomainError, String(e));
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(parameters)}`);
};

test('each task type requires its own parameters', () => {
  const missing = (name: string) => `Cannot process the request because the required parameter ${name} is missing.`;
  assert.equal(refusal(undefined).message, missing('parameters'));
  assert.equal(refusal({}).message, missing('parameters.@odata.type'));
  assert.equal(refusal({ '@odata.type': T('Site'), sourceSiteUrl: 'https://contoso.sharepoint.com/sites/a' }).message, missing('parameters.targetSiteUrl'));
  assert.equal(refusal({ '@odata.type': T('User'), sourceUserIdentity: { userPrincipalName: 'a@contoso.com' } }).message, missing('parameters.targetUserIdentity'));
  assert.equal(refusal({ '@odata.type': T('Group'), sourceGroupIdentity: { displayName: 'x' }, targetGroupIdentity: { mailNickname: 'x' } }).message, missing('parameters.sourceGroupIdentity.mailNickname'));
  const e = refusal({ '@odata.type': T('Site'), sourceUserIdentity: {} });
  assert.deepEqual([e.kind, e.code, e.target], ['invalid', 'BadRequest', 'parameters.sourceUserIdentity']);
  assert.equal(refusal({ '@odata.type': T('Site'), validateOnly: 'yes', sourceSiteUrl: 'https://a.sharepoint.com/sites/a', targetSiteUrl: 'https://b.sharepoint.com/sites/a' }).target, 'parameters.validateOnly');
});

test('a site task: the checked request, URLs without a trailing slash, a bare host as its https URL, the input untouched', () => {
  const input = { '@odata.type': T('Site'), targetOrganizationHost: 'fabrikam.sharepoint.com', sourceSiteUrl: 'https://contoso.sharepoint.com/sites/a/', targetSiteUrl: 'https://fabrikam.sharepoint.com/sites/a', preferredStartDateTime: '2026-08-31T18:00:00+02:00' };
  const copy = structuredClone(input);
  const { request, parameters } = spoTaskRequestOf(input);
  assert.deepEqual(request, {
    type: 'site', targetOrganizationId: undefined, targetOrganizationHost: 'https://fabrikam.sharepoint.com', targetDataLocationCode: undefined,
    preferredStartDateTime: '2026-08-31T16:00:00.000Z', preferredLatestStartDateTime: undefined, validateOnly: false,
    sourceSiteUrl: 'https://contoso.sharepoint.com/sites/a', targetSiteUrl: 'https://fabrikam.sharepoint.com/sites/a',
  });
  assert.deepEqual(Object.keys(parameters), Object.keys(input), 'the kept parameters keep the client\'s order');
  assert.equal(parameters.targetOrganizationHost, 'https://fabrikam.sharepoint.com');
  assert.deepEqual(input, copy);
});

test('cross-field: the latest start must follow the preferred start', () => {
  const e = refusal({ '@odata.type': T('User'), preferredStartDateTime: '2026-03-01T00:00:00Z', preferredLatestStartDateTime: '2026-03-01T00:00:00Z', sourceUserIdentity: { userPrincipalName: 'a@contoso.com' }, targetUserIdentity: { userPrincipalName: 'a@fabrikam.com' } });
  assert.equal(e.message, "Invalid value for property 'parameters.preferredLatestStartDateTime': must be later than preferredStartDateTime.");
});
