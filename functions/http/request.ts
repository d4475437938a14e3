// What every router reads of a request: the caller (authenticate), its correlation id and access line
// (requestContext), paging and JSON bodies.
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/application.js';
import { bearerToken, type Principal, type VerifyToken } from '../auth.js';
import { addLogContext, withLogContext, type Logger } from '../log.js';

export type Env = { Variables: { principal: Principal } };

/** Who called, as the logs show it. */
function callerOf(principal: Principal): Record<string, string> {
  return {
    sub: principal.sub,
    role: principal.role,
    ...(principal.level ? { level: principal.level, region: principal.region! } : {}),
  };
}

export function authenticate(verify: VerifyToken): MiddlewareHandler<Env> {
  return async (c, next) => {
    const principal = await verify(bearerToken(c.req.header('authorization')));
    c.set('principal', principal);
    // Every line logged from here on says whose request it is: an id and a role, never a name or a credit code.
    addLogContext({ caller: callerOf(principal) });
    await next();
  };
}

/** Deeper than any form (a form nests four levels): refused before anything walks it. */
const MAX_JSON_DEPTH = 32;

/** `application/json` or a `+json` type, with no charset other than UTF-8. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

const invalid = (message: string) => new DomainError('validation', message, { issues: [{ path: '', message }] });

/**
 * The request's JSON body. The contract is JSON in UTF-8: any other content type is 415 before the body is read,
 * bytes that are not UTF-8 are refused rather than replaced, and nesting deeper than MAX_JSON_DEPTH is refused
 * before the text is parsed (so nothing recursive ever walks an attacker's 3,000 levels).
 */
export async function jsonBody(c: Context): Promise<unknown> {
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new DomainError('unsupported_media_type', '请求体须为 JSON（Content-Type: application/json，UTF-8 编码）');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer());
  } catch (error) {
    if (error instanceof TypeError) throw invalid('请求体不是有效的 UTF-8 编码');
    throw error;
  }
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw invalid(`请求体嵌套层级过深（最多 ${MAX_JSON_DEPTH} 层）`);
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('请求体不是合法的 JSON');
  }
}

/** Whether the arrays and objects of a JSON text nest deeper than `max` (brackets inside strings do not count). */
function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

export function pageOf(c: Context): { limit: number; cursor: string | null } {
  const raw = c.req.query('limit');
  // Digits only: Number() would also take '0x10', '1e1', ' 5' and '+5'.
  const limit = raw === undefined ? 20 : /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new DomainError('validation', 'limit 须为 1 到 100 之间的整数', { issues: [{ path: 'limit', message: 'limit 须为 1 到 100 之间的整数' }] });
  }
  return { limit, cursor: c.req.query('cursor') ?? null };
}

/** A client's `x-request-id` is taken when it is a plain token; anything else is replaced, never logged as sent. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the Lambda adapter (hono/aws-lambda) puts in `c.env`; absent when running on Node locally. */
type LambdaBindings = { event?: { requestContext?: { requestId?: string } }; lambdaContext?: { awsRequestId?: string } };

/**
 * The registered path of the request (`/v1/applications/:id`), not the one asked for, so ids stay out of
 * route names: the handler that answered, or, when a middleware answered (a 401, a 413), the handler it
 * stood before. Handlers registered in front that passed the request on (a host's catch-all) don't count.
 */
function routeOf(c: Context): string {
  return matchedRoutes(c).slice(c.req.routeIndex).find((route) => route.method !== 'ALL')?.path ?? '(no route)';
}

/**
 * Gives each request a correlation id (the caller's `x-request-id`, API Gateway's request id, or a new one),
 * puts it on every log line written while the request runs and on the response (`x-request-id`), and
 * writes one access line: method, route, status, latency, and the caller's id and role (set by `authenticate`).
 */
export function requestContext(log: Logger): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const lambda = (c.env ?? {}) as LambdaBindings;
    const apiRequestId = lambda.event?.requestContext?.requestId;
    const correlationId = given && REQUEST_ID.test(given) ? given : (apiRequestId ?? randomUUID());
    const ids = {
      correlationId,
      ...(apiRequestId && apiRequestId !== correlationId ? { apiRequestId } : {}),
      ...(lambda.lambdaContext?.awsRequestId ? { lambdaRequestId: lambda.lambdaContext.awsRequestId } : {}),
    };
    await withLogContext(ids, async () => {
      await next();
      c.header('x-request-id', correlationId);
      const error = c.error instanceof DomainError ? c.error.code : c.error ? c.error.name || 'Error' : undefined;
      log[c.res.status >= 500 ? 'error' : 'info']('request', {
        method: c.req.method,
        route: routeOf(c),
        path: c.req.path,
        status: c.res.status,
        latencyMs: Math.round(performance.now() - started),
        ...(error ? { error } : {}),
      });
    });
  };
}
