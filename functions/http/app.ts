// The one Hono app of the API: a router per resource, one error mapping, one authentication.
import { Hono } from 'hono';
import { apiFrame } from './frame.js';
import { authenticate, type Env } from './request.js';
import type { VerifyToken } from '../auth.js';
import type { Services } from '../services/context.js';
import { publicRoutes } from './routes/public.js';
import { applicationRoutes } from './routes/applications.js';
import { decisionRoutes, taskRoutes } from './routes/tasks.js';
import { registryRoutes } from './routes/registry.js';
import { uploadRoutes } from './routes/uploads.js';
import { materialRoutes } from './routes/materials.js';
import { certificateRoutes } from './routes/certificates.js';
import { demandRoutes, gapRoutes } from './routes/demands.js';
import { availabilityRoutes, draftRoutes } from './routes/drafts.js';
import { officeCommentRoutes } from './routes/office-comments.js';
import { deliveryRoutes, notificationRoutes } from './routes/notifications.js';
import { docsPage } from './openapi.js';
import { lookUpProgress } from '../services/applications.js';
import type { MiddlewareHandler } from 'hono';
import { limitAddress, limitCaller, limitRefused } from './rate-limit.js';
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
  /** The per-address budget of the routes anyone may call, when routes outside the app share it (the local stack's). */
  addressLimit?: MiddlewareHandler;
}

export function createApp(deps: AppDeps) {
  const { services } = deps;
  const limits = deps.rateLimits ?? defaultRateLimits;
  const app = apiFrame({ log: services.log, webOrigin: deps.webOrigin });
  // Before every route and authentication: a method a served path does not take is 405 for everyone.
  app.use(methodNotAllowed(() => app.routes));
  // One per-address budget for everything anyone may call.
  const limited = deps.addressLimit ?? limitAddress(limits.address);
  app.route('/v1', publicRoutes({ registry: services.registry, progress: (query) => lookUpProgress(services, query), reportDeadline: services.config?.reportDeadline, demands: services.demands, health: deps.health, limited }));
  app.get('/docs', limited, (c) => c.html(docsPage()));
  const authed = new Hono<Env>();
  authed.use(limitRefused(limits.refused));
  authed.use(authenticate(deps.verify));
  authed.use(limitCaller(limits.caller));
  authed.route('/applications', applicationRoutes(services));
  authed.route('/applications', materialRoutes(services));
  authed.route('/uploads', uploadRoutes(services));
  authed.route('/drafts', draftRoutes(services));
  authed.route('/availability', availabilityRoutes(services));
  authed.route('/tasks', taskRoutes(services));
  authed.route('/decisions', decisionRoutes(services));
  authed.route('/notifications', notificationRoutes(services));
  authed.route('/', registryRoutes(services));
  authed.route('/certificates', certificateRoutes(services));
  authed.route('/demands', demandRoutes(services));
  authed.route('/gaps', gapRoutes(services));
  authed.route('/', deliveryRoutes(services));
  authed.route('/', officeCommentRoutes(services));
  app.route('/v1', authed);
  return app;
}
