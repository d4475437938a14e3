// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { pageOf, type Env } from '../request.js';
import { assertMayListTasks } from '../../policy.js';
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
