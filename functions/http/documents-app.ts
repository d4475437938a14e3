// The app of the documents' own function (functions/documents.ts), and of the same route in the local stack: the
// API's frame (headers, logs, errors, 405s), its authentication and limits, and the documents' route alone.
import { Hono } from 'hono';
import type { VerifyToken } from '../auth.js';
import { defaultRateLimits, type RateLimits } from '../config.js';
import type { DocumentServices } from '../services/documents.js';
import { apiFrame } from './frame.js';
import { limitCaller, limitRefused } from './rate-limit.js';
import { authenticate, type Env } from './request.js';
import { documentRoutes } from './routes/documents.js';
import { methodNotAllowed } from './routes/methods.js';

export interface DocumentsAppDeps {
  services: DocumentServices;
  verify: VerifyToken;
  rateLimits?: RateLimits;
  webOrigin?: string;
}

/** The path the documents answer on, for the routes that send it here (infra/api.ts, infra/local/stack.ts). */
export const documentsPath = '/v1/applications/:id/documents/:kind';

export function documentsApp(deps: DocumentsAppDeps) {
  const limits = deps.rateLimits ?? defaultRateLimits;
  const app = apiFrame({ log: deps.services.log, webOrigin: deps.webOrigin });
  app.use(methodNotAllowed(() => app.routes));
  const authed = new Hono<Env>();
  authed.use(limitRefused(limits.refused));
  authed.use(authenticate(deps.verify));
  authed.use(limitCaller(limits.caller));
  authed.route('/applications', documentRoutes(deps.services));
  app.route('/v1', authed);
  return app;
}
