// The filters of the application lists (GET /v1/applications, GET /v1/tasks): checked together, every problem at once.
import { DomainError, statuses, type Status } from './application.js';
import { approvalBound } from './registry.js';
import { parseQuery } from './search.js';
import { applicationTypes, isApplicationType } from '#forms/entry.js';

export const sortOrders = ['newest', 'oldest'] as const;

export interface ListQuery {
  status?: string;
  q?: string;
  type?: string;
  from?: string;
  to?: string;
  sort?: string;
}

export interface ParsedListFilter {
  status?: Status;
  q?: string;
  type?: string;
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
}

/** The list's filters, or 400 listing each wrong one. Empty values count as absent, except `q` (an empty search is a mistake). */
export function parseListFilter(query: ListQuery): ParsedListFilter {
  const issues: { path: string; message: string }[] = [];
  const filter: ParsedListFilter = {};
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const status = given(query.status);
  if (status !== undefined) {
    if ((statuses as readonly string[]).includes(status)) filter.status = status as Status;
    else issues.push({ path: 'status', message: `未知状态 ${status}，可选：${statuses.join('、')}` });
  }
  try {
    filter.q = parseQuery(query.q);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    issues.push(...(error.details.issues as typeof issues));
  }
  const type = given(query.type);
  if (type !== undefined) {
    if (isApplicationType(type)) filter.type = type;
    else issues.push({ path: 'type', message: `未知的类型 ${type}，可选：${applicationTypes.join('、')}` });
  }
  for (const edge of ['from', 'to'] as const) {
    const text = given(query[edge]);
    if (text === undefined) continue;
    const bound = approvalBound(text, edge);
    if (bound) filter[edge] = bound;
    else issues.push({ path: edge, message: `提交日期${edge === 'from' ? '起' : '止'} ${text} 无效：请用 2026-11-29（北京时间当天）或带时区的时间 2026-11-29T08:00:00+08:00` });
  }
  if (filter.from && filter.to && filter.from > filter.to) issues.push({ path: 'from', message: '起始日期晚于截止日期' });
  const sort = given(query.sort);
  if (sort !== undefined) {
    if (sort === 'newest') filter.order = 'desc';
    else if (sort === 'oldest') filter.order = 'asc';
    else issues.push({ path: 'sort', message: `未知的排序 ${sort}，可选：newest（最新提交在前）、oldest（最早提交在前）` });
  }
  if (issues.length) throw new DomainError('validation', '查询条件有误', { issues });
  return filter;
}
