// A move that SharePoint refuses or fails, with its MnA* error name (migration-domain.md §2.3–2.9).
// A PermanentError: the runner does not retry it, the same input fails the same way.
import { PermanentError } from '../queue.js';

export class MoveError extends PermanentError {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'MoveError';
  }
}

export const MoveErrors = {
  sourceOneDriveMissing: (upn: string) => new MoveError('MnAOdbForSourceUPNDoesNotExist', `OneDrive site for source user UPN [${upn}] does not exist.`),
  sourceSiteMissing: (url: string) => new MoveError('MnAMoveJobCreationFailed', `The Cross-Tenant content move job creation for the source URL [${url}] has failed. Error: [The source site does not exist.]`),
  targetUrlConflict: () => new MoveError('MnASiteMoveTargetUrlHasWriteConflict',
    'The target tenant has a conflict for the site provided. Check whether site with url from the TargetSiteUrl property of this job already exists on the target.'),
};
