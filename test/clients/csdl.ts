// Test-side reader of xtm's CSDL (parsed from the XML, independent of the model code): resolves a
// route or an @odata.context fragment to the types it addresses, and checks entity bodies against them.
import { XMLParser } from 'fast-xml-parser';

export interface CsdlProperty { name: string; type: string; nullable: boolean }
export interface CsdlType {
  kind: 'entity' | 'complex' | 'enum';
  name: string;
  baseType?: string;
  abstract: boolean;
  properties: CsdlProperty[];
  navigation: { name: string; type: string; containsTarget: boolean }[];
  members: string[];
  alternateKeys: string[];
}
export interface CsdlOperation { kind: 'action' | 'function'; namespace: string; name: string; bindingType: string; returnType?: string; parameters: string[] }
export interface Csdl {
  namespace: string;
  alias: string;
  types: Map<string, CsdlType>; // microsoft.graph types by simple name, others as `namespace.name`
  operations: CsdlOperation[];
  container: Map<string, { kind: 'entitySet' | 'singleton'; type: string }>;
  /** Entity sets named as the Target of a NavigationPropertyBinding. */
  bindingTargets: Set<string>;
  /** Declared annotation terms, `namespace.name`: payloads may carry them as `@namespace.name`. */
  terms: Set<string>;
}

const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function parseCsdl(xml: string): Csdl {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const schemas = arr<any>(doc['edmx:Edmx']['edmx:DataServices'].Schema);
  const graph = schemas.find((x) => x.Namespace === 'microsoft.graph');
  const types = new Map<string, CsdlType>();
  const operations: CsdlOperation[] = [];
  const terms = new Set<string>();
  const props = (x: any): CsdlProperty[] => arr(x.Property).map((p: any) => ({ name: p.Name, type: p.Type, nullable: p.Nullable !== 'false' }));
  for (const schema of schemas) {
    const key = (name: string) => (schema.Namespace === 'microsoft.graph' ? name : `${schema.Namespace}.${name}`);
    for (const e of arr<any>(schema.EntityType)) {
      const alt = arr<any>(e.Annotation).filter((a) => a.Term === 'Org.OData.Core.V1.AlternateKeys')
        .flatMap((a) => arr<any>(a.Collection.Record)).flatMap((r) => arr<any>(r.PropertyValue.Collection.Record))
        .map((r) => arr<any>(r.PropertyValue).find((p) => p.Property === 'Alias').String);
      types.set(key(e.Name), {
        kind: 'entity', name: key(e.Name), baseType: e.BaseType, abstract: e.Abstract === 'true', properties: props(e),
        navigation: arr<any>(e.NavigationProperty).map((n) => ({ name: n.Name, type: n.Type, containsTarget: n.ContainsTarget === 'true' })), members: [], alternateKeys: alt,
      });
    }
    for (const c of arr<any>(schema.ComplexType)) {
      types.set(key(c.Name), { kind: 'complex', name: key(c.Name), baseType: c.BaseType, abstract: c.Abstract === 'true', properties: props(c), navigation: [], members: [], alternateKeys: [] });
    }
    for (const en of arr<any>(schema.EnumType)) {
      types.set(key(en.Name), { kind: 'enum', name: key(en.Name), abstract: false, properties: [], navigation: [], members: arr<any>(en.Member).map((m) => m.Name), alternateKeys: [] });
    }
    for (const t of arr<any>(schema.Term)) terms.add(`${schema.Namespace}.${t.Name}`);
    for (const [tag, kind] of [['Action', 'action'], ['Function', 'function']] as const) {
      for (const o of arr<any>(schema[tag])) {
        const params = arr<any>(o.Parameter);
        operations.push({ kind, namespace: schema.Namespace, name: o.Name, bindingType: params[0].Type, returnType: o.ReturnType?.Type, parameters: params.slice(1).map((p) => p.Name) });
      }
    }
  }
  const container = new Map<string, { kind: 'entitySet' | 'singleton'; type: string }>();
  const bindingTargets = new Set<string>();
  for (const s of [...arr<any>(graph.EntityContainer.EntitySet), ...arr<any>(graph.EntityContainer.Singleton)]) {
    for (const b of arr<any>(s.NavigationPropertyBinding)) bindingTargets.add(b.Target);
  }
  for (const s of arr<any>(graph.EntityContainer.EntitySet)) container.set(s.Name, { kind: 'entitySet', type: s.EntityType });
  for (const s of arr<any>(graph.EntityContainer.Singleton)) container.set(s.Name, { kind: 'singleton', type: s.Type });
  return { namespace: graph.Namespace, alias: graph.Alias, types, operations, container, bindingTargets, terms };
}

/** `@odata.*` control information, or an instance annotation whose term the document declares. */
export function isAnnotation(csdl: Csdl, key: string): boolean {
  return key.startsWith('@odata.') || (key.startsWith('@') && csdl.terms.has(key.slice(1)));
}

/** How a bound operation is addressed in a URL segment: Graph's own with or without namespace, others qualified. */
export const operationSegments = (o: CsdlOperation): string[] =>
  o.namespace === 'microsoft.graph' ? [o.name, `microsoft.graph.${o.name}`] : [`${o.namespace}.${o.name}`];

/** `graph.user`, `microsoft.graph.user`, `Collection(graph.user)` → { name: 'user', many } */
export function typeRef(ref: string): { name: string; many: boolean } {
  const m = /^Collection\((.*)\)$/.exec(ref);
  const inner = m ? m[1]! : ref;
  return { name: inner.replace(/^(graph|microsoft\.graph)\./, ''), many: !!m };
}

/** The type and its base types, nearest first. */
export function lineage(csdl: Csdl, name: string): CsdlType[] {
  const out: CsdlType[] = [];
  for (let t = csdl.types.get(name); t; t = t.baseType ? csdl.types.get(typeRef(t.baseType).name) : undefined) out.push(t);
  return out;
}

export function derivedOf(csdl: Csdl, name: string): string[] {
  return [...csdl.types.values()].filter((t) => lineage(csdl, t.name).some((b) => b.name === name)).map((t) => t.name);
}

export const allProperties = (csdl: Csdl, name: string) => lineage(csdl, name).flatMap((t) => t.properties);
export const allNavigation = (csdl: Csdl, name: string) => lineage(csdl, name).flatMap((t) => t.navigation);

/**
 * Resolves an @odata.context fragment (`users`, `users('x')/mailFolders`, `solutions/migrations/crossTenantMigrationJobs/$entity`,
 * `users(id,displayName)`, `microsoft.graph.crossTenantMigrationJob`, `…/$delta`) to the type its payload carries.
 */
export function resolveContext(csdl: Csdl, fragment: string): { type: string; many: boolean } {
  const qualified = /^(microsoft\.graph|graph|xtm)\.([A-Za-z]+)$/.exec(fragment);
  if (qualified) {
    const name = qualified[1] === 'xtm' ? fragment : qualified[2]!;
    if (!csdl.types.has(name)) throw new Error(`context type ${fragment} is not in $metadata`);
    return { type: name, many: false };
  }
  let path = fragment;
  let entity = false;
  if (path.endsWith('/$entity')) { path = path.slice(0, -8); entity = true; }
  if (path.endsWith('/$delta')) path = path.slice(0, -7);
  // A trailing select list `(a,b)` is not a key when it is on the last segment and has no quote or '='.
  path = path.replace(/\(([A-Za-z0-9_,.@/]+)\)$/, (m, inner: string) => (inner.includes('=') ? m : ''));
  const segments = path.split('/').map((s) => s.replace(/\((.*)\)$/, ''));
  const keyed = path.split('/').map((s) => /\(.*\)$/.test(s));
  let current: { type: string; many: boolean } | undefined;
  segments.forEach((seg, i) => {
    if (!current) {
      const c = csdl.container.get(seg);
      if (!c) throw new Error(`context '${fragment}': '${seg}' is not an entity set or singleton`);
      current = { type: typeRef(c.type).name, many: c.kind === 'entitySet' };
    } else {
      const n = allNavigation(csdl, current.type).find((x) => x.name === seg);
      const p = allProperties(csdl, current.type).find((x) => x.name === seg);
      const ref = n?.type ?? p?.type;
      if (!ref) throw new Error(`context '${fragment}': '${seg}' is not a navigation property of ${current.type}`);
      current = { type: typeRef(ref).name, many: typeRef(ref).many };
    }
    if (keyed[i]) current = { ...current!, many: false };
  });
  if (!current) throw new Error(`context '${fragment}' is empty`);
  return entity ? { ...current, many: false } : current;
}

/**
 * Properties Microsoft's own examples return beyond its CSDL, which xtm returns too (docs/decisions.md): a
 * client generated from the CSDL keeps them in additionalData. The job cancel page's 202 names the job.
 */
export const BEYOND_CSDL: Readonly<Record<string, readonly string[]>> = { crossTenantMigrationCancelResponse: ['id', 'displayName'] };

/**
 * Every property of `body` is declared on `typeName` (or on the derived type its @odata.type names),
 * recursively through complex values; returns the violations as 'path: reason' strings.
 */
export function undeclaredProperties(csdl: Csdl, typeName: string, body: unknown, path = ''): string[] {
  if (body === null || typeof body !== 'object') return [];
  if (Array.isArray(body)) return body.flatMap((b, i) => undeclaredProperties(csdl, typeName, b, `${path}[${i}]`));
  const rec = body as Record<string, unknown>;
  let type = typeName;
  const odataType = rec['@odata.type'];
  if (typeof odataType === 'string') {
    const named = odataType.replace(/^#/, '').replace(/^(microsoft\.graph|graph)\./, '');
    if (!derivedOf(csdl, typeName).includes(named)) return [`${path}: @odata.type ${odataType} is not ${typeName} or derived from it`];
    type = named;
  }
  const declared = allProperties(csdl, type);
  const out: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (k.startsWith('@odata.') || k.includes('@odata.') || isAnnotation(csdl, k)) continue;
    const p = declared.find((d) => d.name === k);
    if (!p && BEYOND_CSDL[type]?.includes(k)) continue;
    if (!p) { out.push(`${path}.${k}: not declared on ${type}`); continue; }
    if (v === null && !p.nullable && !typeRef(p.type).many) out.push(`${path}.${k}: null but Nullable="false"`);
    const inner = typeRef(p.type).name;
    const t = csdl.types.get(inner);
    if (t?.kind === 'complex' || t?.kind === 'entity') out.push(...undeclaredProperties(csdl, inner, v, `${path}.${k}`));
    if (t?.kind === 'enum') for (const x of Array.isArray(v) ? v : [v]) if (x !== null && !t.members.includes(String(x))) out.push(`${path}.${k}: '${x}' is not a member of ${inner}`);
  }
  return out;
}
