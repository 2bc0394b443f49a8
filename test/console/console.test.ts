// The web console in a real browser (Debian's Chromium via playwright-core) on the demo scenario: sign
// in with the app secret, create a job with users picked from the directory, validate, read the failing
// users' reasons and a rule, take one failing user out of the batch from the grid and fix the other's
// source mailbox setting from its reason (admin API), validate again, migrate, advance the clock from
// the tenant page, and watch the job complete with the grid and chart updating; import and export
// identity mappings as CSV. Every page is
// screenshotted into test-artifacts/console/ and checked with axe (no serious or critical finding),
// at 1280 px and on a narrow screen. Skips when Chromium is absent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SRC, adminOk, startDemoServer } from '../migration/http.js';
import type { TestServer } from '../helpers.js';
import { chromiumMissing, ensureConsoleBuilt, openBrowser, screenshot, seriousViolations } from './browser.js';

// Page functions run in the browser; the test program is typed for Node.
declare const document: any;
declare const sessionStorage: any;
type HTMLElement = any;

let s: TestServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const a11y: Record<string, string[]> = {};

async function check(name: string): Promise<void> {
  await screenshot(page, name);
  a11y[name] = await seriousViolations(page);
}

/** Clicks a page action, then the confirmation dialog's button (the same label). */
async function confirmed(label: string, confirm = label): Promise<void> {
  await page.getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

const jobStatus = (status: string) => page.locator('.title-row .chip', { hasText: new RegExp(`^${status}$`) }).waitFor({ timeout: 30_000 });

before(async () => {
  if (chromiumMissing) return;
  ensureConsoleBuilt();
  s = await startDemoServer();
  browser = await openBrowser();
  page = browser.page;
});
after(async () => {
  await browser?.close();
  await s?.stop();
});

test('console: sign in, create, validate, fix, migrate, advance the clock, watch it complete', { skip: chromiumMissing }, async () => {
  // `/` sends a browser to the console; sign in with the demo app and the admin key.
  await page.goto(`${s.url}/`);
  await page.getByRole('heading', { name: 'Sign in to xtm' }).waitFor();
  await check('01-sign-in');
  await page.getByRole('button', { name: 'Fill in the demo app' }).click();
  await page.getByLabel(/Admin key/).fill(s.admin!.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();

  // Create a job from the form, users picked from Fabrikam's directory.
  await page.getByRole('link', { name: 'New job' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Wave 1');
  await page.getByLabel('Source tenant id').fill(SRC);
  await page.getByLabel('Source migration endpoint').fill('ContosoMigrationEndpoint');
  assert.equal(await page.getByLabel('Target delivery domain').inputValue(), 'fabrikam.onmicrosoft.com', 'defaults to the initial domain');
  for (const [q, upn] of [['megan', 'megan.bowen@fabrikam.com'], ['alex', 'alex.wilber@fabrikam.com'], ['fault-litigation', 'fault-litigation-hold@fabrikam.com'], ['fault-not-in', 'fault-not-in-scope@fabrikam.com']]) {
    await page.getByLabel('Search the directory by name or UPN').fill(q!);
    await page.getByRole('button', { name: `Add ${upn}` }).click();
  }
  await check('02-new-job');
  await page.getByRole('button', { name: 'Create job' }).click();
  await page.getByRole('heading', { name: 'Wave 1' }).waitFor();
  await jobStatus('submitted');
  const jobId = decodeURIComponent(new URL(page.url()).hash.replace('#/jobs/', ''));

  // Validate: the litigation-hold user fails with EXCH-08, shown with its rule.
  await confirmed('Validate');
  await jobStatus('validateFailed');
  const reason = page.locator('.attention li', { hasText: 'fault-litigation-hold@fabrikam.com' });
  await reason.waitFor();
  assert.match(await reason.innerText(), /EXCH-08: SOURCE mailbox is under Litigation Hold/);
  await page.locator('[data-cell$="|exchange"] .cell-error', { hasText: 'EXCH-08' }).first().waitFor();
  await check('03-job-validate-failed');
  await reason.getByRole('link', { name: /EXCH-08/ }).click();
  await page.getByRole('heading', { name: 'Validation rules: EXCH-08' }).waitFor();
  const rule = page.locator('tbody tr', { hasText: 'sourceMailboxNoHolds' });
  await rule.waitFor();
  assert.match(await rule.innerText(), /EXCH-08\tsourceMailboxNoHolds\tuser \(source\)\tExchange\tSOURCE mailbox {hold}/);
  await check('04-rules');
  await page.goBack();

  // One failing user leaves the batch through the console; the other is fixed through the console too:
  // EXCH-08's litigation hold is one setting of the source mailbox, and the confirmation says which
  // setting of which recipient in which tenant changes (Set-Mailbox -LitigationHoldEnabled $false).
  // Then the job is validated again.
  await page.locator('.attention li', { hasText: 'fault-not-in-scope@fabrikam.com' }).first().waitFor();
  await confirmed('Cancel fault-not-in-scope@fabrikam.com', 'Cancel user');
  await page.waitForFunction(() => [...document.querySelectorAll('tbody tr')].some((r: any) => r.textContent.includes('fault-not-in-scope') && [...r.querySelectorAll('[data-cell] .chip')].every((c: any) => c.textContent === 'cancelled')), null, { timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'Remove litigation hold for fault-not-in-scope@fabrikam.com' }).count(), 0, 'a failure with no one-setting fix has no fix button');
  await reason.getByRole('button', { name: 'Remove litigation hold for fault-litigation-hold@fabrikam.com' }).click();
  const fixDialog = page.getByRole('dialog');
  await fixDialog.waitFor();
  assert.equal(await fixDialog.getByTestId('fix-change').innerText(), 'fault-litigation-hold@contoso.com: LitigationHoldEnabled from true to false');
  assert.match(await fixDialog.innerText(), new RegExp(`source mailbox of fault-litigation-hold@fabrikam.com changes, in Contoso \\(${SRC}\\)`));
  await check('05-fix-setting');
  await fixDialog.getByRole('button', { name: 'Remove litigation hold', exact: true }).click();
  await fixDialog.waitFor({ state: 'hidden' });
  await page.getByText('Remove litigation hold: done.').waitFor();
  const mailbox = await adminOk(s, 'GET', 'tenants/contoso.onmicrosoft.com/recipients/fault-litigation-hold@contoso.com');
  assert.equal(mailbox.holds.litigationHoldEnabled, false, 'the source mailbox lost its litigation hold');
  await confirmed('Validate');
  await jobStatus('validatePassed');
  assert.equal(await page.locator('.attention li').count(), 0);

  // Migrate: mailboxes sync; the workload cards, grid and chart fill in without a reload.
  await confirmed('Migrate');
  await jobStatus('inProgress');
  await page.waitForFunction(() => Number(document.querySelector('[data-workload="exchange"] .num')?.textContent ?? 0) > 0, null, { timeout: 30_000 });
  await page.locator('[data-cell$="|exchange"] .chip', { hasText: 'synced' }).first().waitFor();
  assert.match(await page.getByTestId('waits-for').innerText(), /Mailboxes sync until cutover/);
  await check('06-job-syncing');

  // The tenant page: readiness of both sides and the clock, moved past completeAfterDateTime.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
  await page.getByRole('heading', { name: 'Clock' }).waitFor();
  await page.locator('.checks').first().waitFor();
  assert.equal(await page.locator('.checks .chip-bad').count(), 0, await page.locator('.checks').first().innerText());
  await check('07-tenants');
  const before = await page.getByTestId('clock-now').innerText();
  await page.getByLabel('Advance by (ISO-8601 duration)').fill('P2D');
  await page.getByRole('button', { name: 'Advance', exact: true }).click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="clock-now"]')?.textContent !== b, before);

  // Back on the job: it cuts over and completes while the page watches.
  await page.goto(`${s.url}/console/#/jobs/${jobId}`);
  await jobStatus('completed');
  await page.waitForFunction(() => {
    const chips = [...document.querySelectorAll('[data-cell] .chip')].map((c: any) => c.textContent);
    return chips.filter((c) => c === 'completed').length === 12 && chips.every((c) => c === 'completed' || c === 'cancelled');
  }, null, { timeout: 30_000 }).catch(async (e) => {
    // Say what the page showed and what the API says, so a failure can be told from a stale page.
    const shown = await page.locator('[data-cell]').evaluateAll((cells: any[]) => cells.map((c) => `${c.dataset.cell}=${c.querySelector('.chip')?.textContent}`));
    const api = (await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs/${jobId}/users`)).text;
    throw new Error(`${(e as Error).message}\nshown: ${shown.join(' ')}\napi: ${api}`);
  });
  assert.match((await page.locator(".facts").innerText()).replace(/\s+/g, " "), /Users 4: (3: completed ?1: cancelled|1: cancelled ?3: completed)/);
  const points = await page.locator('.chart polyline').first().getAttribute('points');
  assert.ok((points ?? '').trim().split(' ').length > 3, `the chart has samples: ${points}`);
  for (const w of ['exchange', 'oneDrive']) {
    const text = await page.locator(`[data-workload="${w}"] p`).first().innerText();
    const m = /^(\d+) of (\d+) items/.exec(text);
    assert.ok(m && m[1] === m[2] && Number(m[2]) > 0, `${w}: ${text}`);
  }
  await check('08-job-completed');

  // The job list with its status chips and filter.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Migration jobs' }).click();
  await page.getByRole('link', { name: 'Wave 1' }).waitFor();
  await page.getByRole('button', { name: 'completed', exact: true }).click();
  await page.getByText('1 job', { exact: true }).waitFor();
  await check('09-jobs');

  // SharePoint: identity mappings of the target, exported as CSV.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SharePoint' }).click();
  await page.getByRole('heading', { name: 'Identity mappings' }).waitFor();
  await page.getByText('65 mapping(s)').waitFor();
  await page.getByLabel('Search by source UPN').fill('megan.bowen');
  await page.locator('tbody tr', { hasText: 'megan.bowen@contoso.com' }).first().waitFor();
  await page.getByText('1 mapping(s)').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = await (await download.createReadStream()).toArray();
  assert.match(Buffer.concat(csv).toString(), /^User,11111111-1111-4111-8111-111111111111,/m);
  // Import a CSV row (the user the demo leaves unmapped): sent as a Graph delta PATCH, then found by search.
  await page.getByLabel('Import CSV').setInputFiles({ name: 'map.csv', mimeType: 'text/csv', buffer: Buffer.from('User,11111111-1111-4111-8111-111111111111,fault-no-spo-mapping@contoso.com,fault-no-spo-mapping@fabrikam.com,fault-no-spo-mapping@fabrikam.com,RegularUser\r\n') });
  await page.getByText('Imported 1 user and 0 group mappings').waitFor();
  await page.getByLabel('Search by source UPN').fill('fault-no-spo');
  await page.locator('tbody tr', { hasText: 'fault-no-spo-mapping@fabrikam.com' }).waitFor();
  await check('10-sharepoint');

  // Narrow screen: the pages still work.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${s.url}/console/#/jobs/${jobId}`);
  await jobStatus('completed');
  await check('11-job-narrow');
  await page.goto(`${s.url}/console/#/tenants`);
  await page.locator('.checks').first().waitFor();
  await check('12-tenants-narrow');
  await page.goto(`${s.url}/console/#/jobs/new`);
  await page.getByRole('heading', { name: 'New migration job' }).waitFor();
  await check('13-new-job-narrow');

  assert.deepEqual(Object.entries(a11y).filter(([, v]) => v.length > 0), [], 'axe: serious or critical violations');
});

test('console: keyboard only, the sign-in form and the main navigation are reachable and labelled', { skip: chromiumMissing }, async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${s.url}/console/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to xtm' }).waitFor();
  const focused: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      const label = e?.id ? document.querySelector(`label[for="${e.id}"]`)?.textContent : e?.closest('label')?.textContent;
      return `${e?.tagName.toLowerCase()}:${(label ?? e?.textContent ?? '').trim()}`;
    }));
  }
  for (const want of [/input:Tenant/, /input:Application \(client\) id/, /input:Client secret/, /button:Sign in/]) assert.ok(focused.some((f) => want.test(f)), `${want} in ${focused.join(', ')}`);
  // The form submits from the keyboard too.
  await page.getByRole('button', { name: 'Fill in the demo app' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign in' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Migration jobs' }).waitFor();
  await page.getByRole('link', { name: 'Skip to content' }).focus();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
});
