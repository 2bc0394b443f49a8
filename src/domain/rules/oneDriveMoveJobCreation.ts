import { userRule } from '../validation/define.js';
import type { UserSnapshot } from '../validation/types.js';

// Conditions that make SharePoint refuse to create the move job. No dedicated error names are
// published for them; they surface as MnAMoveJobCreationFailed with the reason (xtm wording) in Error.
const MESSAGE = 'The Cross-Tenant content move job creation for the source object id [{objectId}] has failed. Error: [{error}]';
export const MAX_ONEDRIVE_BYTES = 5 * 1024 ** 4; // 5 TB (2025 text; 2 TB in 2022)
export const MAX_ONEDRIVE_ITEMS = 1_000_000;
export const MAX_QUEUED_MOVES = 4_000;

const liveOneDrive = (u: UserSnapshot) => (u.sourceOneDrive?.kind === 'OneDrive' ? u.sourceOneDrive : null);

export const sourceOneDriveReadWrite = userRule({
  id: 'sourceOneDriveReadWrite',
  code: 'MnAMoveJobCreationFailed',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4 (source must be Read/Write), rule 31; ERR MnAMoveJobCreationFailed text + xtm reason',
  message: MESSAGE,
  needsSource: true,
  test: (_ctx, u) => {
    const od = liveOneDrive(u);
    return !!od && od.state !== 'ReadWrite' && { objectId: od.id, error: `The source OneDrive ${od.url} is ${od.state}; it must be ReadWrite.` };
  },
});

export const oneDriveSizeLimit = userRule({
  id: 'oneDriveSizeLimit',
  code: 'MnAMoveJobCreationFailed',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.8 (5 TB per OneDrive, versions included), rule 31; ERR MnAMoveJobCreationFailed text + xtm reason',
  message: MESSAGE,
  needsSource: true,
  test: (_ctx, u) => {
    const od = liveOneDrive(u);
    return !!od && od.totalBytes > MAX_ONEDRIVE_BYTES &&
      { objectId: od.id, error: `The source OneDrive ${od.url} holds ${od.totalBytes} bytes including versions; the limit is 5 TB.` };
  },
});

export const oneDriveItemLimit = userRule({
  id: 'oneDriveItemLimit',
  code: 'MnAMoveJobCreationFailed',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.8 (1 million items, versions count), rule 31; ERR MnAMoveJobCreationFailed text + xtm reason',
  message: MESSAGE,
  needsSource: true,
  test: (_ctx, u) => {
    const od = liveOneDrive(u);
    return !!od && od.itemCount > MAX_ONEDRIVE_ITEMS &&
      { objectId: od.id, error: `The source OneDrive ${od.url} holds ${od.itemCount} items including versions; the limit is 1000000.` };
  },
});

export const odspQueueCapacity = userRule({
  id: 'odspQueueCapacity',
  code: 'MnAMoveJobCreationFailed',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.8 (4,000 queued moves per source instance), rule 31; ERR MnAMoveJobCreationFailed text + xtm reason',
  message: MESSAGE,
  needsSource: true,
  test: (ctx, u) => {
    const queued = ctx.source.settings.sharePoint.queuedMoves;
    return queued >= MAX_QUEUED_MOVES && {
      objectId: u.sourceOneDrive?.id ?? u.sourceUser?.id ?? '',
      error: `The source instance already has ${queued} moves scheduled or pending; the limit is ${MAX_QUEUED_MOVES}.`,
    };
  },
});
