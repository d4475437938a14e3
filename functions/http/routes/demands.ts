// /v1/demands: the demand library (需求库): post, list and search, read, confirm a village's need (decision), correct
// and withdraw it, respond, match, close; and /v1/gaps, what the
// plan still lacks in each region.
import { Hono } from 'hono';
import type * as z from 'zod/mini';
import { fieldIssues } from '#forms/fields.js';
import { DomainError } from '../../domain/application.js';
import { closeDemand, correctDemand, demandMaterialLink, decideDemand, getDemand, listDemands, listGaps, matchDemand, postDemand, respondToDemand, withdrawDemand } from '../../services/demands.js';
import type { Services } from '../../services/context.js';
import { jsonBody, pageOf, type Env } from '../request.js';
import { demandCloseSchema, demandDecisionSchema, demandInputSchema, demandMatchSchema, demandResponseInputSchema } from '../demand-schemas.js';
import { noQuery, pageParams, queryOf } from './query.js';

/** The body by the route's schema, or 400 with every problem at its field. */
function parsed<S extends z.ZodMiniType>(schema: S, body: unknown, message: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new DomainError('validation', message, { issues: fieldIssues(result.error) });
}

export function demandRoutes(s: Services) {
  const r = new Hono<Env>();
  r.post('/', noQuery, async (c) => c.json(await postDemand(s, c.get('principal'), parsed(demandInputSchema, await jsonBody(c), '需求内容有误')), 201));
  r.get('/', async (c) => {
    const query = queryOf(c, ['region', 'kind', 'industry', 'status', 'q', 'pairedWith', 'pairing', 'near', ...pageParams]);
    return c.json(await listDemands(s, c.get('principal'), query, pageOf(c)));
  });
  r.get('/:id', noQuery, async (c) => c.json(await getDemand(s, c.get('principal'), c.req.param('id'))));
  r.get('/:id/materials/:materialId', noQuery, async (c) => c.json(await demandMaterialLink(s, c.get('principal'), c.req.param('id'), c.req.param('materialId'))));
  r.put('/:id', noQuery, async (c) => c.json(await correctDemand(s, c.get('principal'), c.req.param('id'), parsed(demandInputSchema, await jsonBody(c), '需求内容有误'))));
  r.post('/:id/decision', noQuery, async (c) => c.json(await decideDemand(s, c.get('principal'), c.req.param('id'), parsed(demandDecisionSchema, await jsonBody(c), '确认意见有误'))));
  r.post('/:id/withdraw', noQuery, async (c) => c.json(await withdrawDemand(s, c.get('principal'), c.req.param('id'))));
  r.post('/:id/responses', noQuery, async (c) =>
    c.json(await respondToDemand(s, c.get('principal'), c.req.param('id'), parsed(demandResponseInputSchema, await jsonBody(c), '响应内容有误')), 201),
  );
  r.post('/:id/match', noQuery, async (c) => {
    const { responseIds } = parsed(demandMatchSchema, await jsonBody(c), '选定的响应有误');
    return c.json(await matchDemand(s, c.get('principal'), c.req.param('id'), responseIds));
  });
  r.post('/:id/close', noQuery, async (c) => c.json(await closeDemand(s, c.get('principal'), c.req.param('id'), parsed(demandCloseSchema, await jsonBody(c), '办结评价有误'))));
  return r;
}

export function gapRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    const { region } = queryOf(c, ['region']);
    return c.json(await listGaps(s, c.get('principal'), region));
  });
  return r;
}
