// Shared fixture for test/sharepoint/**: a server on the SharePoint test scenario (demo tenants plus
// Nestor Wilke's listed OneDrive with mapped, unmapped, group and link permissions). Not a test file.
import { fileURLToPath } from 'node:url';
import { Clock } from '../../src/clock.js';
import { loadScenarioFile } from '../../src/tenants/scenario/index.js';
import { startServer, type TestServer } from '../helpers.js';

export const SCENARIO = fileURLToPath(new URL('./spo.yaml', import.meta.url));
export const CONTOSO = '11111111-1111-4111-8111-111111111111';
export const FABRIKAM = '22222222-2222-4222-8222-222222222222';
export const CONTOSO_APP = '44444444-4444-4444-8444-444444444444';
export const FABRIKAM_APP = '33333333-3333-4333-8333-333333333333';
export const READER_APP = '55555555-5555-4555-8555-555555555555';
export const SECRET = 'xtm-demo-secret';
export const NESTOR = { source: 'c1000000-0000-4000-8000-000000000031', target: 'f2000000-0000-4000-8000-000000000031', upn: 'nestor.wilke@contoso.com', targetUpn: 'nestor.wilke@fabrikam.com' };
export const MEGAN = { source: 'c1000000-0000-4000-8000-000000000001', target: 'f2000000-0000-4000-8000-000000000001', upn: 'megan.bowen@contoso.com', targetUpn: 'megan.bowen@fabrikam.com' };
export const FALCON = { source: 'c1000000-0000-4000-8000-00000000f001', target: 'f2000000-0000-4000-8000-00000000f001', url: 'https://contoso.sharepoint.com/sites/ProjectFalcon' };

export async function spoServer(opts: { worker?: boolean; db?: string } = {}): Promise<TestServer> {
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
  return startServer({ worker: opts.worker ?? true, ...(opts.db ? { db: opts.db } : {}) }, { clock, validate: 'rules', seed: (store) => loadScenarioFile(store, clock, SCENARIO).then(() => undefined) });
}

export const sourceToken = (s: TestServer) => s.token(CONTOSO, CONTOSO_APP, SECRET);
export const targetToken = (s: TestServer) => s.token(FABRIKAM, FABRIKAM_APP, SECRET);
