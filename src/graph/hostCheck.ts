// With --no-admin-auth the server trusts whoever reaches it, which a loopback bind limits to this
// machine — except through DNS rebinding: a web page whose name resolves to 127.0.0.1 makes the
// browser send requests with `Host: evil.example`. Only loopback Host names are served then.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from './app.js';
import { isLoopback } from './admin/auth.js';
import { Errors } from './errors.js';

/** The Host header's name without its port ('[::1]:8787' → '[::1]', 'localhost:80' → 'localhost'). */
export function hostName(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(host.trim());
  return (m?.[1] ?? host).toLowerCase().replace(/\.$/, '');
}

export function loopbackHostModule(app: GraphApp): void {
  app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
    const host = req.headers.host ?? '';
    if (isLoopback(hostName(host))) return done();
    done(Errors.hostRefused(host));
  });
}
