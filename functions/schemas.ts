// The API's own request and response shapes (the forms are forms/'s): validation and the OpenAPI document
// are both built from these, so there is no second copy.
import * as z from 'zod';
import { statuses } from './domain/application.js';
import { decidingLevels } from './domain/chain.js';
import { applicationTypes } from '../forms/catalogue.js';

const level = z.enum(decidingLevels).meta({ title: '审批层级', description: 'township 乡镇 / county 县（区） / province 省' });

export const decisionSchema = z
  .object({
    action: z
      .enum(['approve', 'reject', 'return'], { error: 'action 须为 approve（通过）、reject（不予通过）或 return（退回修改）' })
      .meta({ title: '决定', description: 'approve 通过 / reject 不予通过 / return 退回修改' }),
    comment: z.string({ error: '意见须为文字' }).trim().max(2000, { error: '意见不超过2000字' }).optional().meta({ title: '审批意见' }),
    issues: z
      .array(
        z.union(
          [
            // api.md's form: each problem as text.
            z.string({ error: '请写明问题' }).trim().min(1, { error: '请写明问题' }).max(500).transform((message) => ({ message })),
            // The extension: a problem may name the form field it is about.
            z
              .object({
                path: z.string().max(200).optional().meta({ title: '问题所在字段', description: '如 form.contact.mobile' }),
                message: z.string({ error: '请写明问题' }).trim().min(1, { error: '请写明问题' }).max(500),
              })
              .strict(),
          ],
          { error: '每条问题须为文字，或含 message（及可选 path）的对象' },
        ),
        { error: 'issues 须为问题列表' },
      )
      .max(100)
      .optional()
      .meta({ title: '需修改的问题（一次性告知）' }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.action === 'reject' || d.action === 'return') && !d.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: d.action === 'reject' ? '不予通过须填写意见' : '退回修改须填写意见' });
    }
    if (d.action === 'return' && !d.issues?.length) {
      ctx.addIssue({ code: 'custom', path: ['issues'], message: '退回修改须一次性列出全部问题（一次性告知）' });
    }
  })
  .meta({ title: '审批决定' });

export const resubmissionSchema = z.object({ form: z.unknown().meta({ title: '修改后的申请表' }) }).strict().meta({ title: '修改后重新提交' });

const actor = z.object({
  sub: z.string(),
  name: z.string(),
  role: z.enum(['applicant', 'official', 'admin', 'system']),
  level: level.optional(),
  region: z.string().optional(),
});

export const historyEntrySchema = z
  .object({
    at: z.iso.datetime(),
    action: z.enum(['submit', 'approve', 'reject', 'return', 'resubmit', 'withdraw', 'expire']),
    level: level.nullable(),
    actor,
    comment: z.string().nullable(),
    issues: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    changes: z.array(z.string()).optional().meta({ description: '重新提交时改动的字段' }),
  })
  .meta({ title: '办理记录' });

export const applicationSchema = z
  .object({
    id: z.string(),
    type: z.enum(applicationTypes),
    regionCode: z.string(),
    status: z.enum(statuses),
    currentLevel: level,
    form: z.record(z.string(), z.unknown()).meta({ description: '该类型的申请表，见 GET /v1/forms' }),
    applicant: z.object({ org: z.string(), sub: z.string(), name: z.string().optional() }),
    submittedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    certificateNo: z.string().nullable(),
    approvedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    task: z
      .object({ level, region: z.string(), since: z.iso.datetime(), dueAt: z.iso.datetime(), expiresAt: z.iso.datetime(), overdue: z.boolean() })
      .nullable()
      .meta({ description: '等待中的审批（或退回后等待申请单位修改）及其期限' }),
    history: z.array(historyEntrySchema),
  })
  .meta({ title: '申请' });

export const registryRecordSchema = z
  .object({
    certificateNo: z.string(),
    id: z.string(),
    type: z.enum(applicationTypes),
    name: z.string(),
    organisation: z.string(),
    regionCode: z.string(),
    approvedAt: z.iso.datetime(),
  })
  .meta({ title: '备案登记记录' });

export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'validation, unauthorized, forbidden, not_found, conflict, duplicate, too_large, idempotency_mismatch, unavailable, internal' }),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ title: '错误' });

export const regionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(['province', 'city', 'county', 'township', 'village']),
    parent: z.string().nullable(),
    children: z.array(z.object({ code: z.string(), name: z.string() })),
  })
  .meta({ title: '行政区划' });

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), cursor: z.string().nullable() });
