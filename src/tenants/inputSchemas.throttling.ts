// Graph's request budget per app and tenant, as a scenario file (`throttling.budget`) and the admin API
// (PUT /xtm/admin/throttling) take it: one schema, so both refuse the same values with the same messages.
import { Type, type Static } from 'typebox';
import { Obj, Opt } from './inputSchemas.fields.js';

export const ThrottleBudgetInput = Obj({
  requests: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Requests one app may make to one tenant per window; 0 = no budget.' }),
  windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'The window, in seconds (fixed windows of wall-clock time).' }),
}, 'A request budget per app and tenant: over it, Graph answers 429 TooManyRequests with Retry-After.');

export const ThrottlingInput = Obj({
  budget: Opt(ThrottleBudgetInput),
}, "Throttling like Graph's for this scenario (docs/scenarios.md); default 10,000 requests per 600 s, or XTM_THROTTLE_BUDGET.");

export type ThrottleBudget = Static<typeof ThrottleBudgetInput>;
