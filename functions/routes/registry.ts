// /v1/registry: approved records for administrators.
import { Hono } from 'hono';
import { pageOf, type Env } from '../http.js';
import { assertRole } from '../policy.js';
import type { Services } from '../services/context.js';

export function registryRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/registry', async (c) => {
    assertRole(c.get('principal'), 'admin');
    const filter = { type: c.req.query('type'), region: c.req.query('region'), from: c.req.query('from'), to: c.req.query('to') };
    return c.json(await s.registry.query(filter, pageOf(c)));
  });
  return r;
}
