// Field builders and enumerations shared by the object schemas (objects.ts, objects.content.ts).
import { Type, type TSchema } from 'typebox';
import { GUID_PATTERN } from './ids.js';
import { DirectoryRoles } from './model.js';

export const Guid = (description: string) => Type.String({ pattern: GUID_PATTERN, description });
export const DateTime = (description: string) => Type.String({ format: 'date-time', description });
export const DomainName = (description: string) =>
  Type.String({ pattern: '^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,62}$', description });
export const Upn = (description: string) => Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', description });
export const SmtpAddress = (description: string) => Type.String({ pattern: '^[^@\\s:]+@[^@\\s]+\\.[^@\\s]+$', description });
export const HttpsUrl = (description: string) => Type.String({ pattern: '^https://[^\\s/]+(/[^\\s]*)?$', description });
export const Ref = (description: string) => Type.String({ minLength: 1, description });
export const Text = (description: string, minLength = 1) => Type.String({ minLength, description });
export const Bytes = (description: string) => Type.Integer({ minimum: 0, description });
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
export const Toggle = (description: string) => Type.Optional(Type.Boolean({ description }));
export const Obj = <P extends Record<string, TSchema>>(properties: P, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });

export const Clouds = ['Global', 'USGov', 'USGovHigh', 'DoD', 'China'] as const;
export const AcceptedDomainTypes = ['Authoritative', 'InternalRelay', 'ExternalRelay'] as const;
export const GroupTypes = ['Security', 'MailEnabledSecurity', 'Microsoft365', 'Distribution'] as const;
export const MailboxMoveCapabilities = ['Inbound', 'Outbound', 'RemoteInbound', 'RemoteOutbound'] as const;
export const IdentityMappingStates = ['Unmapped', 'Mapped', 'Completed'] as const;
export const SpoUserTypes = ['none', 'regularUser', 'adminUser', 'guestUser'] as const;
export const SpoGroupTypes = ['none', 'regularGroup', 'm365Group'] as const;
export const DirectoryRoleNames = Object.keys(DirectoryRoles) as (keyof typeof DirectoryRoles)[];

