// /v1/applications: submit, list, read, decide, resubmit, withdraw.
import { Hono } from 'hono';
import { DomainError, statuses } from '../domain/application.js';
import { jsonBody, pageOf, type Env } from '../http.js';
import { listScope, redactFor } from '../policy.js';
import {
  decideApplication,
  getApplication,
  resubmitApplication,
  submitApplication,
  viewOf,
  withdrawApplication,
  type DecisionInput,
} from '../services/applications.js';
import type { Services } from '../services/context.js';
import { decisionSchema } from '../schemas.js';
import { pageParams, queryOf } from './query.js';

function parseDecision(body: unknown): DecisionInput {
  const parsed = decisionSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.code === 'unrecognized_keys' ? `不允许的字段：${issue.keys.join('、')}` : issue.message,
  }));
  throw new DomainError('validation', '审批决定有误', { issues });
}

export function applicationRoutes(s: Services) {
  const r = new Hono<Env>();

  r.post('/', async (c) => {
    queryOf(c, []);
    const answer = await submitApplication(s, c.get('principal'), await jsonBody(c), { idempotencyKey: c.req.header('idempotency-key') });
    return c.json(answer.body as object, answer.status as 201);
  });

  r.get('/', async (c) => {
    const { status } = queryOf(c, ['status', ...pageParams]);
    if (status !== undefined && !(statuses as readonly string[]).includes(status)) {
      throw new DomainError('validation', `status 须为 ${statuses.join('、')} 之一`, { issues: [{ path: 'status', message: `未知状态 ${status}` }] });
    }
    const principal = c.get('principal');
    const scope = listScope(principal);
    const page = pageOf(c);
    const typed = status as (typeof statuses)[number] | undefined;
    const found =
      scope.kind === 'owner' ? await s.applications.listByOwner(scope.org, page, typed) : await s.applications.listByRegion(scope.prefix, page, typed);
    const now = s.now();
    const items = found.items.map((app) => redactFor(principal, viewOf(app, [], now))).map(({ history: _h, ...rest }) => rest);
    return c.json({ items, cursor: found.cursor });
  });

  // The routes of one application take no query parameter.
  r.get('/:id', async (c) => {
    queryOf(c, []);
    return c.json(await getApplication(s, c.get('principal'), c.req.param('id')));
  });
  r.put('/:id', async (c) => {
    queryOf(c, []);
    return c.json(await resubmitApplication(s, c.get('principal'), c.req.param('id'), await jsonBody(c)));
  });
  r.post('/:id/withdraw', async (c) => {
    queryOf(c, []);
    return c.json(await withdrawApplication(s, c.get('principal'), c.req.param('id')));
  });
  r.post('/:id/decision', async (c) => {
    queryOf(c, []);
    return c.json(await decideApplication(s, c.get('principal'), c.req.param('id'), parseDecision(await jsonBody(c))));
  });
  return r;
}
