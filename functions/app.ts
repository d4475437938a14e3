// The one Hono app of the API: a router per resource, one error mapping, one authentication.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { DomainError } from './domain/application.js';
import { authenticate, errorResponse, requestContext, type Env } from './http.js';
import type { VerifyToken } from './auth.js';
import type { Services } from './services/context.js';
import { publicRoutes } from './routes/public.js';
import { applicationRoutes } from './routes/applications.js';
import { taskRoutes } from './routes/tasks.js';
import { registryRoutes } from './routes/registry.js';
import { docsPage } from './openapi.js';

export const MAX_BODY_BYTES = 256 * 1024;

export interface AppDeps {
  services: Services;
  verify: VerifyToken;
  /** Answers once the store and the workflow engine do (GET /v1/health). */
  health: () => Promise<void>;
  /**
   * The one origin browsers may call the API from (`https://…`). Without it no CORS headers are sent, so
   * no other site's scripts can read an answer. In AWS the HTTP API answers CORS itself (infra/api.ts).
   */
  webOrigin?: string;
}

/**
 * A JSON API and one self-contained HTML page (/docs, inline styles only): nothing may be loaded, framed,
 * posted to or run from anywhere.
 */
const contentSecurityPolicy = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

export function createApp(deps: AppDeps) {
  const { services } = deps;
  const app = new Hono<Env>();
  app.use(requestContext(services.log));
  app.use(secureHeaders({ contentSecurityPolicy, xFrameOptions: 'DENY', strictTransportSecurity: 'max-age=31536000; includeSubDomains' }));
  app.use(async (c, next) => {
    await next();
    // Answers to a signed-in caller hold personal data: no browser or proxy keeps them.
    if (c.get('principal') && !c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  if (deps.webOrigin) {
    app.use(
      cors({
        origin: deps.webOrigin.replace(/\/+$/, ''),
        allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposeHeaders: ['x-request-id', 'content-disposition'],
        maxAge: 3600,
      }),
    );
  }
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new DomainError('too_large', `请求体超过 ${MAX_BODY_BYTES / 1024} KiB 上限`);
      },
    }),
  );
  app.onError((error, c) => errorResponse(error, c, (fields) => services.log('error', 'request failed', { path: c.req.path, ...fields })));
  app.notFound((c) => c.json({ error: 'not_found', message: '没有这个接口' }, 404));

  app.route('/v1', publicRoutes(deps));
  app.get('/docs', (c) => c.html(docsPage()));
  const authed = new Hono<Env>();
  authed.use(authenticate(deps.verify));
  authed.route('/applications', applicationRoutes(services));
  authed.route('/tasks', taskRoutes(services));
  authed.route('/', registryRoutes(services));
  app.route('/v1', authed);
  return app;
}
