// HTTP plumbing shared by every router: the error shape, the caller, paging and JSON bodies.
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from './domain/application.js';
import { bearerToken, type Principal, type VerifyToken } from './auth.js';

export type Env = { Variables: { principal: Principal } };

const statusOf: Record<DomainError['code'], 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  too_large: 413,
  idempotency_mismatch: 422,
  unavailable: 503,
};

/** Errors that mean the store or the engine could not be reached: the caller may retry. */
const unavailableNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNREFUSED',
  'ECONNRESET',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestLimitExceeded',
]);

export function errorResponse(error: unknown, c: Context, log: (fields: Record<string, unknown>) => void) {
  if (error instanceof DomainError) {
    return c.json({ error: error.code, message: error.message, ...error.details }, statusOf[error.code]);
  }
  if (error instanceof HTTPException) {
    return c.json({ error: 'http', message: error.message || '请求无法处理' }, error.status);
  }
  const name = (error as Error)?.name ?? '';
  const code = (error as { code?: string })?.code ?? '';
  if (unavailableNames.has(name) || unavailableNames.has(code) || /ECONNREFUSED|socket hang up|ETIMEDOUT/.test(String((error as Error)?.message))) {
    log({ error: name || code, message: (error as Error)?.message });
    return c.json({ error: 'unavailable', message: '服务暂时不可用，请稍后重试' }, 503);
  }
  log({ error: name, message: (error as Error)?.message, stack: (error as Error)?.stack });
  return c.json({ error: 'internal', message: '服务器内部错误，请稍后重试' }, 500);
}

export function authenticate(verify: VerifyToken): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('principal', await verify(bearerToken(c.req.header('authorization'))));
    await next();
  };
}

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('validation', '请求体不是合法的 JSON', { issues: [{ path: '', message: '请求体不是合法的 JSON' }] });
  }
}

export function pageOf(c: Context): { limit: number; cursor: string | null } {
  const raw = c.req.query('limit');
  const limit = raw === undefined ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new DomainError('validation', 'limit 须为 1 到 100 之间的整数', { issues: [{ path: 'limit', message: 'limit 须为 1 到 100 之间的整数' }] });
  }
  return { limit, cursor: c.req.query('cursor') ?? null };
}
