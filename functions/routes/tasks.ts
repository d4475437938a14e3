// /v1/tasks: the official's inbox, oldest first.
import { Hono } from 'hono';
import { pageOf, type Env } from '../http.js';
import { listTasks } from '../services/applications.js';
import type { Services } from '../services/context.js';

export function taskRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => c.json(await listTasks(s, c.get('principal'), pageOf(c))));
  return r;
}
