// POST /xtm/admin/content/sweep: frees uploaded bytes and item documents no item or version refers to
// any more (after a grace period, default one hour of clock time), and expired upload sessions' staged
// parts (store/contentSweep.ts). An operator or a cron calls it; xtm never frees bytes inline with a delete.
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { sendOData } from '../odataResponse.js';
import { openBlobStore } from '../../store/blobStoreOpen.js';
import { sweepContent } from '../../store/contentSweep.js';

const SweepBody = Type.Union([Type.Null(), Type.Object({ graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })) }, { additionalProperties: false })]);

const SweepReport = Type.Object({ blobsFreed: Type.Integer(), bytesFreed: Type.Integer(), docsFreed: Type.Integer(), sessionsExpired: Type.Integer() });

export function contentAdminRoutes(app: GraphApp, deps: AppDeps): void {
  app.post('/xtm/admin/content/sweep', { schema: { body: SweepBody, response: { 200: SweepReport } } }, async (req, reply) => {
    const grace = (req.body as { graceSeconds?: number } | null)?.graceSeconds ?? 3600;
    const blobs = await openBlobStore(deps.config.blobStore, deps.config.dataDir);
    return sendOData(reply, 200, await sweepContent(deps.store, blobs, deps.clock.iso(), grace * 1000));
  });
}
