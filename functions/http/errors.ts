// The one error shape of the API (api.md): a typed domain error answers its status, an SDK's or the network's failure
// 503, anything else 500, and what the caller may not see goes to the log.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../domain/application.js';
import type { Logger } from '../log.js';

const statusOf: Record<DomainError['code'], 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  rate_limited: 429,
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
  'InternalFailure',
  'InternalServerErrorException',
  'ServiceUnavailableException',
]);

/**
 * An AWS service's own failure, whatever its name: the SDK marks it `$fault: 'server'` (or it answered 5xx). Like a
 * timeout, it says nothing about the request: 503, retry later.
 */
function isServiceFault(error: unknown): boolean {
  const { $fault, $metadata } = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  return $fault === 'server' || ($metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * The one error shape (api.md). A body says what the caller can act on and nothing of the server's
 * insides: no stack, no SDK message, no table or key names; those go to the log, masked.
 */
export function errorResponse(error: unknown, c: Context, logger: Logger) {
  const log = (fields: Record<string, unknown>) => logger.error('request failed', { path: c.req.path, ...fields });
  if (error instanceof DomainError) {
    // RFC 6750: a 401 names the scheme that would be accepted.
    if (error.code === 'unauthorized') c.header('www-authenticate', 'Bearer');
    // A 429 says when to come back, whoever raised it (the rate limits set it themselves; an urge sent twice in a day here).
    if (error.code === 'rate_limited' && typeof error.details.retryAfter === 'number') c.header('retry-after', String(error.details.retryAfter));
    return c.json({ ...error.details, error: error.code, message: error.message }, statusOf[error.code]);
  }
  if (error instanceof HTTPException) {
    if (error.status >= 500) log({ error: 'HTTPException', status: error.status, errorMessage: error.message, stack: error.stack });
    return c.json({ error: 'http', message: error.status >= 500 ? '服务器内部错误，请稍后重试' : error.message || '请求无法处理' }, error.status);
  }
  const name = (error as Error)?.name ?? '';
  const code = (error as { code?: string })?.code ?? '';
  // A cursor replayed into another list (another organisation's, another region's): DynamoDB refuses its
  // start key. The key condition already kept the other list's items out; the caller gets a 400, not a 500.
  if (name === 'ValidationException' && /starting key|exclusive ?start ?key/i.test(String((error as Error)?.message))) {
    return c.json({ error: 'validation', message: '分页游标无效', issues: [{ path: 'cursor', message: '分页游标无效，请从第一页重新查询' }] }, 400);
  }
  if (unavailableNames.has(name) || unavailableNames.has(code) || isServiceFault(error) || /ECONNREFUSED|socket hang up|ETIMEDOUT/.test(String((error as Error)?.message))) {
    log({ error: name || code, errorMessage: (error as Error)?.message });
    return c.json({ error: 'unavailable', message: '服务暂时不可用，请稍后重试' }, 503);
  }
  log({ error: name, errorMessage: (error as Error)?.message, stack: (error as Error)?.stack });
  return c.json({ error: 'internal', message: '服务器内部错误，请稍后重试' }, 500);
}
