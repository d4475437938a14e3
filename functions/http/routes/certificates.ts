// /v1/certificates/{no}/...: what happens to a certificate after approval (its verification is public, routes/public.ts).
import { Hono } from 'hono';
import type * as z from 'zod/mini';
import { fieldIssues } from '#forms/fields.js';
import { DomainError } from '../../domain/application.js';
import { dissolveCertificate, revokeCertificate } from '../../services/certificates.js';
import type { Services } from '../../services/context.js';
import { certificateHistory, submitChange, submitRenewal, submitReport } from '../../services/processes.js';
import { jsonBody, type Env } from '../request.js';
import { dissolutionSchema, revocationSchema } from '../schemas.js';
import { noQuery } from './query.js';

/** The body by the route's schema, or 400 with every problem at its field. */
function parsed<S extends z.ZodMiniType>(schema: S, body: unknown, message: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new DomainError('validation', message, { issues: fieldIssues(result.error) });
}

export function certificateRoutes(s: Services) {
  const r = new Hono<Env>();
  r.post('/:certificateNo/revoke', noQuery, async (c) => {
    const { reason } = parsed(revocationSchema, await jsonBody(c), '撤销申请有误');
    return c.json(await revokeCertificate(s, c.get('principal'), c.req.param('certificateNo'), reason));
  });
  r.post('/:certificateNo/dissolve', noQuery, async (c) => {
    const { reason } = parsed(dissolutionSchema, await jsonBody(c), '注销申请有误');
    return c.json(await dissolveCertificate(s, c.get('principal'), c.req.param('certificateNo'), reason));
  });
  r.post('/:certificateNo/reports', noQuery, async (c) => c.json(await submitReport(s, c.get('principal'), c.req.param('certificateNo'), await jsonBody(c)), 201));
  r.post('/:certificateNo/changes', noQuery, async (c) => c.json(await submitChange(s, c.get('principal'), c.req.param('certificateNo'), await jsonBody(c)), 201));
  r.post('/:certificateNo/renewals', noQuery, async (c) => c.json(await submitRenewal(s, c.get('principal'), c.req.param('certificateNo'), await jsonBody(c)), 201));
  r.get('/:certificateNo/history', noQuery, async (c) => c.json(await certificateHistory(s, c.get('principal'), c.req.param('certificateNo'))));
  return r;
}
