// Drafts' request and response shapes (草稿), apart from schemas.ts: only the API's draft routes and the OpenAPI build
// use them. A draft's form is taken as typed so far (its fields are checked when it is submitted), so the shapes
// here bound only its size and its references.
import * as z from 'zod/mini';
import { applicationTypes, catalogue } from '#forms/catalogue.js';
import { group, labelled, list, zhError } from '#forms/fields.js';
import { MAX_DRAFTS } from '../domain/drafts.js';
import { meta } from './schemas.js';

const e = { error: zhError };

const draftType = meta(z.enum(applicationTypes, { error: `申报类型须为 ${applicationTypes.join('、')} 之一` }), {
  title: '申报类型',
  description: applicationTypes.map((t) => `${t} ${catalogue[t].name}`).join(' / '),
});

/** Any level chosen so far (a picker half way down is saved as it is), or none. */
const draftRegion = labelled(z.string(e).check(z.regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})?$/, '所在区划须为区划代码（2、4、6、9 或 12 位数字），未选时为空')), {
  title: '所在区划',
  description: '已选到的一级区划代码；未选为空字符串',
});

/** Keys a stored form may not have: they mean something to JavaScript objects, nothing to a form. */
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);
/** DynamoDB's numbers as the SDK writes them: integers within JavaScript's safe range, other numbers not too small. */
const storableNumber = (n: number) => Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Number.isInteger(n) || Math.abs(n) >= 1e-100);

/**
 * The problems of a value typed so far that the store could not keep as it is, each at its path: a number out of
 * range, an empty or reserved key (JSON.parse keeps `__proto__` as an own key, which the SDK will not marshal).
 */
function unstorable(value: unknown, path: (string | number)[], out: { path: (string | number)[]; message: string }[]): void {
  if (out.length >= 20) return;
  if (typeof value === 'number') {
    if (!storableNumber(value)) out.push({ path, message: `数值 ${String(value).slice(0, 24)} 超出可保存的范围` });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => unstorable(item, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (!key) out.push({ path, message: '栏目名不能为空' });
      else if (reservedKeys.has(key)) out.push({ path: [...path, key], message: `栏目名不能为 ${key}` });
      else unstorable((value as Record<string, unknown>)[key], [...path, key], out);
    }
  }
}

/** How the OpenAPI document shows a value checked as sent before it is parsed: an object of any fields. */
function asObject<T extends z.ZodMiniType>(schema: T): T {
  z.globalRegistry.add(schema, { type: 'object', additionalProperties: {} } as unknown as z.core.GlobalMeta);
  return schema;
}

const draftForm = labelled(
  // Looked at as sent (a record's parse would drop a `__proto__` key before a check saw it), then taken as a record.
  z.pipe(
    asObject(z.unknown()).check(
      z.superRefine((form, ctx) => {
        const problems: { path: (string | number)[]; message: string }[] = [];
        unstorable(form, [], problems);
        for (const problem of problems) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: undefined });
      }),
    ),
    z.record(z.string(), z.unknown(), e),
  ),
  { title: '申请表（填写中）', description: '已填写的部分；提交时才逐项检查（数值须在可保存的范围内，栏目名不能为空或 __proto__、constructor、prototype）' },
);

const draftMaterial = group('草稿中的文件', {
  key: labelled(z.string(e).check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, '材料代码须为材料清单中的 key，如 member-roster')), { title: '材料代码' }),
  uploadId: labelled(z.string(e).check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '上传编号须为服务器给出的 26 位编号')), {
    title: '上传编号',
    description: 'POST /v1/uploads 给出的 uploadId',
  }),
});

const draftMaterials = list('申报材料', draftMaterial, 0, 40, '已上传的文件：保存草稿时这些上传随草稿保留');

/** POST /v1/drafts. */
export const draftCreateSchema = meta(
  z.strictObject({ type: draftType, regionCode: z.optional(draftRegion), form: z.optional(draftForm), materials: z.optional(draftMaterials) }, e),
  { title: '新建草稿', description: `每个申请单位最多保留 ${MAX_DRAFTS} 份草稿` },
);

/** PUT /v1/drafts/{id}: the whole draft again, over the version it was read at. */
export const draftSaveSchema = meta(
  z.strictObject(
    {
      version: labelled(z.number(e).check(z.int(), z.gte(1), z.lte(1_000_000_000)), { title: '草稿版本', description: '读取（或上次保存）时的 version；已被他处保存则 409' }),
      regionCode: z.optional(draftRegion),
      form: z.optional(draftForm),
      materials: z.optional(draftMaterials),
    },
    e,
  ),
  { title: '保存草稿' },
);

const draftMaterialView = meta(
  z.object({
    key: z.string(),
    uploadId: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number(),
    status: meta(z.enum(['pending', 'ready', 'refused', 'gone']), { description: 'pending 检查中 / ready 可提交 / refused 未通过 / gone 已过期或已被使用' }),
    reason: z.optional(z.string()),
  }),
  { title: '草稿中的文件' },
);

const summaryShape = {
  id: z.string(),
  type: draftType,
  typeName: z.string(),
  title: meta(z.string(), { description: '已填写的名称（form.name），未填为空' }),
  regionCode: z.string(),
  version: z.number(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.object({ name: z.string() }),
  expiresAt: meta(z.iso.datetime(), { description: '最后一次保存后保留 30 天，到期自动删除' }),
};

export const draftSummarySchema = meta(z.object({ ...summaryShape, materials: meta(z.number(), { description: '已附文件数' }) }), { title: '草稿（列表项）' });

export const draftSchema = meta(
  z.object({
    ...summaryShape,
    form: z.record(z.string(), z.unknown()),
    materials: z.array(draftMaterialView),
    dropped: meta(z.optional(z.array(z.object({ path: z.string(), message: z.string() }))), {
      description: '保存时未能随草稿保留的文件（已过期、已被使用或未通过检查），各自说明',
    }),
  }),
  { title: '草稿' },
);

export const availabilitySchema = meta(
  z.object({
    type: draftType,
    regionCode: z.string(),
    regionName: z.string(),
    unique: meta(z.boolean(), { description: '该类型是否每个地区只能设立一个' }),
    available: z.boolean(),
    message: meta(z.nullable(z.string()), { description: '不可申请时的原因（与提交时 409 duplicate 的说明相同）' }),
  }),
  { title: '承办地区可否申请' },
);

export type DraftCreate = z.output<typeof draftCreateSchema>;
export type DraftSave = z.output<typeof draftSaveSchema>;
