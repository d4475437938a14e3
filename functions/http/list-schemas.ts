// The shapes of the lists' answers that only the OpenAPI document names (GET /v1/decisions, GET /v1/progress): apart
// from schemas.ts, whose schemas the functions' bundles carry, as the routes never parse these.
import * as z from 'zod/mini';
import { statuses } from '../domain/application.js';
import { applicationTypes } from '#forms/entry.js';
import { level, meta } from './schemas.js';

/** GET /v1/decisions: one decision of the caller's office (已办). */
export const decidedSchema = meta(
  z.object({
    applicationId: z.string(),
    caseNo: z.nullable(z.string()),
    type: z.enum(applicationTypes),
    name: z.nullable(z.string()),
    organisation: z.nullable(z.string()),
    regionCode: z.string(),
    action: meta(z.enum(['approve', 'reject', 'return']), { description: 'approve 通过 / reject 不予通过 / return 退回修改' }),
    level,
    at: z.iso.datetime(),
    comment: z.nullable(z.string()),
    actor: z.object({ sub: z.string(), name: z.string() }),
  }),
  { title: '已办' },
);

/** GET /v1/progress: 办件查询, status and levels only (functions/domain/progress-lookup.ts). */
export const progressSchema = meta(
  z.object({
    caseNo: z.string(),
    type: z.enum(applicationTypes),
    status: z.enum(statuses),
    currentLevel: level,
    submittedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    levels: z.array(
      z.object({
        level,
        name: z.string(),
        state: meta(z.enum(['approved', 'pending', 'returned', 'rejected', 'expired', 'withdrawn', 'escalated', 'waiting', 'not_reached']), {
          description: 'approved 已通过 / pending 审批中 / returned 退回修改 / rejected 不予通过 / expired 超期 / withdrawn 已撤回 / escalated 超期上报 / waiting 待审批 / not_reached 未到达',
        }),
        at: meta(z.nullable(z.iso.datetime()), { description: '该级最近一次决定的时间' }),
      }),
    ),
  }),
  { title: '办件进度' },
);

