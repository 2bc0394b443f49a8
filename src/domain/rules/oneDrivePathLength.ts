import { userRule } from '../validation/define.js';
import { targetOneDriveUrl } from '../validation/helpers.js';

export const MAX_TARGET_PATH = 400;
const LIBRARY = '/Documents'; // OneDrive's document library below the personal site URL

// Target URL + library + longest source path must stay within 400 characters after the rename.
export const oneDrivePathLength = userRule({
  id: 'oneDrivePathLength',
  code: 'MnATargetUrlNotValidForRename',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.7 (≤400 characters after rewrite), rule 31; ERR OneDrive text; target URL shape is an inference',
  message: "For site Source url '{sourceUrl}', target url '{targetUrl}', including files and folders, exceeds the character limit of the destination.",
  needsSource: true,
  test: (ctx, u) => {
    const od = u.sourceOneDrive;
    if (!od || od.kind !== 'OneDrive' || !u.targetUser) return false;
    const targetUrl = targetOneDriveUrl(ctx, u.targetUser.userPrincipalName);
    return targetUrl.length + LIBRARY.length + od.longestPathLength > MAX_TARGET_PATH && { sourceUrl: od.url, targetUrl };
  },
});
