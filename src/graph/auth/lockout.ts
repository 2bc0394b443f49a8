// Smart lockout for the password grant, modelled on Entra ID's: after `threshold` failed sign-ins of one
// user from one source (client address) within `windowSec`, that user is locked out from that source for
// `durationSec`; every grant in that time, even with the right password, answers AADSTS50053. Each lockout
// that follows another doubles the duration (Entra lengthens repeated lockouts), capped at one day. A
// successful sign-in clears the counter. Counters live in the store, so every replica shares them.
// Defaults (Entra's for commercial tenants): 10 failures, 60 s; XTM_LOCKOUT_THRESHOLD / XTM_LOCKOUT_DURATION_SEC.
import type { Store } from '../../store/db.js';
import { signInFailuresRepo, type SignInFailureKey } from '../../store/authRepo.js';

export interface LockoutPolicy { threshold: number; durationSec: number; windowSec: number }

export function lockoutPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): LockoutPolicy {
  const num = (v: string | undefined, d: number) => (v !== undefined && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
  return { threshold: num(env.XTM_LOCKOUT_THRESHOLD, 10), durationSec: num(env.XTM_LOCKOUT_DURATION_SEC, 60), windowSec: num(env.XTM_LOCKOUT_WINDOW_SEC, 3600) };
}

export interface Lockout {
  /** Seconds the key is still locked for, or 0. */
  lockedFor(k: SignInFailureKey): Promise<number>;
  recordFailure(k: SignInFailureKey): Promise<void>;
  recordSuccess(k: SignInFailureKey): Promise<void>;
}

export function makeLockout(store: Store, policy: LockoutPolicy, wallNow: () => number): Lockout {
  return {
    async lockedFor(k) {
      const row = await signInFailuresRepo.get(store.db, k);
      if (!row?.locked_until) return 0;
      return Math.max(0, Math.ceil((Date.parse(row.locked_until) - wallNow()) / 1000));
    },
    async recordFailure(k) {
      const now = wallNow();
      const failures = await signInFailuresRepo.increment(store.db, k, new Date(now).toISOString(), new Date(now - policy.windowSec * 1000).toISOString());
      if (failures % policy.threshold !== 0) return;
      const sec = Math.min(86_400, policy.durationSec * 2 ** (failures / policy.threshold - 1));
      await signInFailuresRepo.lock(store.db, k, new Date(now + sec * 1000).toISOString());
    },
    async recordSuccess(k) {
      await signInFailuresRepo.clear(store.db, k);
    },
  };
}
