// "Fix it here" for a validation failure whose cause is one setting of the user's source mailbox
// (fixes.ts): finds that mailbox through the target tenant's identity mapping, reads the setting, and
// asks before changing it through the admin API, saying which setting of which recipient in which
// tenant changes, and from what to what.
import { useState } from 'preact/hooks';
import { admin, signedInTenantId } from '../api';
import { currentOf, patchOf, type Fix } from '../fixes';
import { ErrorNote, type ConfirmRequest } from '../ui';

interface Props {
  fix: Fix;
  /** The failing user: its id and name in the target tenant (the job's tenant). */
  userId: string;
  upn: string;
  sourceTenantId: string;
  ask: (r: ConfirmRequest) => void;
}

export function FixSetting({ fix, userId, upn, sourceTenantId, ask }: Props) {
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const open = async () => {
    setNote(null);
    setError(null);
    try {
      const target = signedInTenantId();
      const maps = await admin<{ value: { sourceUserId: string }[] }>('GET', `tenants/${target}/identityMappings?sourceTenant=${encodeURIComponent(sourceTenantId)}&targetUser=${encodeURIComponent(userId)}`);
      const sourceUserId = maps.value[0]?.sourceUserId;
      if (!sourceUserId) throw new Error(`${upn} has no identity mapped from the source tenant, so its source mailbox is unknown.`);
      const [tenant, recipient] = await Promise.all([
        admin<{ displayName: string }>('GET', `tenants/${sourceTenantId}`),
        admin<Record<string, unknown> & { userPrincipalName: string }>('GET', `tenants/${sourceTenantId}/recipients/${sourceUserId}`),
      ]);
      const now = currentOf(fix, recipient);
      if (now === fix.value) {
        setNote(`${fix.setting} of ${recipient.userPrincipalName} is already ${String(fix.value)}: validate the job again.`);
        return;
      }
      ask({
        title: `${fix.label} for ${recipient.userPrincipalName}?`,
        body: (
          <>
            <p>One setting of the source mailbox of {upn} changes, in {tenant.displayName} (<code>{sourceTenantId}</code>):</p>
            <p data-testid="fix-change"><strong>{recipient.userPrincipalName}</strong>: {fix.setting} from <code>{String(now ?? 'not set')}</code> to <code>{String(fix.value)}</code></p>
            <p>This is what <code>{fix.cmdlet}</code> does in Exchange Online; nothing else changes. Validate the job again afterwards.</p>
          </>
        ),
        confirm: fix.label,
        run: () => admin('PATCH', `tenants/${sourceTenantId}/recipients/${sourceUserId}`, patchOf(fix)),
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <button type="button" aria-label={`${fix.label} for ${upn}`} onClick={() => void open()}>{fix.label}</button>
      {note && <p class="notice" role="status">{note}</p>}
      <ErrorNote error={error} />
    </>
  );
}
