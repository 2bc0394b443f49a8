// xtm's entity data model: the Graph types xtm serves, declared once. The CSDL at /$metadata is
// rendered from it; names, nullability and enum members follow Microsoft's beta CSDL for the
// properties xtm actually returns (a type lists only what xtm serves, not everything Graph has).

/** `Edm.String`, `graph.user`, `Collection(graph.recipient)`, … */
export type EdmTypeRef = string;

export interface EdmProperty {
  name: string;
  type: EdmTypeRef;
  /** CSDL's Nullable; omitted means nullable, as in CSDL. */
  nullable?: boolean;
}

export interface EdmNavigation {
  name: string;
  type: EdmTypeRef;
  containsTarget?: boolean;
  nullable?: boolean;
}

export interface EdmAlternateKey {
  alias: string;
  path: string;
}

export interface EdmEntityType {
  kind: 'entity';
  name: string;
  baseType?: EdmTypeRef;
  abstract?: boolean;
  openType?: boolean;
  /** Only on types without a base type (`entity` declares `id`). */
  key?: string[];
  properties: EdmProperty[];
  navigation?: EdmNavigation[];
  alternateKeys?: EdmAlternateKey[][];
}

export interface EdmComplexType {
  kind: 'complex';
  name: string;
  baseType?: EdmTypeRef;
  abstract?: boolean;
  openType?: boolean;
  properties: EdmProperty[];
}

export interface EdmEnumType {
  kind: 'enum';
  name: string;
  members: readonly string[];
  flags?: boolean;
}

export interface EdmOperation {
  kind: 'action' | 'function';
  name: string;
  /** Type of the binding parameter, e.g. `graph.crossTenantMigrationJob` or `Collection(graph.x)`. */
  bindingType: EdmTypeRef;
  parameters?: EdmProperty[];
  returnType?: { type: EdmTypeRef; nullable?: boolean };
  composable?: boolean;
}

export interface EdmContainerChild {
  kind: 'entitySet' | 'singleton';
  name: string;
  type: EdmTypeRef; // entity type (not Collection(...))
  /** NavigationPropertyBinding: navigation path → the entity set its entities live in. */
  bindings?: Record<string, string>;
}

export type EdmType = EdmEntityType | EdmComplexType | EdmEnumType;

export interface EdmModule {
  /** Schema namespace; default `microsoft.graph`. xtm's own extensions live in `xtm`. */
  namespace?: string;
  types: EdmType[];
  operations?: EdmOperation[];
  container?: EdmContainerChild[];
  /** Instance annotations this namespace writes into payloads (`@xtm.moveState`). */
  terms?: { name: string; type: EdmTypeRef; appliesTo: string }[];
}

export const NAMESPACE = 'microsoft.graph';
export const ALIAS = 'graph';

// Small constructors keep the model files close to how CSDL reads.
export const prop = (name: string, type: EdmTypeRef, nullable?: boolean): EdmProperty => (nullable === undefined ? { name, type } : { name, type, nullable });
export const nav = (name: string, type: EdmTypeRef, containsTarget = false): EdmNavigation => (containsTarget ? { name, type, containsTarget } : { name, type });
export const entity = (name: string, baseType: EdmTypeRef | undefined, properties: EdmProperty[], rest: Partial<Omit<EdmEntityType, 'kind' | 'name' | 'properties'>> = {}): EdmEntityType =>
  ({ kind: 'entity', name, ...(baseType ? { baseType } : {}), properties, ...rest });
export const complex = (name: string, properties: EdmProperty[], rest: Partial<Omit<EdmComplexType, 'kind' | 'name' | 'properties'>> = {}): EdmComplexType =>
  ({ kind: 'complex', name, properties, ...rest });
export const enumType = (name: string, members: readonly string[]): EdmEnumType => ({ kind: 'enum', name, members });
export const G = (name: string): EdmTypeRef => `${ALIAS}.${name}`;
export const XTM = 'xtm';
export const X = (name: string): EdmTypeRef => `${XTM}.${name}`;
export const collection = (t: EdmTypeRef): EdmTypeRef => `Collection(${t})`;
