// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { pageOf, type Env } from '../http.js';
import { inboxScope, redactFor } from '../policy.js';
import { viewOf } from '../services/applications.js';
import type { Services } from '../services/context.js';
import { pageParams, queryOf } from './query.js';

export function taskRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    const principal = c.get('principal');
    const { region } = inboxScope(principal);
    queryOf(c, pageParams);
    const found = await s.applications.listInbox(region, pageOf(c));
    const now = s.now();
    const items = found.items.map((app) => redactFor(principal, viewOf(app, [], now))).map(({ history: _h, ...rest }) => rest);
    return c.json({ items, cursor: found.cursor });
  });
  return r;
}
