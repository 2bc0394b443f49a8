// Renders the model as an OData CSDL XML document (EDMX 4.0), in the shape Microsoft's
// graph.microsoft.com/{version}/$metadata uses: one `microsoft.graph` schema aliased `graph`.
import { ALIAS, NAMESPACE, type EdmAlternateKey, type EdmModule, type EdmOperation, type EdmProperty, type EdmType } from './edm.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (a: Record<string, string | boolean | undefined>) =>
  Object.entries(a).filter(([, v]) => v !== undefined && v !== false).map(([k, v]) => ` ${k}="${esc(String(v))}"`).join('');

export function renderCsdl(modules: EdmModule[]): string {
  const namespaces = [...new Set([NAMESPACE, ...modules.map((m) => m.namespace ?? NAMESPACE)])];
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
  ];
  for (const ns of namespaces) out.push(...schema(ns, modules.filter((m) => (m.namespace ?? NAMESPACE) === ns)));
  out.push('  </edmx:DataServices>', '</edmx:Edmx>', '');
  return out.join('\n');
}

function schema(namespace: string, modules: EdmModule[]): string[] {
  const types = modules.flatMap((m) => m.types);
  const operations = modules.flatMap((m) => m.operations ?? []);
  const container = modules.flatMap((m) => m.container ?? []);
  checkUnique(types.map((t) => t.name), 'type');
  const byKind = (k: EdmType['kind']) => types.filter((t) => t.kind === k).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [
    `    <Schema${attrs({ Namespace: namespace, Alias: namespace === NAMESPACE ? ALIAS : undefined })} xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
  ];
  for (const t of byKind('enum')) {
    if (t.kind !== 'enum') continue;
    out.push(`      <EnumType${attrs({ Name: t.name, IsFlags: t.flags ? 'true' : undefined })}>`);
    t.members.forEach((m, i) => out.push(`        <Member Name="${esc(m)}" Value="${t.flags ? 2 ** i : i}" />`));
    out.push('      </EnumType>');
  }
  for (const t of byKind('entity')) {
    if (t.kind !== 'entity') continue;
    out.push(`      <EntityType${attrs({ Name: t.name, BaseType: t.baseType, Abstract: t.abstract ? 'true' : undefined, OpenType: t.openType ? 'true' : undefined })}>`);
    if (t.key) out.push('        <Key>', ...t.key.map((k) => `          <PropertyRef Name="${esc(k)}" />`), '        </Key>');
    for (const p of t.properties) out.push(`        ${property(p)}`);
    for (const n of t.navigation ?? []) {
      out.push(`        <NavigationProperty${attrs({ Name: n.name, Type: n.type, Nullable: n.nullable === false ? 'false' : undefined, ContainsTarget: n.containsTarget ? 'true' : undefined })} />`);
    }
    if (t.alternateKeys?.length) out.push(...alternateKeys(t.alternateKeys));
    out.push('      </EntityType>');
  }
  for (const t of byKind('complex')) {
    if (t.kind !== 'complex') continue;
    const open = `      <ComplexType${attrs({ Name: t.name, BaseType: t.baseType, Abstract: t.abstract ? 'true' : undefined, OpenType: t.openType ? 'true' : undefined })}`;
    if (t.properties.length === 0) out.push(`${open} />`);
    else out.push(`${open}>`, ...t.properties.map((p) => `        ${property(p)}`), '      </ComplexType>');
  }
  for (const op of operations) out.push(...operation(op));
  for (const t of modules.flatMap((m) => m.terms ?? [])) out.push(`      <Term${attrs({ Name: t.name, Type: t.type, AppliesTo: t.appliesTo })} />`);
  if (namespace !== NAMESPACE) {
    out.push('    </Schema>');
    return out;
  }
  out.push('      <EntityContainer Name="GraphService">');
  for (const c of container) {
    const head = c.kind === 'entitySet' ? `        <EntitySet Name="${esc(c.name)}" EntityType="${esc(c.type)}"` : `        <Singleton Name="${esc(c.name)}" Type="${esc(c.type)}"`;
    const bindings = Object.entries(c.bindings ?? {});
    if (bindings.length === 0) out.push(`${head} />`);
    else out.push(`${head}>`, ...bindings.map(([path, target]) => `          <NavigationPropertyBinding Path="${esc(path)}" Target="${esc(target)}" />`), `        </${c.kind === 'entitySet' ? 'EntitySet' : 'Singleton'}>`);
  }
  out.push('      </EntityContainer>', '    </Schema>');
  return out;
}

function property(p: EdmProperty): string {
  return `<Property${attrs({ Name: p.name, Type: p.type, Nullable: p.nullable === false ? 'false' : undefined })} />`;
}

function operation(op: EdmOperation): string[] {
  const tag = op.kind === 'action' ? 'Action' : 'Function';
  const lines = [`      <${tag}${attrs({ Name: op.name, IsBound: 'true', IsComposable: op.composable ? 'true' : undefined })}>`];
  lines.push(`        <Parameter Name="bindingParameter" Type="${esc(op.bindingType)}" />`);
  for (const p of op.parameters ?? []) lines.push(`        <Parameter${attrs({ Name: p.name, Type: p.type, Nullable: p.nullable === false ? 'false' : undefined })} />`);
  if (op.returnType) lines.push(`        <ReturnType${attrs({ Type: op.returnType.type, Nullable: op.returnType.nullable === false ? 'false' : undefined })} />`);
  lines.push(`      </${tag}>`);
  return lines;
}

/** Org.OData.Core.V1.AlternateKeys, written the way Microsoft's CSDL writes it. */
function alternateKeys(keys: EdmAlternateKey[][]): string[] {
  const lines = ['        <Annotation Term="Org.OData.Core.V1.AlternateKeys">', '          <Collection>'];
  for (const key of keys) {
    lines.push('            <Record Type="Org.OData.Core.V1.AlternateKey">', '              <PropertyValue Property="Key">', '                <Collection>');
    for (const part of key) {
      lines.push(
        '                  <Record Type="Org.OData.Core.V1.PropertyRef">',
        `                    <PropertyValue Property="Alias" String="${esc(part.alias)}" />`,
        `                    <PropertyValue Property="Name" PropertyPath="${esc(part.path)}" />`,
        '                  </Record>',
      );
    }
    lines.push('                </Collection>', '              </PropertyValue>', '            </Record>');
  }
  lines.push('          </Collection>', '        </Annotation>');
  return lines;
}

function checkUnique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`model: ${what} '${n}' is declared twice`);
    seen.add(n);
  }
}
