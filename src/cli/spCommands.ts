// `xtm sp …`: SharePoint / OneDrive cross-organization migration over Graph. Tasks live in the source
// tenant; identity mappings in the target tenant, imported and exported as the 6-column CSV
// (Add-SPOTenantIdentityMap's format) through the delta PATCH (≤ 50 per request) and the lists.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { CliError, graphOptions, listAll, print, runCli, XtmClient } from './api.js';
import { table } from './table.js';
import { formatIdentityMapCsv, IdentityMapCsvError, parseIdentityMapCsv, type SpoGroupMapping, type SpoUserMapping } from '../domain/spoIdentityMap.js';

const SP = '/solutions/sharePoint/migrations';
const TASKS = `${SP}/crossOrganizationMigrationTasks`;
type SpTask = { id: string; status: string; parameters?: Record<string, unknown>; startedDateTime?: string; finishedDateTime?: string; error?: { code: string; message: string } | null };
const taskSource = (t: SpTask) => {
  const p = (t.parameters ?? {}) as { sourceUserIdentity?: { userPrincipalName?: string }; sourceSiteUrl?: string; sourceGroupIdentity?: { mailNickname?: string } };
  return p.sourceUserIdentity?.userPrincipalName ?? p.sourceSiteUrl ?? p.sourceGroupIdentity?.mailNickname ?? '';
};

export function registerSpCommands(program: Command): void {
  const sp = program.command('sp').description('SharePoint and OneDrive cross-organization migration (Graph API)');
  const tasks = sp.command('tasks').description('migration tasks (as the source tenant\'s app)');
  const src = (o: object) => new XtmClient(o as never, 'source');
  const tgt = (o: object) => new XtmClient(o as never, 'target');

  graphOptions(tasks.command('list').description('list the tasks'), 'source').option('--json', 'print JSON')
    .action((o) => runCli(async () => {
      const all = await listAll<SpTask>(src(o), TASKS);
      print(o.json, all, () => (all.length ? table(['id', 'status', 'source', 'error'], all.map((t) => [t.id, t.status, taskSource(t), t.error ? `${t.error.code}` : ''])) : 'no tasks'));
    }));
  graphOptions(tasks.command('show <id>').description('one task'), 'source').option('--json', 'print JSON')
    .action((id, o) => runCli(async () => {
      const t = (await src(o).graph('GET', `${TASKS}/${encodeURIComponent(id)}`)).body as SpTask;
      print(o.json, t, () => `${t.id}  ${t.status}  ${taskSource(t)}${t.error ? `\n  ${t.error.code}: ${t.error.message}` : ''}`);
    }));
  graphOptions(tasks.command('create').description('create a task from a JSON body (as POSTed to crossOrganizationMigrationTasks)'), 'source')
    .requiredOption('--file <file>', 'the task body as JSON ("-" reads stdin)').option('--validate-only', 'run the checks only (validateOnly)').option('--json', 'print JSON')
    .action((o) => runCli(async () => {
      let body: { parameters?: Record<string, unknown> };
      try {
        body = JSON.parse(readFileSync(o.file === '-' ? 0 : o.file, 'utf8'));
      } catch (e) {
        throw new CliError(`can't read the task body ${o.file}: ${(e as Error).message}`, 2);
      }
      if (o.validateOnly) body.parameters = { ...(body.parameters ?? {}), validateOnly: true };
      const t = (await src(o).graph('POST', TASKS, body)).body as SpTask;
      print(o.json, t, () => `${t.id ?? '(validate only)'}  ${t.status}${t.error ? `  ${t.error.code}: ${t.error.message}` : ''}`);
      return t.status === 'failed' ? 1 : 0;
    }));
  graphOptions(tasks.command('cancel <id>').description('cancel a task that has not started'), 'source')
    .action((id, o) => runCli(async () => {
      await src(o).graph('POST', `${TASKS}/${encodeURIComponent(id)}/cancel`, {});
      console.log(`cancelled ${id}`);
    }));

  const mappings = sp.command('mappings').description('the identity map (as the target tenant\'s app), as the 6-column CSV');
  graphOptions(mappings.command('export').description('write every user and group mapping as CSV (stdout, or --out FILE)'))
    .option('--out <file>', 'output file').option('--json', 'print the mappings as JSON instead')
    .action((o) => runCli(async () => {
      const c = tgt(o);
      const users = await listAll<{ sourceOrganizationId: string; userType: SpoUserMapping['userType']; sourceUserIdentity: { userPrincipalName: string }; targetUserIdentity: { userPrincipalName: string }; targetUserMigrationData?: { email?: string | null } }>(c, `${SP}/crossOrganizationUserMappings`);
      const groups = await listAll<{ sourceOrganizationId: string; groupType: SpoGroupMapping['groupType']; sourceGroupIdentity: { id: string }; targetGroupIdentity: { id: string }; targetGroupMigrationData?: { mailNickname?: string | null } }>(c, `${SP}/crossOrganizationGroupMappings`);
      if (o.json) return print(true, { users, groups }, () => '');
      const csv = formatIdentityMapCsv(
        users.map((u) => ({ sourceOrganizationId: u.sourceOrganizationId, sourceUserPrincipalName: u.sourceUserIdentity.userPrincipalName, targetUserPrincipalName: u.targetUserIdentity.userPrincipalName, targetEmail: u.targetUserMigrationData?.email ?? null, userType: u.userType })),
        groups.map((g) => ({ sourceOrganizationId: g.sourceOrganizationId, sourceGroupId: g.sourceGroupIdentity.id, targetGroupId: g.targetGroupIdentity.id, targetMailNickname: g.targetGroupMigrationData?.mailNickname ?? null, groupType: g.groupType })),
      );
      if (o.out) writeFileSync(o.out, csv);
      else process.stdout.write(csv);
    }));
  graphOptions(mappings.command('import <file>').description('add or replace the CSV\'s mappings (delta PATCH, 50 per request; mappings not in the file stay)'))
    .action((file, o) => runCli(async () => {
      let parsed: ReturnType<typeof parseIdentityMapCsv>;
      try {
        parsed = parseIdentityMapCsv(readFileSync(file));
      } catch (e) {
        if (e instanceof IdentityMapCsvError) throw new CliError(`${file}: ${e.message}`, 2, 'each row: User,<source tenant>,<source UPN>,<target UPN>,<target e-mail>,RegularUser or Group,<source tenant>,<source group id>,<target group id>,<alias>,O365Group');
        throw new CliError(`can't read ${file}: ${(e as Error).message}`, 2);
      }
      const c = tgt(o);
      const users = parsed.users.map((u) => ({ sourceOrganizationId: u.sourceOrganizationId, userType: u.userType, sourceUserIdentity: { userPrincipalName: u.sourceUserPrincipalName }, targetUserIdentity: { userPrincipalName: u.targetUserPrincipalName }, targetUserMigrationData: { email: u.targetEmail } }));
      const groups = parsed.groups.map((g) => ({ sourceOrganizationId: g.sourceOrganizationId, groupType: g.groupType, sourceGroupIdentity: { id: g.sourceGroupId }, targetGroupIdentity: { id: g.targetGroupId }, targetGroupMigrationData: { mailNickname: g.targetMailNickname } }));
      for (const [path, rows] of [[`${SP}/crossOrganizationUserMappings`, users], [`${SP}/crossOrganizationGroupMappings`, groups]] as const) {
        for (let i = 0; i < rows.length; i += 50) await c.graph('PATCH', path, { '@context': '#$delta', value: rows.slice(i, i + 50) });
      }
      console.log(`imported ${users.length} user and ${groups.length} group mappings`);
    }));
}
