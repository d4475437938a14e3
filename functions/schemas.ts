// The API's own request and response shapes (the forms are forms/'s): validation and the OpenAPI document
// are both built from these, so there is no second copy. zod/mini, as forms/ (forms/fields.ts says why).
import * as z from 'zod/mini';
import { statuses } from './domain/application.js';
import { decidingLevels } from './domain/chain.js';
import { applicationTypes } from '../forms/entry.js';
import { plainText } from '../forms/plain-text.js';

/** Title and description in the JSON Schema, as classic zod's `.meta()` sets them. */
function meta<T extends z.ZodMiniType>(schema: T, data: { title?: string; description?: string }): T {
  z.globalRegistry.add(schema, data);
  return schema;
}

const problem = () => z.string({ error: '请写明问题' }).check(...plainText('问题说明', true), z.minLength(1, { error: '请写明问题' }), z.maxLength(500));

const level = meta(z.enum(decidingLevels), { title: '审批层级', description: 'township 乡镇 / county 县（区） / province 省' });

export const decisionSchema = meta(
  z
    .strictObject({
      action: meta(z.enum(['approve', 'reject', 'return'], { error: 'action 须为 approve（通过）、reject（不予通过）或 return（退回修改）' }), {
        title: '决定',
        description: 'approve 通过 / reject 不予通过 / return 退回修改',
      }),
      comment: meta(z.optional(z.string({ error: '意见须为文字' }).check(...plainText('审批意见', true), z.maxLength(2000, { error: '意见不超过2000字' }))), { title: '审批意见' }),
      issues: meta(
        z.optional(
          z
            .array(
              z.union(
                [
                  // api.md's form: each problem as text.
                  z.pipe(problem(), z.transform((message: string) => ({ message }))),
                  // The extension: a problem may name the form field it is about.
                  z.strictObject({
                    path: meta(z.optional(z.string().check(z.maxLength(200), z.regex(/^[\w.-]*$/, { error: '问题所在字段须为字段路径，如 form.contact.mobile' }))), {
                      title: '问题所在字段',
                      description: '如 form.contact.mobile',
                    }),
                    message: problem(),
                  }),
                ],
                { error: '每条问题须为文字，或含 message（及可选 path）的对象' },
              ),
              { error: 'issues 须为问题列表' },
            )
            .check(z.maxLength(100)),
        ),
        { title: '需修改的问题（一次性告知）' },
      ),
    })
    .check(
      z.superRefine((d, ctx) => {
        if ((d.action === 'reject' || d.action === 'return') && !d.comment) {
          ctx.addIssue({ code: 'custom', path: ['comment'], message: d.action === 'reject' ? '不予通过须填写意见' : '退回修改须填写意见' });
        }
        if (d.action === 'return' && !d.issues?.length) {
          ctx.addIssue({ code: 'custom', path: ['issues'], message: '退回修改须一次性列出全部问题（一次性告知）' });
        }
      }),
    ),
  { title: '审批决定' },
);

export const resubmissionSchema = meta(z.strictObject({ form: meta(z.unknown(), { title: '修改后的申请表' }) }), { title: '修改后重新提交' });

const actor = z.object({
  sub: z.string(),
  name: z.string(),
  role: z.enum(['applicant', 'official', 'admin', 'system']),
  level: z.optional(level),
  region: z.optional(z.string()),
});

export const historyEntrySchema = meta(
  z.object({
    at: z.iso.datetime(),
    action: z.enum(['submit', 'approve', 'reject', 'return', 'resubmit', 'withdraw', 'expire']),
    level: z.nullable(level),
    actor,
    comment: z.nullable(z.string()),
    issues: z.optional(z.array(z.object({ path: z.optional(z.string()), message: z.string() }))),
    changes: meta(z.optional(z.array(z.string())), { description: '重新提交时改动的字段' }),
  }),
  { title: '办理记录' },
);

export const applicationSchema = meta(
  z.object({
    id: z.string(),
    type: z.enum(applicationTypes),
    regionCode: z.string(),
    status: z.enum(statuses),
    currentLevel: level,
    form: meta(z.record(z.string(), z.unknown()), { description: '该类型的申请表，见 GET /v1/forms' }),
    applicant: z.object({ org: z.string(), sub: z.string(), name: z.optional(z.string()) }),
    submittedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    certificateNo: z.nullable(z.string()),
    approvedAt: z.nullable(z.iso.datetime()),
    version: z.number().check(z.int()),
    task: meta(
      z.nullable(z.object({ level, region: z.string(), since: z.iso.datetime(), dueAt: z.iso.datetime(), expiresAt: z.iso.datetime(), overdue: z.boolean() })),
      { description: '等待中的审批（或退回后等待申请单位修改）及其期限' },
    ),
    history: z.array(historyEntrySchema),
  }),
  { title: '申请' },
);

export const registryRecordSchema = meta(
  z.object({
    certificateNo: z.string(),
    id: z.string(),
    type: z.enum(applicationTypes),
    name: z.string(),
    organisation: z.string(),
    regionCode: z.string(),
    approvedAt: z.iso.datetime(),
  }),
  { title: '备案登记记录' },
);

export const errorSchema = meta(
  z.object({
    error: meta(z.string(), { description: 'validation, unauthorized, forbidden, not_found, conflict, duplicate, too_large, idempotency_mismatch, unavailable, internal' }),
    message: z.string(),
    issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { title: '错误' },
);

export const regionSchema = meta(
  z.object({
    code: z.string(),
    name: z.string(),
    level: z.enum(['province', 'city', 'county', 'township', 'village']),
    parent: z.nullable(z.string()),
    children: z.array(z.object({ code: z.string(), name: z.string() })),
  }),
  { title: '行政区划' },
);

export const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), cursor: z.nullable(z.string()) });
