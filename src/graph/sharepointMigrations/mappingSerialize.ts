// Identity mappings → Graph JSON (graph-api-surface.md §8.5).
import type { SpoGroupMapping, SpoUserMapping } from '../../domain/spoIdentityMap.js';
import { spoMappingId } from '../../domain/spoIdentityMap.js';

export const USER_MAPPING_TYPE = 'microsoft.graph.sharePointUserIdentityMapping';
export const GROUP_MAPPING_TYPE = 'microsoft.graph.sharePointGroupIdentityMapping';
export const USER_MAPPING_PROPERTIES = ['id', 'sourceOrganizationId', 'deleted', 'userType', 'sourceUserIdentity', 'targetUserIdentity', 'targetUserMigrationData'] as const;
export const GROUP_MAPPING_PROPERTIES = ['id', 'sourceOrganizationId', 'deleted', 'groupType', 'sourceGroupIdentity', 'targetGroupIdentity', 'targetGroupMigrationData'] as const;

export function userMappingToGraph(m: SpoUserMapping & { id: string }): Record<string, unknown> {
  return {
    id: m.id,
    sourceOrganizationId: m.sourceOrganizationId,
    userType: m.userType,
    sourceUserIdentity: { userPrincipalName: m.sourceUserPrincipalName },
    targetUserIdentity: { userPrincipalName: m.targetUserPrincipalName },
    targetUserMigrationData: { email: m.targetEmail },
  };
}

export function groupMappingToGraph(m: SpoGroupMapping & { id: string }): Record<string, unknown> {
  return {
    id: m.id,
    sourceOrganizationId: m.sourceOrganizationId,
    groupType: m.groupType,
    sourceGroupIdentity: { id: m.sourceGroupId },
    targetGroupIdentity: { id: m.targetGroupId },
    targetGroupMigrationData: { mailNickname: m.targetMailNickname },
  };
}

export const deletedUserMapping = (upn: string) => ({ id: spoMappingId('user', upn.toLowerCase()), sourceUserIdentity: { userPrincipalName: upn }, deleted: { state: 'deleted' } });
export const deletedGroupMapping = (groupId: string) => ({ id: spoMappingId('group', groupId), sourceGroupIdentity: { id: groupId }, deleted: { state: 'deleted' } });
