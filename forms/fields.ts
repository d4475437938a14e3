// Field builders: each field carries its Chinese label (the JSON Schema `title`) and gives Chinese messages that name it.
// zod/mini, not classic zod: the same checks and JSON Schema, without classic's methods and its JSON Schema
// processors in every Lambda bundle (the document is built at build time: functions/http/openapi-build.ts).
import * as z from 'zod/mini';
import { creditCodeProblem, MAINLAND_MOBILE } from './credit-code.js';
import { plainText } from './plain-text.js';
import { cstDate } from '../functions/domain/china-time.js';

type Option = { const: string; title: string };

function metaOf(schema: unknown): { title?: string; oneOf?: Option[] } {
  return (schema && z.globalRegistry.get(schema as z.core.$ZodType)) || {};
}

const typeNames: Record<string, string> = { string: '文本', number: '数字', int: '整数' };

const unknownFieldsMessage = (keys: PropertyKey[]) => `不允许的字段：${keys.map(String).join('、')}`;

export interface FieldIssue {
  /** Dotted, e.g. 'form.contact.mobile' or 'form.experts.0.name'. */
  path: string;
  message: string;
}

/** zod's issues as the API lists them: a dotted path under `basePath`, and one issue per unknown key. */
export function fieldIssues(error: z.core.$ZodError, basePath = ''): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const pathTo = (...more: PropertyKey[]) =>
      [basePath, ...issue.path, ...more].filter((p) => p !== '').map(String).join('.');
    // One issue per unknown key, so each points at the field to remove.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: pathTo(key), message: unknownFieldsMessage([key]) }));
    }
    const path = pathTo();
    // Every message a user reads is Chinese: one zod wrote itself (a schema without its own, as for a body that is
    // an array or null) is said again in Chinese.
    const message = /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : path === basePath ? '请求体须为 JSON 对象（{…}）' : '该字段格式不正确';
    return [{ path, message }];
  });
}

/** The one error map of the forms: a message from the failing field's label and what failed. */
export const zhError: z.core.$ZodErrorMap = (iss) => {
  const label = metaOf(iss.schema ?? iss.inst).title ?? '该字段';
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input == null) return `请填写${label}`;
      return iss.expected in typeNames ? `${label}须为${typeNames[iss.expected]}` : `${label}格式不正确`;
    case 'too_small':
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? `${label}不能为空` : `${label}至少${iss.minimum}个字`;
      if (iss.origin === 'array') return `${label}至少填写${iss.minimum}项`;
      return `${label}不能小于${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'string') return `${label}最多${iss.maximum}个字`;
      if (iss.origin === 'array') return `${label}最多填写${iss.maximum}项`;
      return `${label}不能大于${iss.maximum}`;
    case 'invalid_format':
      return iss.format === 'date' ? `${label}须为有效日期，如2024-05-01` : `${label}格式不正确`;
    case 'invalid_value': {
      if (iss.input == null) return `请选择${label}`;
      const options = metaOf(iss.schema ?? iss.inst).oneOf;
      return `${label}须为以下之一：${options ? options.map((o) => o.title).join('、') : iss.values.join('、')}`;
    }
    case 'unrecognized_keys':
      return unknownFieldsMessage(iss.keys);
    default:
      return `${label}无效`;
  }
};

const e = { error: zhError };
const meta = (title: string, description?: string) => (description ? { title, description } : { title });

/** The label (and description) the messages and the JSON Schema read, as classic zod's `.meta()` sets it. */
export function labelled<T extends z.ZodMiniType>(schema: T, data: { title?: string; description?: string; [key: string]: unknown }): T {
  z.globalRegistry.add(schema, data);
  return schema;
}

/** A text a person types; one longer than a line (over 200 characters) may hold line breaks. */
export function text(title: string, min: number, max: number, description?: string) {
  return labelled(z.string(e).check(...plainText(title, max > 200), z.minLength(min), z.maxLength(max)), meta(title, description));
}

export function mobile(title: string) {
  return labelled(z.string(e).check(z.trim(), z.regex(MAINLAND_MOBILE, `${title}须为11位中国大陆手机号`)), meta(title, '11位中国大陆手机号'));
}

export function email(title: string) {
  return labelled(z.string(e).check(z.trim(), z.maxLength(254), z.email(e)), meta(title));
}

export function creditCode(title: string) {
  const code = z.string(e).check(
    z.trim(),
    z.regex(/^[0-9A-HJ-NP-RTUW-Y]{18}$/, { error: `${title}须为18位数字或大写字母（不含I、O、Z、S、V）`, abort: true }),
    z.superRefine((code: string, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem === 'check') ctx.addIssue(`${title}校验位不正确，请核对`);
      else if (problem) ctx.addIssue(`${title}的登记管理部门码、机构类别码或行政区划码无效`);
    }),
  );
  return labelled(code, meta(title, '18位，见营业执照或登记证书'));
}

const todayInChina = () => cstDate(new Date());

export function pastDate(title: string) {
  return labelled(z.iso.date(e).check(z.refine((d: string) => d <= todayInChina(), `${title}不能晚于今天`)), meta(title, '格式如2024-05-01'));
}

export function count(title: string, min: number, max: number, description?: string) {
  return labelled(z.int(e).check(z.gte(min), z.lte(max)), meta(title, description));
}

export function list<T extends z.ZodMiniType>(title: string, item: T, min: number, max: number, description?: string) {
  return labelled(z.array(item, e).check(z.minLength(min), z.maxLength(max)), meta(title, description));
}

export function group<S extends z.core.$ZodLooseShape>(title: string, shape: S, description?: string) {
  return labelled(z.strictObject(shape, e), meta(title, description));
}

/** A choice among ids, each with its Chinese label (rendered as JSON Schema `oneOf` of `const`/`title`). */
export function choice<K extends string>(title: string, options: Record<K, string>, description?: string) {
  const ids = Object.keys(options) as [K, ...K[]];
  const oneOf: Option[] = ids.map((id) => ({ const: id, title: options[id] }));
  return labelled(z.enum(ids, e), { ...meta(title, description), oneOf });
}

/**
 * For cross-field rules: zod skips a refinement once another field has failed, but officials want
 * every problem at once (一次性告知). A rule given this runs whenever the form is an object, so it
 * must read its fields defensively: they may hold the raw, invalid input.
 */
export const evenWithOtherProblems = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};
