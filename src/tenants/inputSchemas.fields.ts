// Field builders shared by the input schemas (inputSchemas.ts, inputSchemas.content.ts); the enumerations are in domain/tenantVocabulary.ts.
import { Type, type TSchema } from 'typebox';
import { GUID_PATTERN } from '../domain/naturalKeys.js';

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
