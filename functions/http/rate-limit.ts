// Per-caller and per-address request limits (hono-rate-limiter's fixed windows, kept in this process's memory).
// Locally that is the whole protection; in AWS each function instance keeps its own windows, behind the edge's
// own limits (infra/: WAF rate-based rules in front of the web distribution, the HTTP API stage's throttling).
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { DomainError } from '../domain/application.js';
import type { RateLimit } from '../config.js';
import type { Env } from './request.js';

/** What the Lambda adapter (API Gateway's HTTP API event) and the Node adapter (@hono/node-server) put in `c.env`. */
type Bindings = {
  event?: { requestContext?: { http?: { sourceIp?: string } } };
  incoming?: { socket?: { remoteAddress?: string } };
};

/**
 * Where a request came from, as the platform saw it (never a header the caller could set): API Gateway's source IP
 * in AWS, the socket's peer locally.
 */
function sourceAddress(c: Context): string {
  const env = (c.env ?? {}) as Bindings;
  return env.event?.requestContext?.http?.sourceIp ?? env.incoming?.socket?.remoteAddress ?? 'unknown';
}

const messages = {
  caller: (seconds: number) => `请求过于频繁，请 ${seconds} 秒后再试`,
  address: (seconds: number) => `来自您所在网络的请求过于频繁，请 ${seconds} 秒后再试`,
};

/**
 * At most `limit.requests` requests in each window per key; beyond that 429 `rate_limited` with `Retry-After` (and
 * `retryAfter` in the body, seconds). Null: no limit.
 */
function limitRequests(limit: RateLimit | null, scope: keyof typeof messages, key: (c: Context<Env>) => string): MiddlewareHandler<Env> {
  if (!limit) return async (_c, next) => next();
  return rateLimiter<Env>({
    windowMs: limit.windowSeconds * 1000,
    limit: limit.requests,
    // Retry-After on a 429 only: the RateLimit-* headers would tell a flood exactly how to pace itself.
    standardHeaders: false,
    keyGenerator: (c) => `${scope}:${key(c)}`,
    handler: (c) => {
      const reset = (c.get('rateLimit' as never) as { resetTime?: Date } | undefined)?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + limit.windowSeconds * 1000) - Date.now()) / 1000));
      c.header('retry-after', String(seconds));
      throw new DomainError('rate_limited', messages[scope](seconds), { retryAfter: seconds });
    },
  });
}

/** Each signed-in caller, by the token's subject: run after `authenticate`. */
export const limitCaller = (limit: RateLimit | null) => limitRequests(limit, 'caller', (c) => c.get('principal').sub);

/** Each source address: the routes anyone may call. */
export const limitAddress = (limit: RateLimit | null) => limitRequests(limit, 'address', sourceAddress);
