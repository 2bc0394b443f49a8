// Domain errors carry no HTTP; graph/errors.ts maps each kind to one status and keeps the service's
// code, message, target and details as they are. Errors thrown below graph/ reach the client in
// Graph's envelope with that status. No error is built outside the catalogues (domain/errors.ts,
// graph/errors.ts), so they list every error code xtm answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DomainError, DomainErrors } from '../../src/domain/errors.js';
import { Errors, fromDomainError } from '../../src/graph/errors.js';
import { jobBody, startServer, type TestServer } from '../helpers.js';
import { assertGraphError, B } from '../jobs/util.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** The two catalogues: every error xtm answers is built in one of them. */
const CATALOGUES: Record<string, string> = { DomainError: 'domain/errors.ts', GraphError: 'graph/errors.ts' };

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

/** `new DomainError(` / `new GraphError(` in a module other than its catalogue. */
function adHocErrors(file: string, text: string): string[] {
  return Object.entries(CATALOGUES).filter(([cls, home]) => file !== home && new RegExp(`\\bnew\\s+${cls}\\s*\\(`).test(stripComments(text))).map(([cls]) => `${file}: new ${cls}`);
}
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));

describe('domain error catalogue → Graph envelope', () => {
  const STATUS = { invalid: 400, notFound: 404, conflict: 409, unprocessable: 422, notImplemented: 501 } as const;

  it('maps each kind to its status and keeps code, message, target and details', () => {
    const samples: DomainError[] = [
      DomainErrors.badRequest('x', 'y'), DomainErrors.jobNotFound('k'), DomainErrors.validateNotAllowed('completed'),
      DomainErrors.duplicateDisplayName('n'), DomainErrors.spoPartnersOnSameFarm(), DomainErrors.adminIssues([{ path: 'a', message: 'b' }]),
    ];
    for (const d of samples) {
      const g = fromDomainError(d);
      assert.equal(g.status, STATUS[d.kind], d.message);
      assert.equal(g.code, d.code);
      assert.equal(g.message, d.message);
      assert.equal(g.target, d.target);
      assert.deepEqual(g.details, d.details);
    }
  });

  it('the Graph catalogue offers every domain error, as the same Graph error', () => {
    for (const name of Object.keys(DomainErrors) as (keyof typeof DomainErrors)[]) {
      assert.equal(typeof (Errors as Record<string, unknown>)[name], 'function', name);
    }
    assert.deepEqual(Errors.userInOtherBatch('u', 'j'), fromDomainError(DomainErrors.userInOtherBatch('u', 'j')));
    assert.equal(Errors.completeAfterInPast().status, 422);
  });

  it('no error is built outside the two catalogues', () => {
    const found = sources(SRC).flatMap((f) => adHocErrors(relative(SRC, f), readFileSync(f, 'utf8')));
    assert.deepEqual(found, []);
  });

  it('the check itself finds an ad-hoc error, and not one in a comment or in its catalogue', () => {
    assert.deepEqual(adHocErrors('engine/x.ts', "throw new DomainError('conflict', 'Conflict', 'no');"), ['engine/x.ts: new DomainError']);
    assert.deepEqual(adHocErrors('graph/x.ts', 'const e = () => new GraphError(409, "c", "m");'), ['graph/x.ts: new GraphError']);
    assert.deepEqual(adHocErrors('graph/x.ts', '// new GraphError(409, "c", "m")'), []);
    assert.deepEqual(adHocErrors('graph/errors.ts', 'new GraphError(409, "c", "m")'), []);
  });

  it('domain errors carry no HTTP status', () => {
    const d = DomainErrors.cancelNotAllowed('completed') as unknown as Record<string, unknown>;
    assert.equal(d.status, undefined);
    assert.equal(d.statusCode, undefined);
  });
});

describe('a DomainError thrown below graph/ reaches the client as a Graph error', () => {
  let s: TestServer;
  before(async () => { s = await startServer({ worker: false }); });
  after(async () => { await s?.stop(); });

  it('the job service (engine) refuses an unknown job → 404 itemNotFound in the envelope', async () => {
    const res = await s.api('GET', `${B}/00000000-0000-4000-8000-00000000abcd`);
    assertGraphError(res, 404, 'itemNotFound', "The crossTenantMigrationJob '00000000-0000-4000-8000-00000000abcd' was not found.");
  });

  it('the job input rules (domain) refuse a past completeAfterDateTime → 422 BadArgument with its detail', async () => {
    const res = await s.api('POST', B, { body: jobBody({ completeAfterDateTime: '2001-01-01T00:00:00Z' }) });
    assertGraphError(res, 422, 'BadArgument', 'completeAfterDateTime must be greater than the current time.', { target: 'completeAfterDateTime', detailCode: 'minThresholdFailed' });
  });
});
