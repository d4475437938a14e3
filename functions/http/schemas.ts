// The API's own request and response shapes (the forms are forms/'s): validation and the OpenAPI document
// are both built from these, so there is no second copy. zod/mini, as forms/ (forms/fields.ts says why).
import * as z from 'zod/mini';
import { statuses } from '../domain/application.js';
import { certificateStatuses } from '../domain/certificate.js';
import { decidingLevels } from '../domain/chain.js';
import { applicationTypes } from '#forms/entry.js';
import { changeableFields, evaluationGrades, processTypes, reportStatuses } from '../domain/process.js';
import { plainText } from '#forms/plain-text.js';
import { fileKinds, maxMaterialBytes, type MaterialMime } from '#forms/materials.js';
import { resubmittedMaterials } from '#forms/material-references.js';
import { notificationKinds, robotPlatforms } from '../domain/notifications.js';

/** Title and description in the JSON Schema, as classic zod's `.meta()` sets them. */
export function meta<T extends z.ZodMiniType>(schema: T, data: { title?: string; description?: string }): T {
  z.globalRegistry.add(schema, data);
  return schema;
}

// Trimmed, then not empty: the pattern (at least one character that is not a space) says so in the JSON Schema too.
const problem = () => z.string({ error: '请写明问题' }).check(...plainText('问题说明', true), z.regex(/\S/, { error: '请写明问题' }), z.maxLength(500));

const regionLevel = z.enum(['province', 'city', 'county', 'township', 'village']);

export const level = meta(z.enum(decidingLevels), { title: '审批层级', description: 'township 乡镇 / county 县（区） / province 省' });

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
      grade: meta(z.optional(z.enum(evaluationGrades, { error: 'grade 须为 excellent（优秀）、qualified（合格）或 unqualified（不合格）' })), {
        title: '评估等级',
        description: '期满评估与续期（certificate-renewal）的通过决定所给等级：excellent 优秀 / qualified 合格 / unqualified 不合格；省级通过时必填，县级可作初评',
      }),
    })
    .check(
      z.superRefine((d, ctx) => {
        if ((d.action === 'reject' || d.action === 'return') && !d.comment) {
          ctx.addIssue({ code: 'custom', path: ['comment'], message: d.action === 'reject' ? '不予通过须填写意见' : '退回修改须填写意见' });
        }
        if (d.grade && d.action !== 'approve') ctx.addIssue({ code: 'custom', path: ['grade'], message: '评估等级只能随“通过”的决定给出' });
        if (d.action === 'return' && !d.issues?.length) {
          ctx.addIssue({ code: 'custom', path: ['issues'], message: '退回修改须一次性列出全部问题（一次性告知）' });
        }
      }),
    ),
  { title: '审批决定' },
);

export const resubmissionSchema = meta(
  z.strictObject({ form: meta(z.unknown(), { title: '修改后的申请表' }), materials: z.optional(resubmittedMaterials) }),
  { title: '修改后重新提交' },
);

const mimes = Object.values(fileKinds).map((k) => k.mime) as [MaterialMime, ...MaterialMime[]];
const mime = (description: string) => meta(z.enum(mimes, { error: `文件类型须为 ${mimes.join('、')} 之一` }), { description });

/** POST /v1/uploads: a slot for one file, of the size and type declared (signed into its PUT). */
export const uploadRequestSchema = meta(
  z
    .strictObject({
      fileName: meta(
        z.string({ error: '请填写文件名' }).check(...plainText('文件名'), z.minLength(1, { error: '文件名不能为空' }), z.maxLength(200, { error: '文件名最多200个字' })),
        { title: '文件名', description: '下载时以此命名；不决定文件类型' },
      ),
      contentType: mime('声明的文件类型（PUT 时须以同样的 Content-Type 发送）；文件类型最终按内容判断'),
      size: meta(
        z.int({ error: '文件大小须为整数（字节）' }).check(
          z.gte(1, { error: '文件是空的（0 字节），请重新选择文件' }),
          z.lte(maxMaterialBytes, { error: `文件不能超过 ${maxMaterialBytes / 1024 / 1024} MB` }),
        ),
        { title: '文件大小（字节）', description: 'PUT 时须正好发送这么多字节' },
      ),
      type: meta(z.optional(z.enum(applicationTypes, { error: '申请类型无效' })), { title: '申请类型', description: '与 material 一起给出：按该材料的要求检查并在提示中写明材料名称' }),
      material: meta(z.optional(z.string({ error: '材料代码须为文字' }).check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: '材料代码格式不正确' }))), {
        title: '材料代码',
        description: '该类型 materials[].key',
      }),
    })
    .check(
      z.superRefine((d, ctx) => {
        if (d.material !== undefined && d.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: '给出材料代码时须同时给出申请类型' });
        if (d.type !== undefined && d.material === undefined) ctx.addIssue({ code: 'custom', path: ['material'], message: '给出申请类型时须同时给出材料代码' });
      }),
    ),
  { title: '申请上传' },
);

/** 201 of POST /v1/uploads: where and how to send the bytes. */
export const uploadSlotSchema = meta(
  z.object({
    uploadId: z.string(),
    method: meta(z.literal('PUT'), { description: '以 PUT 直接发送到对象存储（不经过本接口）' }),
    url: meta(z.string(), { description: '预签名地址，只能写这一个上传，几分钟内有效' }),
    headers: meta(z.record(z.string(), z.string()), { description: '须原样带上的请求头（Content-Length 由浏览器按文件大小设置，须与 size 一致）' }),
    expiresAt: meta(z.iso.datetime(), { description: '此时以后 url 不再接受上传' }),
  }),
  { title: '上传地址' },
);

/** GET /v1/uploads/{uploadId} (functions/domain/materials.ts uploadView). */
export const uploadViewSchema = meta(
  z.object({
    uploadId: z.string(),
    status: meta(z.enum(['pending', 'ready', 'refused']), { description: 'pending 尚未收到文件或正在检查 / ready 检查通过 / refused 未通过（见 reason）' }),
    fileName: z.string(),
    contentType: mime('检查后为按内容判断的类型，之前为声明的类型'),
    size: z.number().check(z.int(), z.positive()),
    sha256: meta(z.optional(z.string()), { description: '检查通过的文件内容的 SHA-256（十六进制）' }),
    reason: meta(z.optional(z.string()), { description: '未通过检查的原因（中文，写明材料或文件）' }),
  }),
  { title: '上传' },
);

const materialFields = {
  id: z.string(),
  key: meta(z.string(), { description: '材料清单中的 key' }),
  name: meta(z.string(), { description: '材料名称' }),
  fileName: z.string(),
  contentType: mime('按内容判断的文件类型'),
  size: z.number().check(z.int(), z.positive()),
  sha256: z.string(),
  uploadedAt: z.iso.datetime(),
  replaces: meta(z.optional(z.string()), { description: '重新提交时被它替换的旧文件的 id（旧文件见 replacedMaterials）' }),
};

export const materialSchema = meta(z.object(materialFields), { title: '申报材料' });

/** GET /v1/applications/{id}/materials/{materialId}. */
export const materialLinkSchema = meta(
  z.object({
    url: meta(z.string(), { description: '短时有效的下载地址（PDF 和图片可在浏览器中直接预览）；在有效期内持有地址即可下载，请勿转发' }),
    expiresAt: meta(z.iso.datetime(), { description: '最多 5 分钟后失效' }),
  }),
  { title: '材料下载地址' },
);

const actor = z.object({
  sub: z.string(),
  name: z.string(),
  role: z.enum(['applicant', 'official', 'admin', 'village', 'system']),
  level: z.optional(level),
  region: z.optional(z.string()),
});

const historyEntrySchema = meta(
  z.object({
    at: z.iso.datetime(),
    action: meta(z.enum(['submit', 'approve', 'reject', 'return', 'resubmit', 'withdraw', 'expire', 'escalate', 'urge']), {
      description: 'escalate 超期上报（本级期限届满，上一级代为审批；省级则期限重新计算并报管理员督办）/ urge 申请单位催办',
    }),
    level: z.nullable(level),
    actor,
    comment: z.nullable(z.string()),
    issues: z.optional(z.array(z.object({ path: z.optional(z.string()), message: z.string() }))),
    changes: meta(z.optional(z.array(z.string())), { description: '重新提交时改动的字段，及改动了文件的材料（materials.<key>）' }),
    replaced: meta(z.optional(z.array(z.string())), { description: '重新提交时被替换的材料文件的 id' }),
  }),
  { title: '办理记录' },
);

const reportStatus = meta(z.enum(reportStatuses), {
  title: '年度报告状态',
  description: 'PENDING 已报送待县级审核 / RETURNED 已退回修改 / APPROVED 已通过 / REJECTED 未通过 / WITHDRAWN 已撤回 / EXPIRED 已超期 / OVERDUE 逾期未报',
});

export const applicationSchema = meta(
  z.object({
    id: z.string(),
    caseNo: meta(z.nullable(z.string().check(z.regex(/^\d{12}$/))), {
      description: '受理号：12 位数字（提交年份 + 7 位 + 校验位），可分四位一组读出；在受理号施行前提交且尚未补发的申请为 null',
    }),
    type: meta(z.enum([...applicationTypes, ...processTypes]), { description: '申请类型；annual-report 年度报告、certificate-change 变更申请、certificate-renewal 期满评估与续期是关于已有证书的办件' }),
    subject: meta(
      z.optional(
        z.object({
          certificateNo: z.string(),
          stationType: z.string(),
          stationId: z.string(),
          title: z.string(),
          year: z.optional(z.number().check(z.int())),
          demands: meta(
            z.optional(
              z.object({
                from: z.iso.datetime(),
                to: z.iso.datetime(),
                matched: z.int(),
                closed: z.int(),
                averageRating: z.nullable(z.number()),
                poorRatings: z.int(),
                needs: z.array(
                  z.object({
                    demandId: z.string(),
                    title: z.string(),
                    status: z.enum(['MATCHED', 'CLOSED']),
                    matchedAt: z.iso.datetime(),
                    closedAt: z.nullable(z.iso.datetime()),
                    rating: z.nullable(z.int()),
                  }),
                ),
              }),
            ),
            {
              description:
                '年度报告、期满评估：站点在该年度（评估为本服务期）内经需求库对接的需求（提交时的记录）：对接数、办结数、平均评分（1–5）、差评（1–2 星）数，及至多 20 项明细',
            },
          ),
        }),
      ),
      { description: '年度报告或变更申请所涉的证书：证书编号、站点类型、设立申请的 id、标题，年度报告的年度，年度报告与期满评估的需求对接记录' },
    ),
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
      z.nullable(z.object({ level, region: z.string(), since: z.iso.datetime(), dueAt: z.iso.datetime(), expiresAt: z.iso.datetime(), overdue: z.boolean(), workingDaysLeft: meta(z.int().check(z.minimum(0)), { description: '办理期限内今天之后还剩的工作日数（与期限同样不计当天）：期限最后一天和超期后为 0（由 overdue 区分）' }) })),
      { description: '等待中的审批（或退回后等待申请单位修改）及其期限' },
    ),
    materials: meta(z.array(materialSchema), { description: '申报材料（按材料清单顺序）；材料清单施行前提交的申请为空' }),
    replacedMaterials: meta(z.array(z.object({ ...materialFields, replacedAt: z.iso.datetime() })), { description: '重新提交时被替换的旧文件，仍可查看' }),
    urge: meta(
      z.optional(
        z.nullable(
          z.object({
            from: meta(z.iso.datetime(), { description: '申请单位从此时起可以催办' }),
            wait: meta(z.enum(['half-limit', 'once-a-day']), { description: 'half-limit 本级收到申请须满审批期限的一半 / once-a-day 每个工作日只能催办一次' }),
          }),
        ),
      ),
      { description: '催办：仅在单个申请中给出；没有等待审批的办公室时为 null' },
    ),
    history: z.array(historyEntrySchema),
  }),
  { title: '申请' },
);

const certificateStatus = meta(z.enum(certificateStatuses), { title: '证书状态', description: 'ACTIVE 有效 / REVOKED 已撤销 / EXPIRED 已到期 / DISSOLVED 已注销' });

/** Where a certificate stands: on every registry record and certificate (functions/domain/certificate.ts). */
const lifeFields = {
  status: certificateStatus,
  validUntil: meta(z.nullable(z.iso.datetime()), { description: '服务期届满时间；null：长期有效（协会类）' }),
  revokedAt: meta(z.optional(z.iso.datetime()), { description: '撤销时间（REVOKED）' }),
  dissolvedAt: meta(z.optional(z.iso.datetime()), { description: '注销时间（DISSOLVED）' }),
  expiredAt: meta(z.optional(z.iso.datetime()), { description: '到期时间（EXPIRED）' }),
  reason: meta(z.optional(z.string()), { description: '撤销或注销的原因' }),
};

/** The values a change may change, and when each last changed (变更). */
const currentFields = {
  address: meta(z.optional(z.string()), { description: '现详细地址（批准时或最近一次变更后）' }),
  experts: meta(z.optional(z.array(z.object({ name: z.string(), title: z.string(), affiliation: z.optional(z.string()), specialty: z.optional(z.string()) }))), { description: '现专家名单' }),
  changedAt: meta(z.optional(z.partialRecord(z.enum(changeableFields), z.iso.datetime())), { description: '各项最近一次变更获批的时间：name 名称、contact 联系人、address 地址、regionCode 所在地区、experts 专家名单' }),
};

const reportView = meta(
  z.object({ year: z.number().check(z.int()), status: z.enum([...reportStatuses, 'DUE']), statusName: z.string(), id: z.nullable(z.string()) }),
  { description: '当前应报年度的年度报告状态；DUE 未报送' },
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
    ...lifeFields,
    ...currentFields,
    contact: meta(z.optional(z.object({ name: z.string(), mobile: z.string(), email: z.optional(z.string()) })), { description: '现联系人（仅在撤销、注销的答复中，不在备案登记列表和公开核验中）' }),
    reports: meta(z.optional(z.record(z.string(), z.object({ status: reportStatus, id: z.optional(z.string()), at: z.iso.datetime() }))), { description: '各年度的年度报告状态，按年度' }),
    pendingChange: meta(z.optional(z.string()), { description: '审批中的变更申请的 id' }),
    report: z.optional(reportView),
  }),
  { title: '备案登记记录' },
);

/** POST /v1/certificates/{certificateNo}/revoke. */
export const revocationSchema = meta(
  z.strictObject({
    reason: meta(z.string({ error: '请填写撤销原因' }).check(...plainText('撤销原因', true), z.regex(/\S/, { error: '请填写撤销原因' }), z.minLength(2, { error: '撤销原因至少2个字' }), z.maxLength(500, { error: '撤销原因不超过500字' })), {
      title: '撤销原因',
    }),
  }),
  { title: '撤销证书' },
);

/** POST /v1/certificates/{certificateNo}/dissolve. */
export const dissolutionSchema = meta(
  z.strictObject({
    reason: meta(
      z.string({ error: '请填写注销原因' }).check(...plainText('注销原因', true), z.regex(/\S/, { error: '请填写注销原因' }), z.minLength(2, { error: '注销原因至少2个字' }), z.maxLength(500, { error: '注销原因不超过500字' })),
      { title: '注销原因' },
    ),
  }),
  { title: '注销站点（申请单位自行注销）' },
);

/** Every `error` code an answer may carry; the OpenAPI document narrows each status to its own. */
export const errorCodes = [
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'duplicate',
  'too_large',
  'unsupported_media_type',
  'idempotency_mismatch',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

export const errorSchema = meta(
  z.object({
    error: meta(z.enum(errorCodes), { description: '错误代码；各状态码可能的取值见各响应' }),
    message: meta(z.string(), { description: '给人看的说明（中文）' }),
    issues: meta(z.optional(z.array(z.object({ path: z.string(), message: z.string() }))), { description: '400：每个问题及其所在字段（一次列出全部）' }),
    existing: meta(
      z.optional(z.nullable(z.object({ id: z.string(), status: z.enum(statuses), certificateNo: z.nullable(z.string()) }))),
      { description: '409 duplicate：该地区已有的同类申请' },
    ),
    cause: meta(z.optional(z.string()), { description: '503：暂不可用的是哪一项服务' }),
    status: meta(z.optional(z.enum(certificateStatuses)), { description: '409（撤销、注销）：证书此刻的状态' }),
    retryAfter: meta(z.optional(z.number().check(z.int(), z.gte(0))), { description: '429：多少秒后可以再试（与 Retry-After 头相同）' }),
    nextUrgeAt: meta(z.optional(z.iso.datetime()), { description: '429（当天已催办）：下一次可以催办的时间' }),
    urgeOpensAt: meta(z.optional(z.iso.datetime()), { description: '409（未到可催办时间）：何时起可以催办' }),
  }),
  { title: '错误' },
);

export const regionSchema = meta(
  z.object({
    code: z.string(),
    name: z.string(),
    level: regionLevel,
    parent: z.nullable(z.string()),
    children: z.array(z.object({ code: z.string(), name: z.string() })),
  }),
  { title: '行政区划' },
);

/** GET /v1/certificates/{certificateNo}: what anyone may verify (functions/domain/registry.ts certificateView). */
export const certificateSchema = meta(
  z.object({
    valid: meta(z.boolean(), { description: '证书此刻是否有效：仅 ACTIVE 且在服务期内为 true' }),
    ...lifeFields,
    statusName: meta(z.string(), { description: '有效 / 已撤销 / 已到期 / 已注销' }),
    validity: meta(z.string(), { description: '一句话说明是否有效及原因，如 证书已于 2026-12-01 撤销，原因：……' }),
    certificateNo: meta(z.string(), { description: '证书编号，如 GDKX-2026-000123' }),
    title: meta(z.string(), { description: '证书文号，如 粤科协备〔2026〕000123号' }),
    type: z.enum(applicationTypes),
    typeName: meta(z.string(), { description: '类型名称，如 学会科技服务站' }),
    name: meta(z.string(), { description: '站点或协会名称' }),
    organisation: meta(z.string(), { description: '申请单位名称' }),
    regionCode: z.string(),
    regionName: meta(z.string(), { description: '所在地区，如 清远市 连州市 大路边镇' }),
    approvedAt: z.iso.datetime(),
    ...currentFields,
    report: reportView,
    reports: meta(z.array(z.object({ year: z.number().check(z.int()), status: reportStatus, statusName: z.string() })), { description: '各年度的年度报告状态' }),
    evaluations: meta(
      z.array(z.object({ at: z.iso.datetime(), grade: z.enum(evaluationGrades), gradeName: meta(z.string(), { description: '优秀 / 合格 / 不合格' }), validUntil: meta(z.iso.datetime(), { description: '评估后的服务期截止时间' }) })),
      { description: '历次期满评估，先后为序' },
    ),
    renewal: meta(z.nullable(z.object({ opensAt: meta(z.iso.datetime(), { description: '可申请评估续期的起始时间（期满前 180 天）' }), pending: meta(z.boolean(), { description: '已有续期申请在审批中' }) })), {
      description: '有服务期的有效证书的续期：何时可以申请、是否已在审批；其他为 null',
    }),
  }),
  { title: '证书核验结果' },
);

/** GET /v1/certificates/{certificateNo}/history. */
export const certificateHistorySchema = meta(
  z.object({
    certificateNo: z.string(),
    items: z.array(
      z.object({
        at: z.iso.datetime(),
        action: meta(z.enum(['revoke', 'dissolve', 'expire', 'change', 'renew']), { description: 'revoke 撤销 / dissolve 注销 / expire 到期 / change 变更 / renew 期满评估（及续期）' }),
        actor,
        reason: z.nullable(z.string()),
        changes: meta(z.optional(z.array(z.enum(changeableFields))), { description: '变更的事项' }),
        applicationId: meta(z.optional(z.string()), { description: '变更或续期申请的 id' }),
        grade: meta(z.optional(z.enum(evaluationGrades)), { description: '期满评估的等级' }),
        validUntil: meta(z.optional(z.iso.datetime()), { description: '期满评估后的服务期截止时间' }),
      }),
    ),
  }),
  { title: '证书变动记录' },
);

/** GET /v1/forms: one entry per type (functions/http/routes/public.ts). */
export const catalogueEntrySchema = meta(
  z.object({
    type: z.enum(applicationTypes),
    name: z.string(),
    description: z.string(),
    hostLevels: meta(z.array(regionLevel), { description: '可以承办的区划层级' }),
    unique: meta(z.boolean(), { description: '每个承办地区只能设立一个' }),
    termYears: meta(z.nullable(z.number().check(z.int())), { description: '证书服务期（年）；null 表示长期有效（协会类）' }),
    parkAllowed: meta(z.boolean(), { description: '申请表可填写所在园区（park）' }),
    schema: meta(z.record(z.string(), z.unknown()), { description: '该类型申请表的 JSON Schema（draft 2020-12），即 components.schemas.Form_<type>' }),
    materials: meta(
      z.array(
        z.object({
          key: meta(z.string(), { description: '提交时 materials[].key；退回时问题路径 materials.<key>' }),
          name: z.string(),
          hint: z.optional(z.string()),
          required: z.boolean(),
          accept: meta(z.array(z.enum(Object.values(fileKinds).map((k) => k.mime) as [MaterialMime, ...MaterialMime[]])), { description: '按文件内容判断类型，不看文件名' }),
          maxBytes: z.number().check(z.int(), z.positive()),
          multiple: meta(z.optional(z.boolean()), { description: '可上传多个文件' }),
          template: meta(z.optional(z.string()), { description: '模板下载地址（网页同源）' }),
        }),
      ),
      { description: '申报材料清单（forms/materials.ts）' },
    ),
  }),
  { title: '申请类型' },
);

const count = z.number().check(z.int(), z.nonnegative());
const countRow = {
  code: z.string(),
  name: z.string(),
  count,
  byType: meta(z.partialRecord(z.enum(applicationTypes), count), { description: '按类型的批准数；没有的类型不列出' }),
};

const levelCounts = z.object({ township: count, county: count, province: count });
const pipelineRow = {
  code: z.string(),
  name: z.string(),
  pending: meta(levelCounts, { description: '在各级待审批的申请数' }),
  returned: meta(count, { description: '退回修改、待申请单位重新提交的申请数' }),
  overdue: meta(levelCounts, { description: '其中已超过本级审批期限（工作日）仍未办理的' }),
};

/** A scope's own figures of the approval pipeline (functions/domain/pipeline.ts figuresOf). */
const pipelineFigures = {
    levels: meta(
      z.array(
        z.object({
          level: z.enum(['township', 'county', 'province']),
          name: z.string(),
          pending: count,
          overdue: count,
          decided: meta(count, { description: '本级已作出的决定数（通过、退回、不予通过）' }),
          medianDays: meta(z.nullable(z.number().check(z.int(), z.nonnegative())), { description: '本级办理所用工作日的中位数（20 日以内为确数；30、60 表示 21–30、31–60 日，61 表示 60 日以上）；尚无决定为 null' }),
          p90Days: meta(z.nullable(z.number().check(z.int(), z.nonnegative())), { description: '同上，第 90 百分位' }),
        }),
      ),
      { description: '各级：待审批数、超期数、办理天数' },
    ),
    returned: meta(count, { description: '退回修改待重新提交的申请数' }),
    inProgress: meta(count, { description: '在办申请总数（各级待审批与退回修改之和）' }),
    returnsByType: meta(z.array(z.object({ type: z.string(), name: z.string(), count })), { description: '各类申请（含年度报告、变更、期满评估与续期）被退回修改的次数' }),
};

/** GET /v1/stats's approval pipeline (functions/domain/pipeline.ts pipelineReport). */
const pipelineSchema = meta(
  z.object({
    ...pipelineFigures,
    byCity: meta(z.array(z.object(pipelineRow)), { description: '每个地级市（按代码顺序）' }),
    byCounty: meta(z.array(z.object({ ...pipelineRow, city: z.string() })), { description: '每个县级行政区及其所属地级市' }),
  }),
  {
    description:
      '审批进度：由改变申请的同一事务维护的计数（不扫描、不按查询计数），自上线起计；上线前已在办的由一次性回填（store/pipeline-backfill.ts）计入',
  },
);

/** GET /v1/stats/pipeline (functions/domain/pipeline.ts scopePipeline). */
export const scopePipelineSchema = meta(
  z.object({
    regionCode: meta(z.string(), { description: '所查区划：省 44、市或县（区）' }),
    name: z.string(),
    ...pipelineFigures,
    children: meta(z.array(z.object(pipelineRow)), { description: '其下各市（查全省时）或各县（区）（查市时）；查县（区）时为空' }),
  }),
  { title: '审批进度' },
);

/** GET /v1/stats (functions/domain/progress.ts progressReport, and its pipeline). */
export const statsSchema = meta(
  z.object({
    approved: z.object({
      total: count,
      byType: z.array(z.object({ type: z.enum(applicationTypes), name: z.string(), count })),
      byCity: meta(z.array(z.object(countRow)), { description: '每个地级市（按代码顺序，未有批准的为 0）' }),
      byCounty: meta(z.array(z.object({ ...countRow, city: z.string() })), { description: '每个县级行政区及其所属地级市' }),
    }),
    progress: meta(
      z.array(
        z.object({
          goal: z.enum(['county-tech-federations', 'village-rural-tech-associations', 'county-consortium-stations', 'township-associations', 'experts']),
          name: z.string(),
          count,
          target: z.number().check(z.int(), z.positive()),
          percent: meta(z.number().check(z.nonnegative()), { description: '完成百分比，一位小数' }),
        }),
      ),
      { description: '行动方案各项目标的进度（仅计有效证书）' },
    ),
    certificates: meta(z.object({ active: count, revoked: count, expired: count, dissolved: count, reportsOverdue: meta(count, { description: '有效证书中逾期未报的年度报告数（逾期未报，报送后即不再计）' }) }), {
      description: '有效证书数（以上计数只含有效的），已撤销、已到期、已注销的数目，及有效证书逾期未报的年度报告数',
    }),
    pipeline: pipelineSchema,
  }),
  { title: '统计' },
);

export const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), cursor: z.nullable(z.string()) });

/** A notice in the notification centre (GET /v1/notifications). */
export const notificationSchema = meta(
  z.object({
    id: meta(z.string(), { description: '通知编号（按时间排序）' }),
    at: z.iso.datetime(),
    kind: meta(z.enum(notificationKinds), {
      description:
        'task 新待办 / returned 退回修改 / approved 已批准 / rejected 不予通过 / expired 已超期 / reminder 即将到期 / overdue 超期未办（督办） / urge 催办 / cc 抄送 / escalating 即将超期上报 / escalated 已超期上报 / revoked 证书已撤销 / term-ended 服务期届满 / demand-response 需求有新响应 / demand-matched 需求对接成功 / demand-closed 需求已办结 / demand-unanswered 需求超期无响应 / demand-pending 需求待确认 / demand-approved 需求已确认发布 / demand-returned 需求退回修改 / demand-rejected 需求未通过确认',
    }),
    applicationId: meta(z.optional(z.string()), { description: '相关申请' }),
    demandId: meta(z.optional(z.string()), { description: '相关需求（需求库的通知）' }),
    title: z.string(),
    body: z.string(),
    read: meta(z.boolean(), { description: '本人是否已读' }),
  }),
  { title: '通知' },
);

const unread = meta(z.number().check(z.int(), z.nonnegative(), z.lte(100)), { description: '未读条数，最多数到 100（100 表示 100 条或更多，页面显示 99+）' });

export const notificationPageSchema = meta(z.object({ items: z.array(notificationSchema), cursor: z.nullable(z.string()), unread }), { title: '通知列表' });

export const notificationReadSchema = meta(z.object({ id: z.string(), read: z.literal(true), unread }), { title: '已读' });
export const notificationsReadSchema = meta(z.object({ unread }), { title: '全部已读' });

export const urgeSchema = meta(
  z.object({
    id: meta(z.string(), { description: '申请编号' }),
    level: level,
    urgedAt: z.iso.datetime(),
    nextUrgeAt: meta(z.iso.datetime(), { description: '下一次可以催办的时间（下一个工作日）' }),
  }),
  { title: '已催办' },
);

const dingTalkSecret = z.string({ error: 'secret 须为文字' }).check(z.regex(/^SEC[0-9A-Za-z]{8,200}$/, { error: '钉钉加签密钥须为 SEC 加 8 至 200 位字母或数字（从机器人安全设置的“加签”一栏完整复制）' }));

/** PUT /v1/offices/{level}/{region}/channels: fields left out keep their value; `robot: null` removes the robot. */
export const channelSettingsSchema = meta(
  z.strictObject({
    emails: meta(
      z.optional(
        z.array(z.string({ error: '电子邮箱须为文字' }).check(z.maxLength(254), z.email({ error: '电子邮箱格式不正确' }), z.toLowerCase()), { error: 'emails 须为电子邮箱列表' }).check(
          z.maxLength(10, { error: '最多 10 个电子邮箱' }),
        ),
      ),
      { description: '接收本办公室通知的电子邮箱（最多 10 个）；省略则不变' },
    ),
    robot: meta(
      z.optional(
        z.nullable(
          z.strictObject({
            platform: meta(z.enum(robotPlatforms, { error: 'platform 须为 wecom（企业微信）或 dingtalk（钉钉）' }), { description: 'wecom 企业微信群机器人 / dingtalk 钉钉自定义机器人' }),
            webhookUrl: meta(z.string({ error: 'webhookUrl 须为文字' }).check(z.trim(), z.maxLength(2048, { error: 'Webhook 地址不超过 2048 个字符' })), {
              description: '群机器人的完整 Webhook 地址，须为 https',
            }),
            secret: meta(z.optional(dingTalkSecret), { description: '钉钉机器人“加签”密钥（SEC 开头）；企业微信不用' }),
          }),
        ),
      ),
      { description: '本办公室的群机器人；null 删除；省略则不变' },
    ),
  }),
  { title: '通知渠道设置' },
);

/** The channels as shown back: the webhook masked, the secret never. */
export const channelSettingsViewSchema = meta(
  z.object({
    office: z.object({ level, region: z.string(), name: z.string() }),
    emails: z.array(z.string()),
    robot: z.nullable(z.object({ platform: z.enum(robotPlatforms), webhookUrl: meta(z.string(), { description: '只显示地址和密钥的最后 4 位' }), secretSet: z.boolean() })),
    updatedAt: z.nullable(z.iso.datetime()),
  }),
  { title: '通知渠道' },
);

export const failedDeliverySchema = meta(
  z.object({
    notificationId: z.string(),
    recipient: meta(z.string(), { description: 'office:<层级>:<区划代码>、org:<信用代码> 或 admins' }),
    applicationId: z.string(),
    kind: z.enum(notificationKinds),
    title: z.string(),
    channel: meta(z.enum(['email', 'robot']), { description: 'email 电子邮件 / robot 群机器人' }),
    attempts: z.number().check(z.int(), z.positive()),
    lastError: z.string(),
    failedAt: z.iso.datetime(),
  }),
  { title: '投递失败' },
);
