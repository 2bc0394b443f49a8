// Verify-SPOCrossTenantRelationship as a pure function of both tenants' relationships and the clock
// (migration-domain.md §2.1, rule 27). A trust is usable seven days after the partner set it up.
export type SpoTrustState = 'NotEstablished' | 'NotEstablishedByPartner' | 'DormantByPartner' | 'CouldNotContactPartner' | 'GoodToProceed';
export type PartnerRole = 'Source' | 'Target' | 'None';

export const SPO_TRUST_DORMANCY_MS = 7 * 24 * 3600 * 1000;

export interface SpoRelationshipView {
  partnerHostUrl: string;
  scenario: string; // MnA | None
  partnerRole: string; // the role the *partner* plays
  createdDateTime: string;
}

export interface SpoTrustSide {
  mySiteHost: string;
  relationships: readonly SpoRelationshipView[];
}

export interface SpoTrustQuery {
  scenario: string;
  partnerRole: PartnerRole;
  partnerHostUrl: string;
}

export interface SpoTrustResult {
  state: SpoTrustState;
  /** When a DormantByPartner trust becomes usable (the partner's set-up time + 7 days). */
  readyDateTime?: string;
}

const host = (u: string) => u.trim().toLowerCase().replace(/\/+$/, '');
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const opposite = (r: PartnerRole): PartnerRole => (r === 'Source' ? 'Target' : r === 'Target' ? 'Source' : 'None');

/**
 * `local` asks about `query.partnerHostUrl` in `query.partnerRole`; `partner` is the tenant owning that
 * host (null when no tenant has it). The partner must have the mirror relationship: towards the local
 * my-site host, with the local tenant in the opposite role.
 */
export function verifySpoTrust(local: SpoTrustSide, partner: SpoTrustSide | null, query: SpoTrustQuery, nowMs: number): SpoTrustResult {
  const mine = local.relationships.find((r) =>
    host(r.partnerHostUrl) === host(query.partnerHostUrl) && same(r.scenario, query.scenario) && same(r.partnerRole, query.partnerRole));
  if (!mine) return { state: 'NotEstablished' };
  if (!partner) return { state: 'CouldNotContactPartner' };
  const theirs = partner.relationships.find((r) =>
    host(r.partnerHostUrl) === host(local.mySiteHost) && same(r.scenario, query.scenario) && same(r.partnerRole, opposite(query.partnerRole)));
  if (!theirs) return { state: 'NotEstablishedByPartner' };
  const ready = Date.parse(theirs.createdDateTime) + SPO_TRUST_DORMANCY_MS;
  if (nowMs < ready) return { state: 'DormantByPartner', readyDateTime: new Date(ready).toISOString() };
  return { state: 'GoodToProceed' };
}
