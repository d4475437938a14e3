// /v1/offices/{level}/{region}/comments: an office's stock comments (常用意见).
import { Hono } from 'hono';
import type { Services } from '../../services/context.js';
import { getOfficeComments, saveOfficeComments } from '../../services/office-comments.js';
import { jsonBody, type Env } from '../request.js';
import { noQuery } from './query.js';

export function officeCommentRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/offices/:level/:region/comments', noQuery, async (c) => c.json(await getOfficeComments(s, c.get('principal'), c.req.param('level'), c.req.param('region'))));
  r.put('/offices/:level/:region/comments', noQuery, async (c) =>
    c.json(await saveOfficeComments(s, c.get('principal'), c.req.param('level'), c.req.param('region'), await jsonBody(c))),
  );
  return r;
}
