// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { pageOf, type Env } from '../request.js';
import { assertMayListTasks } from '../../policy.js';
import { listTasks } from '../../services/applications.js';
import type { Services } from '../../services/context.js';
import { pageParams, queryOf } from './query.js';

export function taskRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    // Who may not have an inbox is told so (403) before the parameters are read.
    assertMayListTasks(c.get('principal'));
    queryOf(c, pageParams);
    return c.json(await listTasks(s, c.get('principal'), pageOf(c)));
  });
  return r;
}
