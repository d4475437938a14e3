// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { fieldIssues } from '#forms/fields.js';
import { DomainError } from '../../domain/application.js';
import { batchApprovalSchema } from '../batch-schemas.js';
import { jsonBody, pageOf, type Env } from '../request.js';
import { batchApprove } from '../../services/batch-approval.js';
import { assertMayBatchApprove, assertMayListTasks } from '../../policy.js';
import { listDecided, listTasks } from '../../services/applications.js';
import type { Services } from '../../services/context.js';
import { listParams, pageParams, queryOf } from './query.js';

export function taskRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    // Who may not have an inbox is told so (403) before the parameters are read.
    assertMayListTasks(c.get('principal'));
    const query = queryOf(c, [...listParams, ...pageParams]);
    return c.json(await listTasks(s, c.get('principal'), pageOf(c), query));
  });
  // 批量通过: several of the office's tasks approved at once, each reported (services/batch-approval.ts).
  r.post('/approvals', async (c) => {
    assertMayBatchApprove(c.get('principal'));
    queryOf(c, []);
    const parsed = batchApprovalSchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw new DomainError('validation', '批量通过的内容有误', { issues: fieldIssues(parsed.error) });
    return c.json(await batchApprove(s, c.get('principal'), parsed.data));
  });
  return r;
}

/** /v1/decisions: what the official's office decided (已办), newest first. */
export function decisionRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    assertMayListTasks(c.get('principal'));
    queryOf(c, pageParams);
    return c.json(await listDecided(s, c.get('principal'), pageOf(c)));
  });
  return r;
}
