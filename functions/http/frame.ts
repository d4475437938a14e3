// The frame every HTTP entry point of the API serves in: correlation ids and logs, security headers, no caching of
// personal answers, CORS for the web origin only, a body limit, one error mapping and one 404. The routes go in it:
// all of them for the API (functions/http/app.ts), the streamed export alone for its function (functions/export.ts).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { DomainError } from '../domain/application.js';
import { requestContext, type Env } from './request.js';
import { errorResponse } from './errors.js';
import type { Services } from '../services/context.js';

const MAX_BODY_BYTES = 256 * 1024;

export interface FrameOptions {
  log: Services['log'];
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

export function apiFrame({ log, webOrigin }: FrameOptions) {
  const app = new Hono<Env>();
  app.use(requestContext(log));
  app.use(secureHeaders({ contentSecurityPolicy, xFrameOptions: 'DENY', strictTransportSecurity: 'max-age=31536000; includeSubDomains' }));
  app.use(async (c, next) => {
    await next();
    // Answers to a signed-in caller hold personal data: no browser or proxy keeps them.
    if (c.get('principal') && !c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  if (webOrigin) {
    app.use(
      cors({
        origin: webOrigin.replace(/\/+$/, ''),
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
  app.onError((error, c) => errorResponse(error, c, log));
  app.notFound((c) => c.json({ error: 'not_found', message: '没有这个接口' }, 404));
  return app;
}
