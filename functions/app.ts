// The one Hono app of the API: a router per resource, one error mapping, one authentication.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { DomainError } from './domain/application.js';
import { authenticate, errorResponse, type Env } from './http.js';
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
}

export function createApp(deps: AppDeps) {
  const { services } = deps;
  const app = new Hono<Env>();
  app.use(secureHeaders());
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
