// Per-caller and per-address request limits (hono-rate-limiter's fixed windows, kept in this process's memory).
// Locally that is the whole protection; in AWS each function instance keeps its own windows, behind the edge's
// own limits (infra/: WAF rate-based rules in front of the web distribution, the HTTP API stage's throttling).
import type { Context, Env as HonoEnv, MiddlewareHandler } from 'hono';
import { MemoryStore, rateLimiter } from 'hono-rate-limiter';
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
  refused: (seconds: number) => `来自您所在网络的未通过身份验证的请求过多，请 ${seconds} 秒后重新登录再试`,
};

/**
 * At most `limit.requests` requests in each window per key; beyond that 429 `rate_limited` with `Retry-After` (and
 * `retryAfter` in the body, seconds). Null: no limit.
 */
function limitRequests<E extends HonoEnv>(
  limit: RateLimit | null,
  scope: keyof typeof messages,
  key: (c: Context<E>) => string,
): MiddlewareHandler<E> {
  if (!limit) return async (_c, next) => next();
  return rateLimiter<E>({
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
export const limitCaller = (limit: RateLimit | null) => limitRequests<Env>(limit, 'caller', (c) => c.get('principal').sub);

/** Each source address: the routes anyone may call. One instance per budget: each call starts a budget of its own. */
export const limitAddress = (limit: RateLimit | null): MiddlewareHandler => limitRequests(limit, 'address', sourceAddress);

/**
 * Each source address, counting the requests refused for their token (401): run before `authenticate`, so that a
 * flood of forged or stale tokens is turned away before any is checked, while a signed-in caller's accepted
 * requests never count. A request is counted once answered, never while in flight (hono-rate-limiter counts
 * first and gives back after, so a burst of accepted requests larger than the limit would be refused).
 */
export function limitRefused(limit: RateLimit | null): MiddlewareHandler {
  if (!limit) return async (_c, next) => next();
  const store = new MemoryStore<HonoEnv>();
  store.init({ windowMs: limit.windowSeconds * 1000 } as Parameters<MemoryStore<HonoEnv>['init']>[0]);
  return async (c, next) => {
    const key = `refused:${sourceAddress(c)}`;
    const seen = store.get(key);
    const now = Date.now();
    if (seen && seen.resetTime && seen.resetTime.getTime() > now && seen.totalHits >= limit.requests) {
      const seconds = Math.max(1, Math.ceil((seen.resetTime.getTime() - now) / 1000));
      c.header('retry-after', String(seconds));
      throw new DomainError('rate_limited', messages.refused(seconds), { retryAfter: seconds });
    }
    await next();
    if (c.res.status === 401) store.increment(key);
  };
}
