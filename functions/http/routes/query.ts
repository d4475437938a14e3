// The query parameters a route takes, and nothing else: a filter the route does not know would otherwise be
// ignored, and the answer would look filtered when it is not. The OpenAPI document lists the same names for each
// operation (test/integration/openapi-conformance.test.ts sends others and expects this 400).
import type { Context, MiddlewareHandler } from 'hono';
import { DomainError } from '../../domain/application.js';

/** The search and filters of the application lists (GET /v1/applications, GET /v1/tasks): functions/domain/list-filter.ts. */
export const listParams = ['q', 'type', 'from', 'to', 'sort'] as const;

/** Names every list takes beside its own filters (functions/http/request.ts pageOf reads them). */
export const pageParams = ['limit', 'cursor'] as const;

/**
 * The route's query parameters by name. A parameter not in `names`, or one given twice (which value would count?),
 * is refused with 400 naming each, every problem at once.
 */
export function queryOf<const K extends string>(c: Context, names: readonly K[]): Partial<Record<K, string>> {
  const given = c.req.queries();
  const issues: { path: string; message: string }[] = [];
  for (const [name, values] of Object.entries(given)) {
    if (!(names as readonly string[]).includes(name)) {
      issues.push({ path: name, message: `不支持查询参数 ${name || '（空名）'}${names.length ? `，可用：${names.join('、')}` : '，该接口不接受查询参数'}` });
    } else if (values.length > 1) {
      issues.push({ path: name, message: `查询参数 ${name} 只能给一次` });
    }
  }
  if (issues.length) throw new DomainError('validation', '查询参数有误', { issues });
  return Object.fromEntries(names.flatMap((name) => (given[name] ? [[name, given[name][0]]] : []))) as Partial<Record<K, string>>;
}

/** For a route that takes no query parameter: any is refused with 400 before the route runs. */
export const noQuery: MiddlewareHandler = async (c, next) => {
  queryOf(c, []);
  await next();
};
