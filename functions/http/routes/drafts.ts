// /v1/drafts: an applicant organisation's applications as typed so far (草稿); and /v1/availability, whether a host
// region can still take a type, asked while the form is filled in.
import { Hono } from 'hono';
import type { Services } from '../../services/context.js';
import { createDraft, deleteDraft, getDraft, hostAvailability, listDrafts, saveDraft } from '../../services/drafts.js';
import { jsonBody, type Env } from '../request.js';
import { noQuery, queryOf } from './query.js';

export function draftRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', noQuery, async (c) => c.json(await listDrafts(s, c.get('principal'))));
  r.post('/', noQuery, async (c) => c.json(await createDraft(s, c.get('principal'), await jsonBody(c)), 201));
  r.get('/:id', noQuery, async (c) => c.json(await getDraft(s, c.get('principal'), c.req.param('id'))));
  r.put('/:id', noQuery, async (c) => c.json(await saveDraft(s, c.get('principal'), c.req.param('id'), await jsonBody(c))));
  r.delete('/:id', noQuery, async (c) => {
    await deleteDraft(s, c.get('principal'), c.req.param('id'));
    return c.body(null, 204);
  });
  return r;
}

export function availabilityRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => c.json(await hostAvailability(s, c.get('principal'), queryOf(c, ['type', 'regionCode']))));
  return r;
}
