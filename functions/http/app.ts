// The one Hono app of the API: a router per resource, one error mapping, one authentication.
import { Hono } from 'hono';
import { apiFrame } from './frame.js';
import { authenticate, type Env } from './request.js';
import type { VerifyToken } from '../auth.js';
import type { Services } from '../services/context.js';
import { publicRoutes } from './routes/public.js';
import { applicationRoutes } from './routes/applications.js';
import { taskRoutes } from './routes/tasks.js';
import { registryRoutes } from './routes/registry.js';
import { certificateRoutes } from './routes/certificates.js';
import { deliveryRoutes, notificationRoutes } from './routes/notifications.js';
import { docsPage } from './openapi.js';
import { limitCaller } from './rate-limit.js';
import { defaultRateLimits, type RateLimits } from '../config.js';
import { methodNotAllowed } from './routes/methods.js';

export interface AppDeps {
  services: Services;
  verify: VerifyToken;
  /** Answers once the store and the workflow engine do (GET /v1/health). */
  health: () => Promise<void>;
  /** The one origin browsers may call the API from (see FrameOptions). */
  webOrigin?: string;
  /** Requests allowed per caller and per address (configuration's RATE_LIMITS); the defaults when not given. */
  rateLimits?: RateLimits;
}

export function createApp(deps: AppDeps) {
  const { services } = deps;
  const app = apiFrame({ log: services.log, webOrigin: deps.webOrigin });
  // Before every route and authentication: a method a served path does not take is 405 for everyone.
  app.use(methodNotAllowed(() => app.routes));
  app.route('/v1', publicRoutes({ registry: services.registry, health: deps.health, rateLimits: deps.rateLimits }));
  app.get('/docs', (c) => c.html(docsPage()));
  const authed = new Hono<Env>();
  authed.use(authenticate(deps.verify));
  authed.use(limitCaller((deps.rateLimits ?? defaultRateLimits).caller));
  authed.route('/applications', applicationRoutes(services));
  authed.route('/tasks', taskRoutes(services));
  authed.route('/notifications', notificationRoutes(services));
  authed.route('/', registryRoutes(services));
  authed.route('/certificates', certificateRoutes(services));
  authed.route('/', deliveryRoutes(services));
  app.route('/v1', authed);
  return app;
}
