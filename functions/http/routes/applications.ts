// /v1/applications: submit, list, read, decide, resubmit, withdraw.
import { Hono } from 'hono';
import { fieldIssues } from '#forms/fields.js';
import { DomainError } from '../../domain/application.js';
import { jsonBody, pageOf, type Env } from '../request.js';
import {
  decideApplication,
  getApplication,
  listApplications,
  resubmitApplication,
  submitApplication,
  withdrawApplication,
  type DecisionInput,
} from '../../services/applications.js';
import { urgeApplication } from '../../services/notifications.js';
import type { Services } from '../../services/context.js';
import { decisionSchema } from '../schemas.js';
import { listParams, noQuery, pageParams, queryOf } from './query.js';

function parseDecision(body: unknown): DecisionInput {
  const parsed = decisionSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new DomainError('validation', '审批决定有误', { issues: fieldIssues(parsed.error) });
}

export function applicationRoutes(s: Services) {
  const r = new Hono<Env>();

  r.post('/', async (c) => {
    queryOf(c, []);
    const answer = await submitApplication(s, c.get('principal'), await jsonBody(c), { idempotencyKey: c.req.header('idempotency-key') });
    return c.json(answer.body as object, answer.status as 201);
  });
  r.get('/', async (c) => {
    const query = queryOf(c, [...listParams, 'status', ...pageParams]);
    return c.json(await listApplications(s, c.get('principal'), pageOf(c), query));
  });
  // The routes of one application take no query parameter.
  r.get('/:id', noQuery, async (c) => c.json(await getApplication(s, c.get('principal'), c.req.param('id'))));
  r.put('/:id', noQuery, async (c) => c.json(await resubmitApplication(s, c.get('principal'), c.req.param('id'), await jsonBody(c))));
  r.post('/:id/withdraw', noQuery, async (c) => c.json(await withdrawApplication(s, c.get('principal'), c.req.param('id'))));
  r.post('/:id/urge', noQuery, async (c) => c.json(await urgeApplication(s, c.get('principal'), c.req.param('id')), 202));
  r.post('/:id/decision', noQuery, async (c) =>
    c.json(await decideApplication(s, c.get('principal'), c.req.param('id'), parseDecision(await jsonBody(c)))),
  );
  return r;
}
