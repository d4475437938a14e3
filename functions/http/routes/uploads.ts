// /v1/uploads: a slot to send one file straight to object storage, and what its check found.
import { Hono } from 'hono';
import { jsonBody, type Env } from '../request.js';
import type { Services } from '../../services/context.js';
import { createUpload, getUpload } from '../../services/uploads.js';
import { noQuery } from './query.js';

export function uploadRoutes(s: Services) {
  const r = new Hono<Env>();
  r.post('/', noQuery, async (c) => c.json(await createUpload(s, c.get('principal'), await jsonBody(c)), 201));
  r.get('/:uploadId', noQuery, async (c) => c.json(await getUpload(s, c.get('principal'), c.req.param('uploadId'))));
  return r;
}
