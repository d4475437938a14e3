// The demand library's request and response shapes (需求库), apart from schemas.ts: only the API's demand routes and
// the OpenAPI build use them, so the sweeper's and the workflow's bundles, which read schemas.ts, do not carry them.
import * as z from 'zod/mini';
import { decidingLevels } from '../domain/chain.js';
import { industries } from '#forms/industries.js';
import { plainText } from '#forms/plain-text.js';
import { MAX_DEMAND_MATERIALS } from '../domain/demand-materials.js';
import { MAX_MATCHED, demandKindNames, demandKinds, demandStatuses } from '../domain/demand.js';
import { meta } from './schemas.js';

export const demandKind = meta(z.enum(demandKinds, { error: `需求类别须为 ${demandKinds.map((k) => `${k}（${demandKindNames[k]}）`).join('、')} 之一` }), {
  title: '需求类别',
  description: 'talent 人才 / technology 技术 / project 项目 / training 培训',
});

/** A matched need as a station's certificate shows it. */
export const certificateDemandSchema = meta(
  z.object({
    demandId: z.string(),
    title: z.string(),
    kind: demandKind,
    regionCode: z.string(),
    matchedAt: z.iso.datetime(),
    status: z.enum(['MATCHED', 'CLOSED']),
    closedAt: z.nullable(z.iso.datetime()),
    rating: meta(z.nullable(z.number().check(z.int(), z.gte(1), z.lte(5))), { description: '办结时发布办公室给出的评价（星）' }),
    outcome: z.nullable(z.string()),
  }),
  { title: '承接的需求' },
);

const level = meta(z.enum(decidingLevels), { title: '审批层级', description: 'township 乡镇 / county 县（区） / province 省' });

const typed = (label: string, min: number, max: number) =>
  z.string({ error: `请填写${label}` }).check(...plainText(label, max > 200), z.minLength(min, { error: min <= 1 ? `请填写${label}` : `${label}至少${min}个字` }), z.maxLength(max, { error: `${label}不超过${max}字` }));
const dateText = (label: string) => z.string({ error: `${label}须为日期，如 2027-03-01` }).check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label}须为日期，如 2027-03-01`, abort: true }), z.refine((d: string) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, { error: `${label}不是有效日期` }));
const industryIds = Object.keys(industries) as [keyof typeof industries, ...(keyof typeof industries)[]];
const demandIndustry = meta(z.enum(industryIds, { error: `所属产业须为 ${industryIds.map((i) => `${i}（${industries[i]}）`).join('、')} 之一` }), {
  title: '所属产业',
  description: industryIds.map((i) => `${i} ${industries[i]}`).join(' / '),
});

const uploadIdText = z.string({ error: 'uploadId 须为文字' }).check(z.regex(/^[0-9A-Z]{26}$/, { error: 'uploadId 格式不正确' }));
const demandMaterialRef = z.union([z.strictObject({ uploadId: uploadIdText }), z.strictObject({ materialId: uploadIdText })], {
  error: '附件须为 { uploadId }（新上传的文件）或 { materialId }（保留已有附件）',
});

/** POST /v1/demands. */
export const demandInputSchema = meta(
  z.strictObject({
    kind: demandKind,
    industry: demandIndustry,
    regionCode: meta(z.string({ error: '请填写需求所在地区（区划代码）' }).check(z.regex(/^\d{6}(\d{3})?(\d{3})?$/, { error: '需求所在地区须为县（6位）、乡镇（9位）或村（12位）区划代码' })), {
      title: '需求所在地区',
      description: '县（区）6 位、乡镇 9 位或村 12 位区划代码，须在发布者辖区内',
    }),
    title: meta(typed('需求标题', 4, 60), { title: '需求标题' }),
    description: meta(typed('需求描述', 10, 2000), { title: '需求描述', description: '需要什么、现状如何、规模多大' }),
    expectedOutcome: meta(z.optional(typed('预期成效', 2, 500)), { title: '预期成效' }),
    wantedBy: meta(z.optional(dateText('期望完成日期')), { title: '期望完成日期', description: '如 2027-03-01' }),
    materials: meta(z.optional(z.array(demandMaterialRef)), {
      title: '需求附件',
      description: `照片或 PDF，最多 ${MAX_DEMAND_MATERIALS} 个：本人以 POST /v1/uploads 上传并已检查通过（ready）的 { uploadId }；修改重新提交时另可以 { materialId } 保留已有附件。修改时不给出则保留原有附件`,
    }),
  }),
  { title: '发布需求' },
);

/** A need's file as its readers see it (its bytes only through GET /v1/demands/{id}/materials/{materialId}). */
export const demandMaterialSchema = meta(
  z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), size: z.int(), sha256: z.string(), uploadedAt: z.iso.datetime() }),
  { title: '需求附件' },
);

/** The fields of a need a return's problem may name (一次性告知: the village sees it beside that field). */
export const demandFields = ['kind', 'industry', 'regionCode', 'title', 'description', 'expectedOutcome', 'wantedBy'] as const;
const problemText = () => z.string({ error: '请写明问题' }).check(...plainText('问题说明', true), z.regex(/\S/, { error: '请写明问题' }), z.maxLength(500, { error: '问题说明不超过500字' }));

/** POST /v1/demands/{id}/decision: the confirming office's decision on a village's need; reject and return need a comment, return every problem at once. */
export const demandDecisionSchema = meta(
  z
    .strictObject({
      action: meta(z.enum(['approve', 'reject', 'return'], { error: 'action 须为 approve（确认发布）、reject（不予发布）或 return（退回修改）' }), {
        title: '决定',
        description: 'approve 确认发布 / reject 不予发布 / return 退回修改',
      }),
      version: meta(z.optional(z.int({ error: '版本须为整数' }).check(z.gte(1, { error: '版本须为整数' }), z.lte(1_000_000_000, { error: '版本须为整数' }))), {
        title: '审阅时的版本',
        description: 'GET /v1/demands/{id} 读到的 version：需求在此之后被修改过（如村委会修改重新提交）则 409，请重新审阅',
      }),
      comment: meta(z.optional(z.string({ error: '意见须为文字' }).check(...plainText('意见', true), z.maxLength(2000, { error: '意见不超过2000字' }))), { title: '意见' }),
      issues: meta(
        z.optional(
          z
            .array(
              z.union(
                [
                  z.pipe(problemText(), z.transform((message: string) => ({ message }))),
                  z.strictObject({
                    path: meta(z.optional(z.enum(demandFields, { error: `问题所在字段须为 ${demandFields.join('、')} 之一` })), { title: '问题所在字段', description: demandFields.join(' / ') }),
                    message: problemText(),
                  }),
                ],
                { error: '每条问题须为文字，或含 message（及可选 path）的对象' },
              ),
              { error: 'issues 须为问题列表' },
            )
            .check(z.maxLength(50, { error: '一次最多列出 50 个问题' })),
        ),
        { title: '需修改的问题（一次性告知）' },
      ),
    })
    .check(
      z.superRefine((d, ctx) => {
        if ((d.action === 'reject' || d.action === 'return') && !d.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: d.action === 'reject' ? '不予发布须填写意见' : '退回修改须填写意见' });
        if (d.action === 'return' && !d.issues?.length) ctx.addIssue({ code: 'custom', path: ['issues'], message: '退回修改须一次性列出全部问题（一次性告知）' });
        if (d.action !== 'return' && d.issues?.length) ctx.addIssue({ code: 'custom', path: ['issues'], message: '只有退回修改时列出需修改的问题' });
      }),
    ),
  { title: '确认需求' },
);

/** POST /v1/demands/{id}/responses. */
export const demandResponseInputSchema = meta(
  z.strictObject({
    proposal: meta(typed('响应方案', 10, 2000), { title: '响应方案', description: '派谁、做什么、何时到位' }),
    startBy: meta(z.optional(dateText('可开始日期')), { title: '可开始日期' }),
    certificateNo: meta(z.optional(z.string({ error: '证书编号须为文字' }).check(z.maxLength(64))), { title: '以哪个站点响应', description: '本单位持有多个有效证书时必填：站点的证书编号' }),
  }),
  { title: '响应需求' },
);

/** POST /v1/demands/{id}/match. */
export const demandMatchSchema = meta(
  z.strictObject({
    responseIds: meta(
      z.array(z.string({ error: '响应编号须为文字' }).check(z.minLength(1), z.maxLength(64)), { error: 'responseIds 须为响应编号列表' }).check(
        z.minLength(1, { error: '请至少选定一个响应' }),
        z.maxLength(MAX_MATCHED, { error: `一次最多选定 ${MAX_MATCHED} 个响应` }),
        z.refine((ids: string[]) => new Set(ids).size === ids.length, { error: '响应编号不能重复' }),
      ),
      { title: '选定的响应' },
    ),
  }),
  { title: '选定对接' },
);

/** POST /v1/demands/{id}/close: a rating of 1 or 2 needs its reason. */
export const demandCloseSchema = meta(
  z
    .strictObject({
      outcome: meta(typed('完成情况', 4, 2000), { title: '完成情况', description: '做了什么：服务天数、培训人数、引进技术等' }),
      rating: meta(z.int({ error: '评价须为 1 到 5 的整数' }).check(z.gte(1, { error: '评价须为 1 到 5 的整数' }), z.lte(5, { error: '评价须为 1 到 5 的整数' })), { title: '评价（星）', description: '1 到 5 星' }),
      comment: meta(z.optional(typed('评价意见', 1, 500)), { title: '评价意见', description: '1 星或 2 星（差评）须写明原因' }),
      daysOnSite: meta(z.optional(z.int({ error: '驻点服务天数须为整数' }).check(z.gte(0, { error: '驻点服务天数不能为负' }), z.lte(3650, { error: '驻点服务天数过大' }))), { title: '驻点服务天数' }),
      peopleTrained: meta(z.optional(z.int({ error: '培训人数须为整数' }).check(z.gte(0, { error: '培训人数不能为负' }), z.lte(1_000_000, { error: '培训人数过大' }))), { title: '培训人数' }),
    })
    .check(
      z.superRefine((d, ctx) => {
        if (typeof d.rating === 'number' && d.rating <= 2 && !d.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: '差评（1 星或 2 星）须写明原因' });
      }),
    ),
  { title: '办结评价' },
);

const demandStatus = meta(z.enum(demandStatuses), {
  title: '需求状态',
  description: 'PENDING 待确认 / RETURNED 已退回 / PUBLISHED 征集中 / MATCHED 已对接 / CLOSED 已办结 / REJECTED 未通过 / WITHDRAWN 已撤回',
});
const actorSchema = z.object({
  sub: meta(z.optional(z.string()), { title: '账号编号', description: '只给该需求所在地的办公室、其村委会和管理员看；其他人读到的历史不含账号编号，也不含退回、不予发布的意见和问题' }),
  name: z.string(),
  role: z.string(),
  level: z.optional(level),
  region: z.optional(z.string()),
});

/** A response as its reader is shown it (functions/services/demands.ts responseView). */
export const demandResponseViewSchema = meta(
  z.object({
    id: z.string(),
    certificateNo: z.string(),
    stationName: z.string(),
    organisationName: z.string(),
    proposal: z.string(),
    startBy: z.nullable(z.string()),
    respondedAt: z.iso.datetime(),
    status: meta(z.enum(['SUBMITTED', 'MATCHED']), { description: 'SUBMITTED 已响应 / MATCHED 已选定' }),
    contact: meta(z.optional(z.object({ name: z.string(), mobile: z.string(), email: z.optional(z.string()) })), { description: '联系人：仅发布需求的办公室及响应单位本身可见' }),
  }),
  { title: '响应' },
);

export const demandSchema = meta(
  z.object({
    id: z.string(),
    kind: demandKind,
    kindName: z.string(),
    industry: demandIndustry,
    industryName: z.string(),
    regionCode: z.string(),
    regionName: meta(z.string(), { description: '如 清远市 连州市 大路边镇' }),
    pairedCity: meta(z.nullable(z.object({ code: z.string(), name: z.string() })), {
      description: '珠三角带粤东西北：与需求所在城市结对帮扶的珠三角城市（默认按省对口帮扶安排，须经省确认，见 README）；无结对的为 null',
    }),
    title: z.string(),
    description: z.string(),
    expectedOutcome: z.nullable(z.string()),
    wantedBy: z.nullable(z.string()),
    status: demandStatus,
    statusName: z.string(),
    postedBy: meta(z.object({ level, region: z.string(), name: z.string() }), { description: '发布需求的办公室；村账号提交的需求为确认它的乡镇（或县）科协，确认后由它选定对接单位、办结评价' }),
    village: meta(z.nullable(z.object({ region: z.string(), name: z.string() })), { description: '提交需求的村账号（村委会）；办公室直接发布的为 null' }),
    publishedAt: meta(z.nullable(z.iso.datetime()), { description: '发布时间：办公室发布的即提交时，村账号提交的为确认通过时；未发布为 null' }),
    confirmBy: meta(z.nullable(z.iso.datetime()), { description: '待确认（PENDING）的需求：确认办公室的办理期限（TIME_LIMITS 该级的提醒期限）' }),
    issues: meta(z.array(z.object({ path: z.optional(z.string()), message: z.string() })), { description: '退回修改（RETURNED）时办公室一次性列出的全部问题' }),
    materials: meta(z.array(demandMaterialSchema), { description: '需求附件（照片、PDF），以 GET /v1/demands/{id}/materials/{materialId} 取得短时下载地址' }),
    confirmCountdown: meta(z.nullable(z.object({ overdue: z.boolean(), workingDaysLeft: z.int().check(z.minimum(0)) })), {
      description: '待确认（PENDING）的需求：是否已过确认期限，及期限内今天之后还剩的工作日数（与申请的办理期限同样计算）',
    }),
    postedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().check(z.int()),
    responseCount: meta(z.optional(z.number().check(z.int(), z.nonnegative())), { description: '响应数（详情中给出）' }),
    matchedAt: z.nullable(z.iso.datetime()),
    overdueAt: meta(z.optional(z.nullable(z.iso.datetime())), { description: '发布已满 DEMAND_RESPONSE_DAYS 仍无响应时由系统记下的时间（详情中给出）' }),
    closure: z.nullable(
      z.object({
        outcome: z.string(),
        rating: z.number().check(z.int(), z.gte(1), z.lte(5)),
        comment: z.nullable(z.string()),
        daysOnSite: z.nullable(z.number().check(z.int())),
        peopleTrained: z.nullable(z.number().check(z.int())),
        closedAt: z.iso.datetime(),
      }),
    ),
    mine: meta(z.optional(z.boolean()), { description: '调用者是否为发布（或确认）该需求的办公室（详情中给出）' }),
    ownVillage: meta(z.optional(z.boolean()), { description: '调用者是否为提交该需求的村账号（详情中给出）' }),
    history: meta(z.optional(z.array(z.object({
      at: z.iso.datetime(),
      action: meta(z.enum(['post', 'respond', 'match', 'close', 'overdue', 'approve', 'return', 'reject', 'resubmit', 'withdraw']), { description: 'overdue：发布已满规定期限仍无响应（系统记录）；approve / return / reject：办公室确认村账号提交的需求；resubmit：村账号修改重新提交；withdraw：村账号撤回' }),
      actor: actorSchema,
      comment: z.nullable(z.string()),
      responseIds: z.optional(z.array(z.string())),
      issues: z.optional(z.array(z.object({ path: z.optional(z.string()), message: z.string() }))),
    }))), {
      description: '办理记录（详情中给出）',
    }),
    responses: meta(
      z.optional(z.array(demandResponseViewSchema)),
      { description: '响应：发布需求的办公室与管理员看到全部，响应单位只看到自己的（详情中给出）' },
    ),
    nearby: meta(
      z.optional(
        z.array(
          z.object({
            certificateNo: z.string(),
            name: z.string(),
            type: z.string(),
            typeName: z.string(),
            regionCode: z.string(),
            regionName: z.string(),
            scope: meta(z.enum(['township', 'county']), { description: 'township 同一乡镇 / county 同一县（区）' }),
          }),
        ),
      ),
      { description: '需求附近已有的有效站点：先同一乡镇，再同一县（区），最多 10 个（详情中给出）' },
    ),
  }),
  { title: '需求' },
);

const cityRef = z.object({ code: z.string(), name: z.string() });
export const demandPageSchema = meta(
  z.object({
    items: z.array(z.omit(demandSchema, { history: true, responses: true, nearby: true, overdueAt: true })),
    cursor: z.nullable(z.string()),
    pairing: meta(z.optional(z.object({ from: z.array(cityRef), cities: z.array(cityRef) })), {
      description: '给出 pairedWith 或 pairing=mine 时：结对的珠三角城市（from）及所列的粤东西北城市（cities）',
    }),
    near: meta(z.optional(z.object({ counties: z.array(cityRef) })), { description: '给出 near=mine 时：所列的本单位所在县（区）' }),
  }),
  { title: '需求列表' },
);

/** GET /v1/gaps: for each region under the one asked, what the plan still lacks there. */
export const gapPageSchema = meta(
  z.object({
    items: z.array(
      z.object({
        regionCode: z.string(),
        name: z.string(),
        missing: z.array(
          z.object({
            kind: meta(z.string(), { description: 'consortium-station 无学会联合体站（县；全省列表中为市内尚无的县） / township-association 无乡镇科协（乡镇） / rural-tech-association 无农技协（村） / unanswered-demands 已发布需求尚无响应 / overdue-demands 其中发布已满 DEMAND_RESPONSE_DAYS 仍无响应的' }),
            name: z.string(),
            count: z.optional(meta(z.number().check(z.int(), z.positive()), { description: '需求的条数；全省列表中 consortium-station 为市内尚无该站的县（区）数' })),
          }),
        ),
      }),
    ),
    cursor: z.null(),
  }),
  { title: '缺口清单' },
);
