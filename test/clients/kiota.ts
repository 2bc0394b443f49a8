// Deserialises Graph JSON bodies through @microsoft/msgraph-beta-sdk's Kiota models, with the type's
// parsable factory (chosen from @odata.context via xtm's $metadata). A property is "lost" when it lands
// in additionalData (other than @odata.*) or its value is not on the model (e.g. an unknown enum member).
// serializeModel builds request bodies the way an SDK caller would.
import { JsonParseNodeFactory, JsonSerializationWriter } from '@microsoft/kiota-serialization-json';
import type { Csdl } from './csdl.js';
import { BEYOND_CSDL, isAnnotation, resolveContext } from './csdl.js';

type Models = Record<string, unknown>;
let models: Models | undefined;
let errors: Models | undefined;

export async function loadModels(): Promise<void> {
  models ??= (await import('@microsoft/msgraph-beta-sdk/models/index.js')) as unknown as Models;
  errors ??= (await import('@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js')) as unknown as Models;
}

const upper = (s: string) => s[0]!.toUpperCase() + s.slice(1);
// Kiota escapes type names that collide with JavaScript / its own names.
const kiotaName = (type: string) => (type === 'error' ? 'ErrorEscaped' : upper(type));

function fns(type: string, from: Models = models!): { factory: any; serializer: any } {
  const factory = from[`create${kiotaName(type)}FromDiscriminatorValue`];
  const serializer = from[`serialize${kiotaName(type)}`];
  if (typeof factory !== 'function' || typeof serializer !== 'function') throw new Error(`Kiota has no model for ${type}`);
  return { factory, serializer };
}

/** Kiota model → JSON text, with the type's own serializer. */
export function serializeModel(type: string, model: object): string {
  const writer = new JsonSerializationWriter();
  writer.writeObjectValue(undefined, model as any, fns(type).serializer);
  return new TextDecoder().decode(writer.getSerializedContent());
}

export function parseModel(type: string, json: unknown, from?: Models): any {
  const node = new JsonParseNodeFactory().getRootParseNode('application/json', new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer);
  return node.getObjectValue(fns(type, from).factory);
}

/** additionalData keys other than @odata.* anywhere in a parsed model. */
function strayAdditionalData(model: unknown, path: string, annotation: (key: string) => boolean = (k) => k.startsWith('@odata.')): string[] {
  if (model === null || typeof model !== 'object') return [];
  if (Array.isArray(model)) return model.flatMap((m, i) => strayAdditionalData(m, `${path}[${i}]`, annotation));
  if (model instanceof Date || model instanceof ArrayBuffer) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(model)) {
    if (k === 'additionalData' && v && typeof v === 'object') {
      for (const extra of Object.keys(v)) if (!annotation(extra)) out.push(`${path}.${extra} landed in additionalData`);
    } else if (k !== 'backingStoreEnabled') out.push(...strayAdditionalData(v, `${path}.${k}`, annotation));
  }
  return out;
}

/** Every non-null value of the JSON is on the parsed model under the same name (dates compared as instants). */
function missing(json: unknown, model: unknown, path: string): string[] {
  if (json === null || json === undefined) return [];
  if (Array.isArray(json)) {
    if (!Array.isArray(model)) return [`${path}: array not deserialised`];
    if (model.length !== json.length) return [`${path}: ${json.length} items became ${model.length}`];
    return json.flatMap((o, i) => missing(o, model[i], `${path}[${i}]`));
  }
  if (typeof json === 'object') {
    if (!model || typeof model !== 'object') return [`${path}: object not deserialised`];
    const m = model as Record<string, unknown>;
    return Object.entries(json).flatMap(([k, v]) => {
      if (k === '@odata.type') return missing(v, m.odataType, `${path}.${k}`);
      if (k.startsWith('@odata.')) return [];
      if (!(k in m) && m.additionalData && k in (m.additionalData as object)) return []; // reported as stray
      return missing(v, m[k], `${path}.${k}`);
    });
  }
  if (json === model) return [];
  if (model instanceof Date && typeof json === 'string' && Date.parse(json) === model.getTime()) return [];
  if (model && typeof model === 'object' && 'toString' in model && typeof json === 'string' && String(model) === json) return []; // DateOnly / TimeOnly
  return [`${path}: ${JSON.stringify(json)} deserialised as ${JSON.stringify(model)}`];
}

/** Problems found deserialising one entity (or complex) value of `type` through the SDK's factory. */
export function roundTrip(type: string, value: unknown, path = '', annotation?: (key: string) => boolean): string[] {
  const model = parseModel(type, value);
  return [...strayAdditionalData(model, path, annotation), ...missing(value, model, path)];
}

/** Checks a whole response body: an OData error, a collection page or one entity, typed by its @odata.context. */
export function checkResponseBody(csdl: Csdl, body: any, label: string): string[] {
  if (body && typeof body === 'object' && 'error' in body) {
    const model = parseModel('ODataError', body, errors);
    return strayAdditionalData(model, label);
  }
  const ctx = String(body?.['@odata.context'] ?? '');
  const fragment = ctx.slice(ctx.indexOf('#') + 1);
  if (!fragment) return [`${label}: no @odata.context`];
  const target = resolveContext(csdl, fragment);
  // Instance annotations the document declares (`@xtm.moveState`) are annotations, not properties.
  const annotation = (k: string) => isAnnotation(csdl, k) || (BEYOND_CSDL[target.type]?.includes(k) ?? false);
  if (target.many) return (body.value as unknown[]).flatMap((v, i) => roundTrip(target.type, v, `${label}.value[${i}]`, annotation));
  const entityBody = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '@odata.context'));
  return roundTrip(target.type, entityBody, label, annotation);
}
