// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { pageOf, type Env } from '../http.js';
import { assertRole } from '../policy.js';
import { viewOf } from '../services/applications.js';
import type { Services } from '../services/context.js';

export function taskRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    const principal = c.get('principal');
    assertRole(principal, 'official');
    const found = await s.applications.listInbox(principal.region!, pageOf(c));
    const now = s.now();
    return c.json({ items: found.items.map((app) => viewOf(app, [], now)).map(({ history: _h, ...rest }) => rest), cursor: found.cursor });
  });
  return r;
}
