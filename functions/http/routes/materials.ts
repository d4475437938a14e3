// /v1/applications/{id}/materials/{materialId}: a short-lived link to one attached file.
import { Hono } from 'hono';
import type { Env } from '../request.js';
import type { Services } from '../../services/context.js';
import { materialLink } from '../../services/materials.js';
import { noQuery } from './query.js';

export function materialRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/:id/materials/:materialId', noQuery, async (c) => c.json(await materialLink(s, c.get('principal'), c.req.param('id'), c.req.param('materialId'))));
  return r;
}
