// POST /v1/tasks/approvals: a county's or the province's office approves several of its tasks at once (批量通过). Its
// own module: the API alone reads it.
import * as z from 'zod/mini';
import { plainText } from '#forms/plain-text.js';
import { statuses } from '../domain/application.js';
import { decidingLevels } from '../domain/chain.js';
import { meta } from './schemas.js';

/** At most this many applications in one batch: each is decided in turn, within the API's time. */
export const MAX_BATCH = 20;

const applicationId = z.string({ error: '申请编号须为文字' }).check(z.minLength(1, { error: '申请编号不能为空' }), z.maxLength(64, { error: '申请编号过长' }));

export const batchApprovalSchema = meta(
  z.strictObject({
    applicationIds: meta(
      z.array(applicationId, { error: '请列出要通过的申请' }).check(
        z.minLength(1, { error: '请至少选择一件申请' }),
        z.maxLength(MAX_BATCH, { error: `一次最多通过 ${MAX_BATCH} 件` }),
        z.refine((ids: string[]) => new Set(ids).size === ids.length, { error: '同一申请列了两次' }),
      ),
      { title: '要通过的申请', description: `待办中的申请编号，1 至 ${MAX_BATCH} 件，逐件确认后提交` },
    ),
    comment: meta(z.optional(z.string({ error: '意见须为文字' }).check(...plainText('审批意见', true), z.maxLength(2000, { error: '意见不超过2000字' }))), {
      title: '审批意见',
      description: '写入每一件的审批记录',
    }),
  }),
  { title: '批量通过' },
);

const approved = z.strictObject({
  applicationId: z.string(),
  outcome: z.literal('approved'),
  status: z.enum(statuses),
  currentLevel: z.nullable(z.enum(decidingLevels)),
});
const refused = z.strictObject({
  applicationId: z.string(),
  outcome: z.literal('refused'),
  error: meta(z.string(), { description: '与单件审批的错误代码相同：not_found、conflict、validation、forbidden、unavailable' }),
  message: z.string(),
  issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

export const batchApprovalResultSchema = meta(
  z.object({
    items: meta(z.array(z.union([approved, refused])), { description: '按提交的顺序，每件一条：approved 已通过；refused 未通过，附原因（其余照常办理）' }),
  }),
  { title: '批量通过的结果' },
);
