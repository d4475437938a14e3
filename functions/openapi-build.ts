// Builds the OpenAPI 3.1 document of the whole API from the same zod schemas that validate requests (forms/ for the
// forms, functions/schemas.ts for the rest) and writes it to functions/openapi-document.json, which the functions serve
// (functions/openapi.ts): zod's JSON Schema generation (~20 KiB) and this table stay out of the Lambda bundles.
// test/unit/openapi.test.ts fails when the file is stale. Run: npx tsx functions/openapi-build.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { applicationTypes, catalogue, formJsonSchema, submissionSchema } from '../forms/catalogue.js';
import { fileKinds } from '../forms/materials.js';
import {
  applicationSchema,
  decisionSchema,
  errorSchema,
  page,
  regionSchema,
  registryRecordSchema,
  resubmissionSchema,
} from './schemas.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodMiniType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: Json) => ({ content: { 'application/json': { schema: s } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });

interface Operation {
  summary: string;
  description?: string;
  public?: boolean;
  params?: { name: string; in: 'path' | 'query' | 'header'; description: string; required?: boolean; schema?: Json }[];
  body?: Json;
  ok: { status: number; description: string; schema?: Json; contentType?: string };
  errors?: Record<number, string>;
}

const pageParams: Operation['params'] = [
  { name: 'limit', in: 'query', description: '每页条数，默认 20，最多 100', schema: { type: 'integer', minimum: 1, maximum: 100 } },
  { name: 'cursor', in: 'query', description: '上一页返回的 cursor', schema: { type: 'string' } },
];
const registryParams: Operation['params'] = [
  { name: 'type', in: 'query', description: '申请类型', schema: { enum: [...applicationTypes] } },
  { name: 'region', in: 'query', description: '任一级区划代码（市、县、乡镇、村），匹配其下全部', schema: { type: 'string' } },
  { name: 'from', in: 'query', description: '批准日期起（含），如 2026-11-29（北京时间）或 ISO 8601 时间', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: '批准日期止（含）', schema: { type: 'string' } },
];
const id = { name: 'id', in: 'path' as const, description: '申请编号', required: true };

const operations: Record<string, Record<string, Operation>> = {
  '/v1/health': { get: { summary: '健康检查', public: true, ok: { status: 200, description: '存储与流程引擎均可用', schema: { type: 'object', properties: { ok: { const: true } } } }, errors: { 503: '暂不可用' } } },
  '/v1/openapi.json': { get: { summary: '本接口文档（OpenAPI 3.1）；可浏览版本见 /docs', public: true, ok: { status: 200, description: 'OpenAPI 文档', schema: { type: 'object' } } } },
  '/v1/forms': { get: { summary: '申请类型目录及各类申请表的 JSON Schema', public: true, ok: { status: 200, description: '九类申请', schema: { type: 'array', items: ref('CatalogueEntry') } } } },
  '/v1/regions/{code}': {
    get: {
      summary: '行政区划及其下级',
      public: true,
      params: [{ name: 'code', in: 'path', description: '统计用区划代码，广东省为 44', required: true }],
      ok: { status: 200, description: '区划', schema: ref('Region') },
      errors: { 404: '没有这个区划' },
    },
  },
  '/v1/applications': {
    post: {
      summary: '提交申请',
      description: '申请单位提交。同一 Idempotency-Key（按调用者区分）重复提交返回第一次的结果，不会产生第二份申请。',
      params: [{ name: 'Idempotency-Key', in: 'header', description: '幂等键，1–128 个可见 ASCII 字符', schema: { type: 'string' } }],
      body: ref('Submission'),
      ok: { status: 201, description: '已受理，进入第一级审批', schema: ref('Application') },
      errors: { 400: '内容有误（一次列出全部问题）', 401: '未登录', 403: '不是申请单位', 409: '该地区已有同类站点或协会（duplicate）', 413: '请求体超过 256 KiB', 422: '同一 Idempotency-Key 用于不同内容' },
    },
    get: {
      summary: '申请列表',
      description: '申请单位：本单位的；审批人员：本辖区的；管理员：全部。',
      params: [{ name: 'status', in: 'query', description: '按状态筛选', schema: { enum: ['PENDING', 'RETURNED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] } }, ...pageParams],
      ok: { status: 200, description: '一页申请（不含办理记录）', schema: ref('ApplicationPage') },
    },
  },
  '/v1/applications/{id}': {
    get: { summary: '申请详情及办理记录', params: [id], ok: { status: 200, description: '申请', schema: ref('Application') }, errors: { 404: '不存在或无权查看' } },
    put: {
      summary: '修改后重新提交（被退回的申请）',
      params: [id],
      body: ref('Resubmission'),
      ok: { status: 200, description: '回到退回它的那一级', schema: ref('Application') },
      errors: { 400: '内容有误', 403: '不是申请单位本身', 404: '不存在或无权查看', 409: '不是退回状态' },
    },
  },
  '/v1/applications/{id}/withdraw': {
    post: { summary: '撤回申请', params: [id], ok: { status: 200, description: '已撤回', schema: ref('Application') }, errors: { 403: '不是申请单位本身', 409: '已办结' } },
  },
  '/v1/applications/{id}/decision': {
    post: {
      summary: '审批决定：通过、不予通过、退回修改',
      params: [id],
      body: ref('Decision'),
      ok: { status: 200, description: '已记录，流程进入下一步', schema: ref('Application') },
      errors: { 400: '缺少意见或问题清单、字段不允许', 403: '不是审批人员', 404: '不存在或不在本辖区', 409: '不是在等待本级审批', 503: '决定已记录，流程推进暂时失败，系统将自动重试' },
    },
  },
  '/v1/tasks': { get: { summary: '待办：等待本级本辖区审批的申请，最早的在前', params: pageParams, ok: { status: 200, description: '一页待办', schema: ref('ApplicationPage') }, errors: { 403: '不是审批人员' } } },
  '/v1/registry': {
    get: { summary: '备案登记查询（最新的在前）', params: [...registryParams, ...pageParams], ok: { status: 200, description: '一页记录', schema: ref('RegistryPage') }, errors: { 403: '无权查询' } },
  },
  '/v1/registry/export': {
    get: { summary: '导出备案登记（CSV，UTF-8 带 BOM，Excel 可直接打开）', params: registryParams, ok: { status: 200, description: 'CSV 文件', contentType: 'text/csv', schema: { type: 'string' } }, errors: { 403: '无权导出' } },
  },
  '/v1/certificates/{certificateNo}': {
    get: {
      summary: '证书核验（任何人）',
      public: true,
      params: [{ name: 'certificateNo', in: 'path', description: '证书编号，如 GDKX-2026-000123 或 粤科协备〔2026〕000123号', required: true }],
      ok: { status: 200, description: '有效证书的公开信息', schema: { allOf: [{ type: 'object', properties: { valid: { const: true } } }, ref('RegistryRecord')] } },
      errors: { 404: '没有这个证书编号' },
    },
  },
  '/v1/stats': { get: { summary: '统计：按类型、地区的批准数及行动方案目标进度', ok: { status: 200, description: '统计', schema: { type: 'object' } }, errors: { 403: '不是管理员' } } },
};

function operationObject(path: string, method: string, op: Operation): Json {
  const responses: Json = {
    [op.ok.status]: { description: op.ok.description, ...(op.ok.schema ? { content: { [op.ok.contentType ?? 'application/json']: { schema: op.ok.schema } } } : {}) },
  };
  if (!op.public) Object.assign(responses, { 401: error('未登录或登录凭证无效') });
  for (const [status, description] of Object.entries(op.errors ?? {})) responses[status] = error(description);
  return {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    parameters: (op.params ?? []).map((p) => ({ ...p, schema: p.schema ?? { type: 'string' } })),
    ...(op.body ? { requestBody: { required: true, ...json(op.body) } } : {}),
    responses,
  };
}

/** The document, from the schemas as they are now. */
export function buildOpenApiDocument(): Json {
  const forms = Object.fromEntries(applicationTypes.map((type) => [`Form_${type}`, formJsonSchema(type)]));
  const submission = schema(submissionSchema, 'input');
  (submission.properties as Json).form = {
    title: '申请表',
    description: '按 type 选用对应的申请表',
    oneOf: applicationTypes.map((type) => ({ ...ref(`Form_${type}`), title: catalogue[type].name })),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: '广东省科协“科技工作者上山下乡”站点与协会申报审批平台 API',
      version: '1',
      description: '乡镇 → 县（区） → 省 逐级审批。错误统一为 { error, message, issues? }，时间为 ISO 8601 UTC。',
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
      schemas: {
        Submission: submission,
        ...forms,
        Decision: schema(decisionSchema, 'input'),
        Resubmission: schema(resubmissionSchema, 'input'),
        Application: schema(applicationSchema),
        ApplicationPage: schema(page(z.omit(applicationSchema, { history: true }))),
        RegistryRecord: schema(registryRecordSchema),
        RegistryPage: schema(page(registryRecordSchema)),
        Region: schema(regionSchema),
        Error: schema(errorSchema),
        CatalogueEntry: {
          type: 'object',
          properties: {
            type: { enum: [...applicationTypes] },
            name: { type: 'string' },
            description: { type: 'string' },
            hostLevels: { type: 'array', items: { type: 'string' } },
            unique: { type: 'boolean', description: '每个承办地区只能设立一个' },
            schema: { type: 'object', description: '该类型申请表的 JSON Schema' },
            materials: {
              type: 'array',
              description: '申报材料清单（forms/materials.ts）',
              items: {
                type: 'object',
                required: ['key', 'name', 'required', 'accept', 'maxBytes'],
                properties: {
                  key: { type: 'string', description: '提交时 materials[].key；退回时问题路径 materials.<key>' },
                  name: { type: 'string' },
                  hint: { type: 'string' },
                  required: { type: 'boolean' },
                  accept: { type: 'array', items: { enum: Object.values(fileKinds).map((k) => k.mime) }, description: '按文件内容判断类型，不看文件名' },
                  maxBytes: { type: 'integer' },
                  multiple: { type: 'boolean', description: '可上传多个文件' },
                  template: { type: 'string', description: '模板下载地址（网页同源）' },
                },
              },
            },
          },
        },
      },
    },
  };
}

/** Where the functions read the document (functions/openapi.ts), and what the test compares with. */
export const openApiDocumentFile = fileURLToPath(new URL('./openapi-document.json', import.meta.url));

/** The file's text: two-space JSON and a final newline, so a change to a form shows as a readable diff. */
export const openApiDocumentText = (doc: Json = buildOpenApiDocument()) => `${JSON.stringify(doc, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(openApiDocumentFile, openApiDocumentText());
  console.log(`wrote ${openApiDocumentFile}`);
}

