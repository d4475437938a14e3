// A path the API serves, asked with a method it does not take, answers 405 with the methods it does take in
// `Allow` (RFC 9110 §15.5.6), to every caller alike and before authentication: which methods a path takes is
// in the public OpenAPI document anyway. Without this the request fell through to the 404 of an unknown path (or
// the 401 of the signed-in routes). Paths the API does not serve are left to those as before.
import type { MiddlewareHandler } from 'hono';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/applications/:id/decision` → a pattern of the path as asked (one segment per parameter). */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The guard, given the app's routes (read on the first request, once every route is registered). Middleware
 * (method ALL) are not routes a caller asks for; GET answers HEAD too, so HEAD is allowed beside it.
 */
export function methodNotAllowed(routesOf: () => readonly { method: string; path: string }[]): MiddlewareHandler {
  let table: PathMethods[] | undefined;
  return async (c, next) => {
    table ??= Object.values(
      routesOf()
        .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
        .reduce<Record<string, PathMethods>>((byPath, route) => {
          (byPath[route.path] ??= { pattern: patternOf(route.path), methods: new Set() }).methods.add(route.method);
          return byPath;
        }, {}),
    );
    const taken = new Set(table.filter((entry) => entry.pattern.test(c.req.path)).flatMap((entry) => [...entry.methods]));
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (taken.size === 0 || taken.has(method)) return next();
    const allow = [...taken, ...(taken.has('GET') ? ['HEAD'] : [])].join(', ');
    c.header('allow', allow);
    return c.json({ error: 'method_not_allowed', message: `该接口不支持 ${c.req.method} 方法，可用的方法：${allow}` }, 405);
  };
}
