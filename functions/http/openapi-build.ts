// Builds the OpenAPI 3.1 document of the whole API from the same zod schemas that validate requests (forms/ for the
// forms, functions/http/schemas.ts for the rest) and writes it to functions/http/openapi-document.json, which the functions serve
// (functions/http/openapi.ts): zod's JSON Schema generation (~20 KiB) and this table stay out of the Lambda bundles.
// test/unit/openapi.test.ts fails when the file is stale. Run: npx tsx functions/http/openapi-build.ts
import { batchApprovalResultSchema, batchApprovalSchema } from './batch-schemas.js';
import { availabilitySchema, draftCreateSchema, draftSaveSchema, draftSchema, draftSummarySchema } from './draft-schemas.js';
import { DRAFT_KEEP_DAYS, MAX_DRAFTS } from '../domain/drafts.js';
import { MAX_COMMENTS, officeCommentsInputSchema, officeCommentsSchema } from './office-comment-schemas.js';
import { writeFileSync } from 'node:fs';
import { materialsFor as materialsOf } from '#forms/materials.js';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { applicationTypes, catalogue, formJsonSchema, submissionSchema } from '#forms/catalogue.js';
import { statuses } from '../domain/application.js';
import { documentKinds, documentNames } from '../domain/documents.js';
import { certificateStatuses } from '../domain/certificate.js';
import { regionLevelNames } from '../domain/region-codes.js';
import { submittedMaterials } from '#forms/material-references.js';
import { decidedSchema, progressSchema } from './list-schemas.js';
import { annualReportSubmission } from '#forms/annual-report.js';
import { certificateChangeSubmission } from '#forms/certificate-change.js';
import { certificateRenewalSubmission } from '#forms/certificate-renewal.js';
import {
  applicationSchema,
  catalogueEntrySchema,
  certificateHistorySchema,
  certificateSchema,
  decisionSchema,
  dissolutionSchema,
  revocationSchema,
  errorCodes,
  errorSchema,
  materialLinkSchema,
  page,
  regionSchema,
  registryRecordSchema,
  resubmissionSchema,
  statsSchema,
  scopePipelineSchema,
  uploadRequestSchema,
  uploadSlotSchema,
  uploadViewSchema,
  notificationPageSchema,
  notificationReadSchema,
  notificationsReadSchema,
  urgeSchema,
  channelSettingsSchema,
  channelSettingsViewSchema,
  failedDeliverySchema,
} from './schemas.js';
import { certificateDemandSchema, gapPageSchema, demandCloseSchema, demandDecisionSchema, demandInputSchema, demandMatchSchema, demandPageSchema, demandResponseInputSchema, demandResponseViewSchema, demandSchema } from './demand-schemas.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodMiniType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: Json) => ({ content: { 'application/json': { schema: s } } });

type ErrorCode = (typeof errorCodes)[number];

/** The `error` codes each status answers with (functions/http/errors.ts statusOf, and the frame's own answers). */
const codesOf: Record<number, ErrorCode[]> = {
  400: ['validation'],
  401: ['unauthorized'],
  403: ['forbidden'],
  404: ['not_found'],
  405: ['method_not_allowed'],
  409: ['conflict'],
  413: ['too_large'],
  415: ['unsupported_media_type'],
  422: ['idempotency_mismatch'],
  429: ['rate_limited'],
  503: ['unavailable'],
};

const retryAfter = { 'Retry-After': { description: '多少秒后可以再试', required: true, schema: { type: 'integer', minimum: 0 } } };

/** An error answer: the one Error shape, its `error` narrowed to the status's codes (or the operation's). */
function error(status: number, description: string, codes = codesOf[status]): Json {
  if (!codes) throw new Error(`openapi: no error codes for status ${status}`);
  return {
    description,
    ...(status === 429 ? { headers: retryAfter } : {}),
    ...json({ $ref: '#/components/schemas/Error', properties: { error: codes.length === 1 ? { const: codes[0] } : { enum: codes } } }),
  };
}

interface Operation {
  summary: string;
  description?: string;
  /** Anyone may call it: no token asked for, so no 401. */
  public?: boolean;
  /** Answers from what is built in (no store, no workflow engine, no token keys): never 503. */
  builtIn?: boolean;
  params?: { name: string; in: 'path' | 'query' | 'header'; description: string; required?: boolean; schema?: Json }[];
  body?: Json;
  ok: { status: number; description: string; schema?: Json; contentType?: string; headers?: Json };
  /** Statuses of this operation beyond the ones every operation of its kind has (added in responsesOf). */
  errors?: Record<number, string>;
  /** Error codes of a status where the operation answers other codes than `codesOf` says. */
  codes?: Record<number, ErrorCode[]>;
}

const pageParams: Operation['params'] = [
  { name: 'limit', in: 'query', description: '每页条数，默认 20，最多 100', schema: { type: 'integer', minimum: 1, maximum: 100 } },
  { name: 'cursor', in: 'query', description: '上一页返回的 cursor', schema: { type: 'string' } },
];
// The registry's filters take surrounding spaces and count an empty one as absent (functions/domain/registry.ts
// parseRegistryFilter): the patterns say exactly that.
const registryParams: Operation['params'] = [
  {
    name: 'type',
    in: 'query',
    description: `申请类型：${applicationTypes.join('、')}；空值视为未填`,
    schema: { type: 'string', pattern: `^\\s*(?:${applicationTypes.join('|')})?\\s*$` },
  },
  { name: 'region', in: 'query', description: '任一级区划代码（市、县、乡镇、村），匹配其下全部；空值视为未填', schema: { type: 'string' } },
  { name: 'from', in: 'query', description: '批准日期起（含），如 2026-11-29（北京时间）或带时区的 ISO 8601 时间；空值视为未填', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: '批准日期止（含）；空值视为未填', schema: { type: 'string' } },
  {
    name: 'status',
    in: 'query',
    description: `证书状态：${certificateStatuses.join('、')}（有效、已撤销、已到期、已注销）；不填为全部`,
    schema: { type: 'string', pattern: `^\\s*(?:${certificateStatuses.join('|')})?\\s*$` },
  },
];
// The application lists' search and filters (functions/domain/list-filter.ts parseListFilter).
const listParams: Operation['params'] = [
  {
    name: 'q',
    in: 'query',
    description:
      '搜索：申请名称、申请单位名称、统一社会信用代码或受理号的一部分（2–50 个字符，全角、空格和连字符不计；中文按任意连续两个字匹配）。完整的受理号或统一社会信用代码直接定位。',
    schema: { type: 'string' },
  },
  { name: 'type', in: 'query', description: `申请类型：${applicationTypes.join('、')}；空值视为未填`, schema: { type: 'string' } },
  { name: 'from', in: 'query', description: '提交日期起（含），如 2026-11-29（北京时间）或带时区的 ISO 8601 时间；空值视为未填', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: '提交日期止（含）；空值视为未填', schema: { type: 'string' } },
  {
    name: 'sort',
    in: 'query',
    description: 'newest 最新提交在前 / oldest 最早提交在前。默认：申请单位的列表 newest，待办 oldest，辖区列表按区划代码再按提交时间（oldest），newest 为其倒序；空值视为未填',
    // As the other filters: surrounding spaces taken, an empty one counted as absent (functions/domain/list-filter.ts).
    schema: { type: 'string', pattern: '^\\s*(?:newest|oldest)?\\s*$' },
  },
];
const certificateNoParam = { name: 'certificateNo', in: 'path' as const, description: '证书编号，如 GDKX-2026-000123 或 粤科协备〔2026〕000123号', required: true, schema: { type: 'string', minLength: 1 } };
const id = { name: 'id', in: 'path' as const, description: '申请编号', required: true, schema: { type: 'string', minLength: 1 } };
const draftId = { name: 'id', in: 'path' as const, description: '草稿编号', required: true, schema: { type: 'string', minLength: 1 } };
const demandId = { name: 'id', in: 'path' as const, description: '需求编号', required: true, schema: { type: 'string', minLength: 1 } };
const listErrors = { 400: 'limit、cursor 或筛选条件有误' };
const officeParams: Operation['params'] = [
  { name: 'level', in: 'path', description: '办公室层级：township 乡镇 / county 县（区） / province 省', required: true, schema: { type: 'string', minLength: 1 } },
  { name: 'region', in: 'path', description: '该层级的区划代码（乡镇 9 位、县 6 位、省 44）', required: true, schema: { type: 'string', minLength: 1 } },
];

const operations: Record<string, Record<string, Operation>> = {
  '/v1/health': {
    get: {
      summary: '健康检查',
      public: true,
      ok: { status: 200, description: '存储与流程引擎均可用', schema: { type: 'object', properties: { ok: { const: true } }, required: ['ok'], additionalProperties: false } },
      errors: { 503: '存储或流程引擎暂不可用' },
    },
  },
  '/v1/openapi.json': {
    get: {
      summary: '本接口文档（OpenAPI 3.1）；可浏览版本见 /docs',
      public: true,
      builtIn: true,
      ok: { status: 200, description: 'OpenAPI 文档', schema: { type: 'object', properties: { openapi: { const: '3.1.0' } }, required: ['openapi', 'info', 'paths', 'components'] } },
    },
  },
  '/v1/forms': {
    get: {
      summary: '申请类型目录及各类申请表的 JSON Schema',
      public: true,
      builtIn: true,
      ok: { status: 200, description: '九类申请', schema: { type: 'array', items: ref('CatalogueEntry') } },
    },
  },
  '/v1/regions/{code}': {
    get: {
      summary: '行政区划及其下级',
      public: true,
      builtIn: true,
      params: [{ name: 'code', in: 'path', description: '统计用区划代码，广东省为 44', required: true, schema: { type: 'string', minLength: 1 } }],
      ok: { status: 200, description: '区划', schema: ref('Region') },
      errors: { 404: '没有这个区划' },
    },
  },
  '/v1/applications': {
    post: {
      summary: '提交申请',
      description: '申请单位提交。同一 Idempotency-Key（按调用者区分）重复提交返回第一次的结果，不会产生第二份申请。',
      params: [{ name: 'Idempotency-Key', in: 'header', description: '幂等键，1–128 个可见 ASCII 字符', schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' } }],
      body: ref('Submission'),
      ok: { status: 201, description: '已受理，进入第一级审批', schema: ref('Application') },
      errors: {
        400: '内容有误（一次列出全部问题）',
        403: '不是申请单位',
        409: '该地区已有同类站点或协会（duplicate），或提交冲突（conflict）',
        422: '同一 Idempotency-Key 用于不同内容',
      },
      codes: { 409: ['duplicate', 'conflict'] },
    },
    get: {
      summary: '申请列表',
      description: '申请单位：本单位的；审批人员：本辖区的；管理员：全部。村账号没有申请（403）。',
      params: [{ name: 'status', in: 'query', description: '按状态筛选', schema: { enum: [...statuses] } }, ...listParams, ...pageParams],
      ok: {
        status: 200,
        description: '一页申请（不含办理记录）。带筛选或搜索时，一页可能不足 limit 而 cursor 不为 null：此页读到的范围已用完，接着取下一页',
        schema: ref('ApplicationPage'),
      },
      errors: { ...listErrors, 403: '村账号没有申请' },
    },
  },
  '/v1/applications/{id}': {
    get: { summary: '申请详情及办理记录', params: [id], ok: { status: 200, description: '申请', schema: ref('Application') }, errors: { 404: '不存在或无权查看' } },
    put: {
      summary: '修改后重新提交（被退回的申请）',
      params: [id],
      body: ref('Resubmission'),
      ok: { status: 200, description: '回到退回它的那一级', schema: ref('Application') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是申请单位本身', 404: '不存在或无权查看', 409: '不是退回状态，或修改期限已过' },
    },
  },
  '/v1/applications/{id}/materials/{materialId}': {
    get: {
      summary: '申报材料文件的短时下载地址（PDF、图片可在浏览器中预览）',
      description:
        '可查看该申请的人（申请单位、辖区审批人员、管理员）可取得；被替换的旧文件同样可取。地址最多 5 分钟有效，有效期内持有地址即可下载该文件（请勿转发），过期后对象存储拒绝。',
      params: [id, { name: 'materialId', in: 'path', description: '材料文件编号（materials[].id 或 replacedMaterials[].id）', required: true, schema: { type: 'string', minLength: 1 } }],
      ok: { status: 200, description: '下载地址', schema: ref('MaterialLink') },
      errors: { 404: '申请不存在或无权查看，或没有这个材料文件' },
    },
  },
  '/v1/applications/{id}/documents/{kind}': {
    get: {
      summary: '申请的打印文书（PDF）：申请表、受理回执、补正告知书',
      description:
        '可查看该申请的人均可取得，与查看申请相同：尚未报送到本级的上级审批机关看到的个人信息同样脱敏。A4 中文 PDF，带广东省科学技术协会及平台页眉、页码，' +
        '字体为思源黑体（Noto Sans SC，SIL Open Font License 1.1）的子集。申请表：申请表单的全部字段（按表单的中文名称）及申报材料清单；' +
        '受理回执：受理号、申请单位、所在地区、提交时间、当前层级和状态、逐级审批机关、办件查询方法；补正告知书：最近一次退回的全部问题（所涉字段或材料、说明）、退回机关、日期、补正期限和办理要求。',
      params: [
        id,
        {
          name: 'kind',
          in: 'path',
          description: `文书种类：${documentKinds.map((kind) => `${kind}（${documentNames[kind]}）`).join('、')}`,
          required: true,
          schema: { type: 'string', enum: [...documentKinds] },
        },
      ],
      ok: {
        status: 200,
        description: 'PDF 文件，浏览器内直接打开',
        contentType: 'application/pdf',
        schema: { type: 'string' },
        headers: {
          'Content-Disposition': { description: "inline，文件名含受理号，如 filename*=UTF-8''申请表-202604831295.pdf（已编码）", required: true, schema: { type: 'string' } },
          'Cache-Control': { description: 'private, no-store', required: true, schema: { type: 'string' } },
        },
      },
      errors: { 404: '申请不存在或无权查看，或没有这种文书', 409: '该申请未被退回补正，没有补正告知书' },
    },
  },
  '/v1/uploads': {
    post: {
      summary: '申请上传一个申报材料文件或需求附件',
      description:
        '申请单位声明文件名、类型和大小（可同时给出申请类型 type 和材料代码 material，按该材料的要求检查），得到几分钟内有效的预签名 PUT 地址，' +
        '把文件以所给请求头直接发送到对象存储（不经过本接口）。之后 GET /v1/uploads/{uploadId} 查看检查结果；提交申请时以 materials: [{ key, uploadId }] 引用。' +
        '未被申请引用的上传一天后删除。' +
        '乡镇、县（区）办公室的人员和村账号上传的是需求附件（不给 type、material）：只接受 PDF、JPEG、PNG，每个不超过 10 MB，只能由上传者本人在发布或修改需求时以 materials: [{ uploadId }] 引用。',
      body: ref('UploadRequest'),
      ok: { status: 201, description: '上传地址', schema: ref('UploadSlot') },
      errors: { 400: '文件名、类型或大小有误，或该材料不接受这种类型、超过大小上限', 403: '不是申请单位，也不是乡镇、县（区）办公室或村账号' },
    },
  },
  '/v1/uploads/{uploadId}': {
    get: {
      summary: '上传的文件及其检查结果',
      description: '文件写入存储后即由服务端检查其内容（按内容判断类型、大小、PDF 中的脚本等）；本接口只读取检查结果，pending 时稍后再查。仅上传单位可查看。',
      params: [{ name: 'uploadId', in: 'path', description: '上传编号', required: true, schema: { type: 'string', minLength: 1 } }],
      ok: { status: 200, description: 'pending 尚未收到文件或正在检查（文件到达存储后即自动检查）；ready 检查通过；refused 未通过（reason 说明原因）', schema: ref('Upload') },
      errors: { 404: '不存在、已过期或不是本单位的上传' },
    },
  },
  '/v1/drafts': {
    get: {
      summary: '本单位的申请草稿',
      description: `申请单位的全部草稿，最近新建的在前（最多 ${MAX_DRAFTS} 份，一页列完，cursor 恒为 null）。草稿最后一次保存后保留 ${DRAFT_KEEP_DAYS} 天。`,
      ok: { status: 200, description: '草稿列表（不含申请表内容）', schema: ref('DraftPage') },
      errors: { 403: '不是申请单位' },
    },
    post: {
      summary: '新建申请草稿',
      description:
        '保存填写到一半的申请：申请表只检查形状（对象），各栏在提交时才逐项检查。materials 引用本单位已上传的文件：检查通过的随草稿保留（保留期同草稿），' +
        '检查中的照列，已过期、已被申请使用、未通过检查或不是本单位的不保留，并在 dropped 中逐项说明。',
      body: ref('DraftCreate'),
      ok: { status: 201, description: '已保存（version 1）', schema: ref('Draft') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是申请单位', 409: `草稿已达 ${MAX_DRAFTS} 份上限` },
    },
  },
  '/v1/drafts/{id}': {
    get: {
      summary: '草稿内容（继续填写）',
      params: [draftId],
      ok: { status: 200, description: '草稿，附件各带当前状态', schema: ref('Draft') },
      errors: { 403: '不是申请单位', 404: '不存在、已删除、已过期或不是本单位的草稿' },
    },
    put: {
      summary: '保存草稿',
      description: '整份替换。须带读取（或上次保存）时的 version：期间已在别处保存过则 409，本次不保存，以免覆盖；成功则 version 加一、保留期重新计算。',
      params: [draftId],
      body: ref('DraftSave'),
      ok: { status: 200, description: '已保存', schema: ref('Draft') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是申请单位', 404: '不存在、已删除、已过期或不是本单位的草稿', 409: '草稿已在别处保存过（version 不符）' },
    },
    delete: {
      summary: '删除草稿',
      description: '提交成功后或不再需要时删除。草稿中的上传不随之删除：未被申请使用的，到其保留期满由系统清除。',
      params: [draftId],
      ok: { status: 204, description: '已删除' },
      errors: { 403: '不是申请单位', 404: '不存在、已删除或不是本单位的草稿' },
    },
  },
  '/v1/availability': {
    get: {
      summary: '承办地区可否申请（选定地区时即查）',
      description:
        '填写申请时选定承办地区即可查询：该地区是否存在、在广东省内、是否为该类型可设的层级（不符 400），以及“每个地区只能设立一个”的类型在该地区是否已有在审申请或有效证书。' +
        '只读；以提交时的检查为准。',
      params: [
        { name: 'type', in: 'query', description: `申请类型：${applicationTypes.join('、')}`, required: true, schema: { type: 'string' } },
        { name: 'regionCode', in: 'query', description: '所选承办地区的区划代码', required: true, schema: { type: 'string' } },
      ],
      ok: { status: 200, description: 'available 为 false 时 message 说明已有的申请或证书', schema: ref('Availability') },
      errors: { 400: '类型或地区有误', 403: '不是申请单位' },
    },
  },
  '/v1/applications/{id}/withdraw': {
    post: {
      summary: '撤回申请',
      params: [id],
      ok: { status: 200, description: '已撤回', schema: ref('Application') },
      errors: { 403: '不是申请单位本身', 404: '不存在或无权查看', 409: '已办结' },
    },
  },
  '/v1/applications/{id}/decision': {
    post: {
      summary: '审批决定：通过、不予通过、退回修改',
      params: [id],
      body: ref('Decision'),
      ok: { status: 200, description: '已记录，流程进入下一步', schema: ref('Application') },
      errors: {
        400: '缺少意见或问题清单、字段不允许',
        403: '不是审批人员',
        404: '不存在或不在本辖区',
        409: '不是在等待本级审批，退回次数已达上限，或本级审批期限已过',
        503: '决定已记录，流程推进暂时失败，系统将自动重试',
      },
    },
  },
  '/v1/applications/{id}/urge': {
    post: {
      summary: '催办：请等待审批的办公室尽快办理',
      description: '申请单位本身。本级收到申请超过审批期限（软期限）的一半后可以催办，每个申请每个工作日一次；该办公室收到 urge 通知，办理记录增加 urge。',
      params: [id],
      ok: { status: 202, description: '已催办', schema: ref('Urge') },
      errors: {
        403: '不是申请单位本身',
        404: '不存在或无权查看',
        409: '没有等待审批的办公室，或本级收到申请未满审批期限的一半（urgeOpensAt 为可以催办的时间）',
        429: '今天已催办过：按 Retry-After 在下一个工作日再催办',
      },
    },
  },
  '/v1/notifications': {
    get: {
      summary: '通知中心：本人所属办公室（层级 + 区划）或本单位的通知，最新的在前',
      description: '审批人员：本办公室的；申请单位：本单位的；管理员：管理员的。read 为本人的已读状态；unread 为本人的未读条数（最多数到 100）。',
      params: [{ name: 'unread', in: 'query', description: 'true：只列未读', schema: { enum: ['true', 'false'] } }, ...pageParams],
      ok: { status: 200, description: '一页通知及未读条数', schema: ref('NotificationPage') },
      errors: listErrors,
    },
  },
  '/v1/notifications/read-all': {
    post: { summary: '全部标为已读（本人）', ok: { status: 200, description: '已读', schema: ref('NotificationsRead') } },
  },
  '/v1/notifications/{notificationId}/read': {
    post: {
      summary: '一条通知标为已读（本人）',
      params: [{ name: 'notificationId', in: 'path', description: '通知编号', required: true, schema: { type: 'string', minLength: 1 } }],
      ok: { status: 200, description: '已读', schema: ref('NotificationRead') },
      errors: { 404: '不存在，或不是本人所属办公室或单位的通知' },
    },
  },
  '/v1/offices/{level}/{region}/comments': {
    get: {
      summary: '办公室的常用意见',
      description: '本办公室的审批人员和管理员。尚未保存过的办公室返回几条建议（suggested: true，version 0）。审批时一点即填入审批意见。',
      params: officeParams,
      ok: { status: 200, description: '常用意见', schema: ref('OfficeComments') },
      errors: { 403: '不是本办公室的审批人员或管理员', 404: '没有这个办公室' },
    },
    put: {
      summary: '保存办公室的常用意见',
      description: `整份替换，最多 ${MAX_COMMENTS} 条，先后为序。须带读取时的 version：期间已被他人保存则 409，本次不保存。`,
      params: officeParams,
      body: ref('OfficeCommentsInput'),
      ok: { status: 200, description: '已保存', schema: ref('OfficeComments') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是本办公室的审批人员或管理员', 404: '没有这个办公室', 409: '期间已被他人保存（version 不符）' },
    },
  },
  '/v1/offices/{level}/{region}/channels': {
    get: {
      summary: '办公室的通知渠道（电子邮箱、群机器人）',
      description: '管理员。Webhook 地址只显示地址和密钥的最后 4 位，加签密钥从不返回。',
      params: officeParams,
      ok: { status: 200, description: '通知渠道', schema: ref('ChannelSettingsView') },
      errors: { 403: '不是管理员', 404: '没有这个办公室' },
    },
    put: {
      summary: '设置办公室的通知渠道',
      description: '管理员。省略的字段保持不变；robot 为 null 则删除群机器人。Webhook 地址须为 https，且带平台的 key= / access_token= 参数。',
      params: officeParams,
      body: ref('ChannelSettings'),
      ok: { status: 200, description: '已保存', schema: ref('ChannelSettingsView') },
      errors: { 400: '邮箱或 Webhook 地址有误（issues 指明字段）', 403: '不是管理员', 404: '没有这个办公室' },
    },
  },
  '/v1/deliveries/failed': {
    get: {
      summary: '投递失败的通知（电子邮件、群机器人），最新的在前',
      description: '管理员。多次重试仍失败的投递。',
      params: pageParams,
      ok: { status: 200, description: '一页投递失败记录', schema: ref('FailedDeliveryPage') },
      errors: { ...listErrors, 403: '不是管理员' },
    },
  },
  '/v1/tasks': {
    get: {
      summary: '待办：等待本级本辖区审批的申请，最早的在前',
      params: [...listParams, ...pageParams],
      ok: { status: 200, description: '一页待办', schema: ref('ApplicationPage') },
      errors: { ...listErrors, 403: '不是审批人员' },
    },
  },
  '/v1/tasks/approvals': {
    post: {
      summary: '批量通过：县级、省级办公室一次通过多件待办（逐件确认后提交）',
      description: '逐件按单件审批办理（同样的检查、记录与流程推进）；不能通过的一件附原因列出，其余照常办理。乡镇请逐件审核。',
      body: ref('BatchApproval'),
      ok: { status: 200, description: '每件的结果', schema: ref('BatchApprovalResult') },
      errors: { 400: '未选择申请、超过 20 件、重复或字段不允许', 403: '不是县级或省级审批人员' },
    },
  },
  '/v1/decisions': {
    get: {
      summary: '已办：本级本辖区办公室作出的审批决定，最新的在前',
      params: pageParams,
      ok: { status: 200, description: '一页已办', schema: ref('DecidedPage') },
      errors: { ...listErrors, 403: '不是审批人员' },
    },
  },
  '/v1/progress': {
    get: {
      summary: '办件查询（任何人，无需登录）',
      description: '凭受理号和申请单位的统一社会信用代码查询办理进度：只有状态和各级审批情况，不含申请内容和个人信息。受理号不存在与信用代码不符同样答 404。',
      public: true,
      params: [
        { name: 'caseNo', in: 'query', description: '受理号，12 位数字，可带空格或连字符', required: true, schema: { type: 'string' } },
        { name: 'creditCode', in: 'query', description: '申请单位的统一社会信用代码', required: true, schema: { type: 'string' } },
      ],
      ok: { status: 200, description: '办理进度', schema: ref('Progress') },
      errors: { 400: '受理号或统一社会信用代码格式不正确（一次列出）', 404: '未找到：受理号不存在或信用代码不符' },
    },
  },
  '/v1/registry': {
    get: {
      summary: '备案登记查询（最新的在前）',
      description: '管理员：全省；审批人员：本辖区。',
      params: [...registryParams, ...pageParams],
      ok: { status: 200, description: '一页记录', schema: ref('RegistryPage') },
      errors: { ...listErrors, 403: '无权查询，或查询本辖区以外' },
    },
  },
  '/v1/registry/export': {
    get: {
      summary: '导出备案登记（CSV，UTF-8 带 BOM，Excel 可直接打开）',
      params: registryParams,
      ok: {
        status: 200,
        description: 'CSV 文件',
        contentType: 'text/csv',
        schema: { type: 'string' },
        headers: { 'Content-Disposition': { description: '文件名，如 备案登记-20261129.csv', required: true, schema: { type: 'string' } } },
      },
      errors: { 400: '筛选条件有误', 403: '无权导出，或导出本辖区以外' },
    },
  },
  '/v1/certificates/{certificateNo}': {
    get: {
      summary: '证书核验（任何人）',
      public: true,
      params: [certificateNoParam],
      ok: { status: 200, description: '证书的公开信息：此刻是否有效，无效的原因（撤销的日期和原因、服务期届满的日期）', schema: ref('Certificate') },
      errors: { 404: '没有这个证书编号' },
    },
  },
  '/v1/certificates/{certificateNo}/revoke': {
    post: {
      summary: '撤销证书（省级审批人员、管理员）',
      description: '须写明原因；证书及其备案登记记录变为 REVOKED，不再计入统计和目标进度，释放“每个地区一个”的名额，申请单位收到通知。两个撤销同时提交时只有一个成功。',
      params: [certificateNoParam],
      body: ref('Revocation'),
      ok: { status: 200, description: '已撤销的记录', schema: ref('RegistryRecord') },
      errors: { 403: '不是省级审批人员或管理员', 404: '没有这个证书编号', 409: '证书已不是有效状态（已撤销、已到期或已注销）' },
    },
  },
  '/v1/certificates/{certificateNo}/dissolve': {
    post: {
      summary: '注销站点（持证的申请单位自行注销）',
      description: '须写明原因；证书及其备案登记记录变为 DISSOLVED，不再计入统计和目标进度，释放“每个地区一个”的名额，所在县（区）和省科协收到通知。',
      params: [certificateNoParam],
      body: ref('Dissolution'),
      ok: { status: 200, description: '已注销的记录', schema: ref('RegistryRecord') },
      errors: { 400: '未写明原因', 403: '不是持证的申请单位', 404: '没有这个证书编号', 409: '证书已不是有效状态' },
    },
  },
  '/v1/certificates/{certificateNo}/reports': {
    post: {
      summary: '报送年度报告（持证的申请单位）',
      description:
        '报送某一自然年度的服务情况；由站点所在县（区）审核（通过 / 退回修改并一次性列出问题 / 不予通过），审核在 GET /v1/tasks 和 POST /v1/applications/{id}/decision 中进行，' +
        '退回后用 PUT /v1/applications/{id} 修改重新提交。证书和备案登记显示当年的报告状态（report），截止时间（REPORT_DEADLINE，默认次年 3 月 31 日）前未报送的标为 OVERDUE 并通知县（区）。' +
        '同一年度已报送（审核中或已通过）为 409，站点设立以前的年度或尚未开始的年度为 400，不是本单位的证书为 403，证书已撤销、到期或注销为 409；均不保存任何内容。',
      params: [certificateNoParam],
      body: ref('AnnualReportSubmission'),
      ok: { status: 201, description: '年度报告（type 为 annual-report 的办件），等待县（区）审核', schema: ref('Application') },
      errors: { 400: '报告内容或年度有误（issues 列出全部问题）', 403: '不是持证的申请单位', 404: '没有这个证书编号', 409: '该年度已报送，或证书已不是有效状态' },
      codes: { 409: ['conflict', 'duplicate'] },
    },
  },
  '/v1/certificates/{certificateNo}/changes': {
    post: {
      summary: '申请变更（持证的申请单位）：名称、联系人、地址（所在地区）、专家名单',
      description:
        '只填写要变更的事项；由站点承办层级和省科协审批（两级）。批准后证书和备案登记显示变更后的内容及变更时间（changedAt），证书编号不变，' +
        'GET /v1/certificates/{certificateNo}/history 记录变更的事项。同一证书同时只能有一项变更在审批中（409）；迁往已有同类站点的地区（每个地区一个）为 409，并指明已有的站点。',
      params: [certificateNoParam],
      body: ref('CertificateChangeSubmission'),
      ok: { status: 201, description: '变更申请（type 为 certificate-change 的办件），等待承办层级审批', schema: ref('Application') },
      errors: { 400: '变更内容有误（issues 列出全部问题）', 403: '不是持证的申请单位', 404: '没有这个证书编号', 409: '已有变更在审批中、迁入地区名额已被占用，或证书已不是有效状态' },
      codes: { 409: ['conflict', 'duplicate'] },
    },
  },
  '/v1/certificates/{certificateNo}/renewals': {
    post: {
      summary: '申请期满评估与续期（持证的申请单位）',
      description:
        '有服务期的证书在期满前 180 天内可申请（更早为 409，并给出 opensAt）：填写服务期自评（工作总结、服务次数、专家驻点天数、培训人数、自评等级、下一服务期计划）。' +
        '由站点所在县（区）初审（通过时可给出初评等级 grade），省科协评定等级（通过时 grade 必填：excellent 优秀 / qualified 合格 / unqualified 不合格），审核在 GET /v1/tasks 和 POST /v1/applications/{id}/decision 中进行，退回后用 PUT /v1/applications/{id} 修改重新提交。' +
        '优秀、合格的服务期从原到期日起续一个服务期；不合格的给予六分之一个服务期（三年期为半年）整改，整改后重新申请评估；连续两次不合格的提请省科协撤销（通知 revocation-proposed）。' +
        '证书的 evaluations 列出历次评估；同一证书同时只能有一项续期申请在审批中（409）；不是本单位的证书为 403；证书已撤销、到期或注销，或没有服务期为 409；均不保存任何内容。',
      params: [certificateNoParam],
      body: ref('CertificateRenewalSubmission'),
      ok: { status: 201, description: '续期申请（type 为 certificate-renewal 的办件），等待县（区）初审', schema: ref('Application') },
      errors: { 400: '自评内容有误（issues 列出全部问题）', 403: '不是持证的申请单位', 404: '没有这个证书编号', 409: '尚未到可申请的时间、已有续期申请在审批中、没有服务期，或证书已不是有效状态' },
    },
  },
  '/v1/certificates/{certificateNo}/history': {
    get: {
      summary: '证书变动记录（持证的申请单位、所在地区的审批人员、管理员）',
      description: '批准以后的每次变动：变更（及变更的事项）、撤销、注销、到期，按时间先后。',
      params: [certificateNoParam],
      ok: { status: 200, description: '变动记录', schema: ref('CertificateHistory') },
      errors: { 404: '没有这个证书编号，或无权查看' },
    },
  },
  '/v1/demands': {
    post: {
      summary: '发布需求（需求库）',
      description:
        '乡镇、县（区）科协等办公室在本辖区内发布：所在地区须为辖区内的县、乡镇或村。办公室发布的需求立即为 PUBLISHED（征集中）。' +
        '村账号（role village，村委会）只能提交本村的需求（regionCode 须为本村代码）：提交后为 PENDING（待确认），由所在乡镇科协（村直属县的为县级科协）' +
        '以 POST /v1/demands/{id}/decision 确认，确认通过后发布，并由该科协选定对接单位、办结评价。' +
        '标题与描述可用 GET /v1/demands?q= 检索（标题全文及描述开头部分，见 README “需求库”）。' +
        '可附照片或 PDF（materials，最多 5 个，每个不超过 10 MB）：先以 POST /v1/uploads 上传（乡镇、县（区）办公室和村账号上传的即为需求附件），检查通过后列出其 uploadId；' +
        '附件与需求在同一事务中写入，每个上传须仍为本人的、已检查通过且未被使用，否则 400 逐项列出（materials.<序号>），什么也不保存；与另一提交同时使用同一上传时只有一方成功，另一方为 409。',
      body: ref('DemandInput'),
      ok: { status: 201, description: '需求：办公室发布的为 PUBLISHED，村账号提交的为 PENDING', schema: ref('Demand') },
      errors: { 400: '内容有误（一次列出全部问题），或地区代码不存在、不是县乡村一级，或附件的上传不可用', 403: '不是乡镇或县（区）的办公室或村账号，或地区不在本辖区（村账号：不是本村）', 409: '附件的上传同时被另一提交使用（什么也未保存）' },
    },
    get: {
      summary: '需求列表与检索，最新的在前',
      description:
        '任何登录用户可查看已发布、已对接、已办结的需求；其他状态（待确认、已退回、未通过、已撤回）仅限所在地区的办公室、提交它的村账号（只看本村的）和管理员。' +
        '乡镇科协的待确认清单即 ?status=PENDING。每种筛选组合均为一次索引查询；结对帮扶地区（pairedWith、pairing）为每个结对城市一次索引查询，按发布时间合并分页。',
      params: [
        { name: 'region', in: 'query', description: '任一级区划代码，匹配其下全部；不填为全省', schema: { type: 'string' } },
        { name: 'kind', in: 'query', description: 'talent 人才 / technology 技术 / project 项目 / training 培训', schema: { type: 'string' } },
        { name: 'industry', in: 'query', description: '所属产业（与申请表相同的产业代码）', schema: { type: 'string' } },
        { name: 'status', in: 'query', description: '需求状态，默认 PUBLISHED', schema: { type: 'string' } },
        { name: 'q', in: 'query', description: '中文检索词：标题或描述中的片段，至少两个相连的字，最多 50 个字符', schema: { type: 'string' } },
        {
          name: 'pairedWith',
          in: 'query',
          description:
            '珠三角带粤东西北：珠三角城市的代码（4401 广州、4403 深圳、4404 珠海、4406 佛山、4413 惠州、4419 东莞、4420 中山、4407 江门、4412 肇庆），列出与其结对帮扶的粤东西北城市的已发布需求（结对默认按省对口帮扶安排，须经省确认）；其他代码为 400',
          schema: { type: 'string' },
        },
        {
          name: 'pairing',
          in: 'query',
          description: 'mine：与本单位所在城市结对的粤东西北城市的需求（申请单位按其有效证书站点所在城市，办公室、村账号按其辖区所在城市）；所在城市不在珠三角（或尚无有效证书站点）时为空列表、pairing.cities 为空；省级、管理员账号为 400。不能与 pairedWith 同时给出',
          schema: { type: 'string', enum: ['mine'] },
        },
        {
          name: 'near',
          in: 'query',
          description:
            'mine：本单位所在县（区）的已发布需求（申请单位按其有效证书站点所在县，办公室、村账号按其辖区所在县），先看本县再看全省；每个县一次索引查询，合并分页。不能与 region、pairedWith、pairing 同时给出；无所在县为 400',
          schema: { type: 'string', enum: ['mine'] },
        },
        ...pageParams,
      ],
      ok: { status: 200, description: '一页需求', schema: ref('DemandPage') },
      errors: { ...listErrors, 403: '未发布的需求仅限所在地区的办公室查看' },
    },
  },
  '/v1/demands/{id}': {
    get: {
      summary: '需求详情、办理记录与响应',
      description: '发布需求的办公室看到全部响应及联系人；管理员看到全部响应（不含联系人）；响应单位只看到自己的响应。',
      params: [demandId],
      ok: { status: 200, description: '需求', schema: ref('Demand') },
      errors: { 404: '不存在或无权查看' },
    },
    put: {
      summary: '修改重新提交被退回的需求（提交它的村账号）',
      description:
        '与提交时相同的校验（一次列出全部问题），地区仍须为本村；需求回到 PENDING，所在乡镇科协再次确认。' +
        'materials 给出时即为修改后的全部附件：{ materialId } 保留已有的，{ uploadId } 附上新上传的；不给出则附件不变。',
      params: [demandId],
      body: ref('DemandInput'),
      ok: { status: 200, description: '重新提交的需求（PENDING）', schema: ref('Demand') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是提交该需求的村账号，或地区不是本村', 404: '不存在或无权查看', 409: '需求不是已退回状态，或附件的上传同时被另一提交使用' },
    },
  },
  '/v1/demands/{id}/materials/{materialId}': {
    get: {
      summary: '需求附件的短时下载地址（PDF、图片可在浏览器中预览）',
      description:
        '可查看该需求的人均可取得，与 GET /v1/demands/{id} 相同：已发布的需求任何登录用户；待确认、已退回等未发布的需求仅限提交它的村账号、所在地区的办公室和管理员，其他人为 404。地址最多 5 分钟有效。',
      params: [demandId, { name: 'materialId', in: 'path', description: '附件编号（materials[].id）', required: true, schema: { type: 'string', minLength: 1 } }],
      ok: { status: 200, description: '下载地址', schema: ref('MaterialLink') },
      errors: { 404: '需求不存在或无权查看，或没有这个附件' },
    },
  },
  '/v1/demands/{id}/decision': {
    post: {
      summary: '确认村账号提交的需求（所在乡镇科协）',
      description:
        'approve 确认发布：需求变为 PUBLISHED，写入需求库的列表与检索，与办公室直接发布的相同；return 退回修改：须写意见并一次性列出全部问题（可指明字段），需求变为 RETURNED，村账号修改后以 PUT 重新提交；' +
        'reject 不予发布：须写意见，需求变为 REJECTED。村账号收到通知。两个决定同时到达时只有一个生效，另一个为 409。',
      params: [demandId],
      body: ref('DemandDecision'),
      ok: { status: 200, description: '决定后的需求', schema: ref('Demand') },
      errors: { 400: '内容有误（一次列出全部问题）', 403: '不是确认该需求的乡镇（或县）科协', 404: '不存在或无权查看', 409: '需求不在待确认状态（已被处理、撤回），或由办公室直接发布、无需确认' },
    },
  },
  '/v1/demands/{id}/withdraw': {
    post: {
      summary: '撤回需求（提交它的村账号）',
      description: '待确认或已退回的需求可由提交它的村账号撤回，状态变为 WITHDRAWN。',
      params: [demandId],
      ok: { status: 200, description: '已撤回的需求', schema: ref('Demand') },
      errors: { 403: '不是提交该需求的村账号', 404: '不存在或无权查看', 409: '需求已确认、已办结或已撤回' },
    },
  },
  '/v1/demands/{id}/responses': {
    post: {
      summary: '响应需求（持有有效证书的站点、协会所属单位）',
      description: '每个单位对同一需求只能响应一次；本单位持有多个有效证书时须以 certificateNo 指明以哪个站点响应。联系人取自该站点获批的申请表。',
      params: [demandId],
      body: ref('DemandResponseInput'),
      ok: { status: 201, description: '响应', schema: ref('DemandResponse') },
      errors: { 400: '内容有误', 403: '不是申请单位，或本单位没有有效证书', 404: '不存在或无权查看', 409: '本单位已响应过，或需求已不在征集中' },
    },
  },
  '/v1/demands/{id}/match': {
    post: {
      summary: '选定对接单位（发布需求的办公室）',
      description: '选定一个或多个响应（最多 10 个）：需求变为 MATCHED，被选定的单位收到通知，其证书的公开记录列出该需求。',
      params: [demandId],
      body: ref('DemandMatch'),
      ok: { status: 200, description: '已对接的需求', schema: ref('Demand') },
      errors: { 400: '响应编号有误', 403: '不是发布该需求的办公室', 404: '不存在或无权查看', 409: '需求已不在征集中' },
    },
  },
  '/v1/demands/{id}/close': {
    post: {
      summary: '办结评价（发布需求的办公室）',
      description: '写明完成情况并评价 1–5 星；1 星或 2 星须写明原因。只能评价一次；评价显示在对接单位证书的公开记录上。',
      params: [demandId],
      body: ref('DemandClose'),
      ok: { status: 200, description: '已办结的需求', schema: ref('Demand') },
      errors: { 400: '内容有误，或差评未写原因', 403: '不是发布该需求的办公室', 404: '不存在或无权查看', 409: '尚未对接，或已办结评价' },
    },
  },
  '/v1/gaps': {
    get: {
      summary: '行动方案的缺口：辖区下各市、县、乡镇或村还缺什么',
      description:
        '给出省（44）则列各地级市：几个县（区）尚无乡村振兴学会联合体科技服务站（count 为县数），以及全市已发布却尚无响应、其中超期的需求数（仅管理员和省级审批人员）；' +
        '给出市则列其下各县（区）：是否已有乡村振兴学会联合体科技服务站；给出县则列各乡镇：是否已有乡镇科协；给出乡镇则列各村：是否已有农技协；' +
        '并给出各县、乡镇已发布却尚无响应的需求数。审批人员默认本辖区（省级默认全省），管理员须给出。数据为审批和需求各自事务中维护的标记与计数，按键批量读取，不扫描。',
      params: [{ name: 'region', in: 'query', description: '省 44、市 4 位、县 6 位或乡镇 9 位区划代码', schema: { type: 'string' } }],
      ok: { status: 200, description: '各下级区划的缺口（一页列全）', schema: ref('GapPage') },
      errors: { 400: '区划代码有误或是村一级', 403: '不是审批人员或管理员，或不在本辖区（市、县、乡镇审批人员查询全省亦然）' },
    },
  },
  '/v1/stats': {
    get: { summary: '统计：按类型、地区的批准数及行动方案目标进度，及全省审批进度（pipeline）', ok: { status: 200, description: '统计', schema: ref('Stats') }, errors: { 403: '不是管理员' } },
  },
  '/v1/stats/pipeline': {
    get: {
      summary: '审批进度：一个省、市或县（区）的各级在办、超期、办理用时与退回修改',
      description:
        '各级待审批数及其中超期数（已过本级审批期限，按工作日）、退回修改待重新提交数、各级办理所用工作日的中位数与第 90 百分位、各类退回修改次数，及其下各市或各县（区）的在办与超期。' +
        '省级审批人员与管理员可查任一省、市、县（区），默认全省；县（区）审批人员只查本县（区）（默认）。数据为办理申请的同一事务维护的计数，按键读取，不扫描。',
      params: [{ name: 'region', in: 'query', description: '省 44、市 4 位或县 6 位区划代码', schema: { type: 'string' } }],
      ok: { status: 200, description: '该区划的审批进度', schema: ref('ScopePipeline') },
      errors: { 400: '区划代码有误或不是省、市、县一级', 403: '不是审批人员或管理员，是乡镇审批人员，或不在本辖区' },
    },
  },
};

/**
 * An operation's answers: its own, and those every operation of its kind may give. Any operation: 400 for a query
 * parameter it does not take (or one given twice), 429 when its caller (or, unauthenticated, its source address)
 * sends too many. Signed-in: 401. With a body: 413, 415. Using the store, the engine or the token keys: 503.
 */
function responsesOf(op: Operation): Json {
  const own = op.errors ?? {};
  const query = '查询参数有误：未列出的参数或重复的参数（issues 指明参数）';
  const statuses = {
    ...(op.public ? {} : { 401: '未登录或登录凭证无效' }),
    ...own,
    400: own[400] ? `${own[400]}；或${query}` : query,
    ...(op.body ? { 413: '请求体超过 256 KiB', 415: '请求体不是 application/json' } : {}),
    429: op.public ? '来自同一地址的请求过多，请按 Retry-After 稍后再试' : '请求过于频繁，请按 Retry-After 稍后再试',
    ...(op.builtIn ? {} : { 503: own[503] ?? '服务暂时不可用，请稍后重试' }),
  } as Record<number, string>;
  const responses: Json = {
    [op.ok.status]: {
      description: op.ok.description,
      ...(op.ok.headers ? { headers: op.ok.headers } : {}),
      ...(op.ok.schema ? { content: { [op.ok.contentType ?? 'application/json']: { schema: op.ok.schema } } } : {}),
    },
  };
  for (const status of Object.keys(statuses).map(Number).sort((a, b) => a - b)) responses[status] = error(status, statuses[status], op.codes?.[status]);
  return responses;
}

function operationObject(path: string, method: string, op: Operation): Json {
  return {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    parameters: (op.params ?? []).map((p) => ({ ...p, schema: p.schema ?? { type: 'string' } })),
    ...(op.body ? { requestBody: { required: true, ...json(op.body) } } : {}),
    responses: responsesOf(op),
  };
}

/** A submission's `materials`, its keys those of the type's list (forms/materials.ts). */
function materials(type: (typeof applicationTypes)[number]): Json {
  const { $schema: _root, ...list } = schema(submittedMaterials, 'input') as { items: { properties: Record<string, Json> } } & Json;
  const keys = materialsOf(type);
  return {
    ...list,
    description: `${list.description ?? ''}。本类材料：${keys.map((m) => `${m.key}（${m.name}${m.required ? '，必交' : ''}${m.multiple ? '，可多个' : ''}）`).join('、')}`,
    items: { ...list.items, properties: { ...list.items.properties, key: { ...list.items.properties.key, enum: keys.map((m) => m.key) } } },
  };
}

/** `{ type: <one type>, regionCode, form: Form_<type>, materials? }` for each type, and the union of them, discriminated by `type`. */
function submissionSchemas(): Json {
  const envelope = schema(submissionSchema, 'input') as { properties: Record<string, Json>; title?: string };
  const perType = Object.fromEntries(
    applicationTypes.map((type) => [
      `Submission_${type}`,
      {
        type: 'object',
        title: `${catalogue[type].name}申请`,
        properties: {
          type: { const: type, title: envelope.properties.type.title },
          regionCode: { ...envelope.properties.regionCode, description: `承办地区代码：${catalogue[type].hostLevels.map((l) => regionLevelNames[l]).join('或')}` },
          form: ref(`Form_${type}`),
          materials: materials(type),
        },
        required: ['type', 'regionCode', 'form'],
        additionalProperties: false,
      },
    ]),
  );
  return {
    Submission: {
      title: envelope.title,
      description:
        '按 type 选用对应的申请表（GET /v1/forms）。跨字段的规则（如学会科技服务站的依托单位须含学会）、统一社会信用代码的校验位、承办地区是否存在等在提交时检查，不符时 400 逐项列出。',
      oneOf: applicationTypes.map((type) => ref(`Submission_${type}`)),
      discriminator: { propertyName: 'type', mapping: Object.fromEntries(applicationTypes.map((type) => [type, `#/components/schemas/Submission_${type}`])) },
    },
    ...perType,
  };
}

/**
 * A decision for each action, and the union of them, discriminated by `action`: reject and return need a comment
 * (not only spaces), return the list of problems too (functions/http/schemas.ts decisionSchema's rules).
 */
function decisionSchemas(): Json {
  const base = schema(decisionSchema, 'input') as { properties: Record<string, Json>; title?: string };
  const { action, comment, issues } = base.properties;
  const needed = { ...comment, pattern: '\\S' };
  const variant = (name: 'approve' | 'reject' | 'return', title: string, description: string, required: string[]) => ({
    type: 'object',
    title,
    description,
    properties: {
      action: { const: name, title: action.title },
      comment: required.includes('comment') ? needed : comment,
      issues: required.includes('issues') ? { ...issues, minItems: 1 } : issues,
    },
    required: ['action', ...required],
    additionalProperties: false,
  });
  return {
    Decision: {
      title: base.title,
      description: action.description,
      oneOf: ['approve', 'reject', 'return'].map((name) => ref(`Decision_${name}`)),
      discriminator: { propertyName: 'action', mapping: Object.fromEntries(['approve', 'reject', 'return'].map((name) => [name, `#/components/schemas/Decision_${name}`])) },
    },
    Decision_approve: variant('approve', '通过', '意见可选', []),
    Decision_reject: variant('reject', '不予通过', '须填写意见', ['comment']),
    Decision_return: variant('return', '退回修改', '须填写意见，并一次性列出全部问题（一次性告知）', ['comment', 'issues']),
  };
}

function withDemands(certificate: Json): Json {
  const demands = { description: '该站点承接的需求（需求库），办结的带评价；最近 50 条', type: 'array', items: (({ $schema: _, ...rest }) => rest)(schema(certificateDemandSchema)) };
  return { ...certificate, properties: { ...(certificate.properties as Json), demands } };
}

/** The document, from the schemas as they are now. */
export function buildOpenApiDocument(): Json {
  const forms = Object.fromEntries(applicationTypes.map((type) => [`Form_${type}`, formJsonSchema(type)]));
  const resubmission = schema(resubmissionSchema, 'input');
  (resubmission.properties as Json).form = {
    title: '修改后的申请表',
    description: '该申请类型的申请表（Form_<type>，type 为申请的类型）',
    anyOf: applicationTypes.map((type) => ({ ...ref(`Form_${type}`), title: catalogue[type].name })),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: '广东省科协“科技工作者上山下乡”站点与协会申报审批平台 API',
      version: '1',
      description:
        '乡镇 → 县（区） → 省 逐级审批。错误统一为 { error, message, issues? }，时间为 ISO 8601 UTC。' +
        '每个接口只接受所列的查询参数：未列出的或重复的参数一律 400（validation，issues 指明参数）。' +
        '所列路径上不支持的方法一律 405（method_not_allowed），Allow 头列出可用的方法（见 components.responses.MethodNotAllowed）。' +
        '请求体一律为 application/json。',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: Object.fromEntries(
      Object.entries(operations).map(([path, methods]) => [
        path,
        Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, operationObject(path, method, op)])),
      ]),
    ),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '部署环境由 Cognito 签发；本地由 POST /v1/dev/token 签发' } },
      responses: {
        MethodNotAllowed: {
          ...error(405, '该路径不支持这个方法'),
          headers: { Allow: { description: '该路径可用的方法，如 GET, HEAD', required: true, schema: { type: 'string' } } },
        },
      },
      schemas: {
        ...submissionSchemas(),
        ...forms,
        ...decisionSchemas(),
        Resubmission: resubmission,
        Application: schema(applicationSchema),
        // A material needs its type and a type its material (uploadRequestSchema's refinement), as JSON Schema says it.
        UploadRequest: { ...schema(uploadRequestSchema, 'input'), dependentRequired: { material: ['type'], type: ['material'] } },
        UploadSlot: schema(uploadSlotSchema),
        Upload: schema(uploadViewSchema),
        MaterialLink: schema(materialLinkSchema),
        ApplicationPage: schema(page(z.omit(applicationSchema, { history: true }))),
        DecidedPage: schema(page(decidedSchema)),
        BatchApproval: schema(batchApprovalSchema, 'input'),
        BatchApprovalResult: schema(batchApprovalResultSchema),
        Progress: schema(progressSchema),
        RegistryRecord: schema(registryRecordSchema),
        RegistryPage: schema(page(registryRecordSchema)),
        // The needs a station took on (需求库) are answered by the public route beside the certificate's fields; their
        // schema lives with the demand library's, out of the bundles that read schemas.ts.
        Certificate: withDemands(schema(certificateSchema)),
        Revocation: schema(revocationSchema, 'input'),
        Dissolution: schema(dissolutionSchema, 'input'),
        AnnualReportSubmission: schema(annualReportSubmission, 'input'),
        CertificateChangeSubmission: schema(certificateChangeSubmission, 'input'),
        CertificateRenewalSubmission: schema(certificateRenewalSubmission, 'input'),
        CertificateHistory: schema(certificateHistorySchema),
        Stats: schema(statsSchema),
        ScopePipeline: schema(scopePipelineSchema),
        DemandInput: schema(demandInputSchema, 'input'),
        Demand: schema(demandSchema),
        DemandPage: schema(demandPageSchema),
        DemandResponseInput: schema(demandResponseInputSchema, 'input'),
        DemandResponse: schema(demandResponseViewSchema),
        DemandMatch: schema(demandMatchSchema, 'input'),
        DemandDecision: schema(demandDecisionSchema, 'input'),
        DemandClose: schema(demandCloseSchema, 'input'),
        GapPage: schema(gapPageSchema),
        OfficeCommentsInput: schema(officeCommentsInputSchema, 'input'),
        OfficeComments: schema(officeCommentsSchema),
        DraftCreate: schema(draftCreateSchema, 'input'),
        DraftSave: schema(draftSaveSchema, 'input'),
        Draft: schema(draftSchema),
        DraftPage: schema(page(draftSummarySchema)),
        Availability: schema(availabilitySchema),
        NotificationPage: schema(notificationPageSchema),
        NotificationRead: schema(notificationReadSchema),
        NotificationsRead: schema(notificationsReadSchema),
        Urge: schema(urgeSchema),
        ChannelSettings: schema(channelSettingsSchema, 'input'),
        ChannelSettingsView: schema(channelSettingsViewSchema),
        FailedDeliveryPage: schema(page(failedDeliverySchema)),
        Region: schema(regionSchema),
        CatalogueEntry: schema(catalogueEntrySchema),
        Error: schema(errorSchema),
      },
    },
  };
}

/** Where the functions read the document (functions/http/openapi.ts), and what the test compares with. */
export const openApiDocumentFile = fileURLToPath(new URL('./openapi-document.json', import.meta.url));

/** The file's text: two-space JSON and a final newline, so a change to a form shows as a readable diff. */
export const openApiDocumentText = (doc: Json = buildOpenApiDocument()) => `${JSON.stringify(doc, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(openApiDocumentFile, openApiDocumentText());
  console.log(`wrote ${openApiDocumentFile}`);
}

