// Pure helpers over a form value and its JSON Schema: paths as the API spells them, empty values, pruning, field titles.
import type { FormType, JsonSchema } from './types';

export type Path = (string | number)[];

/** `['contact', 'mobile']` → `form.contact.mobile`, as the API's validation issues name a field. */
export const issuePath = (path: Path) => ['form', ...path].join('.');

/** A DOM id for the input of a path. */
export const fieldId = (path: Path) => `f-${path.join('-')}`;

export function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A copy of `value` with `next` at `path`; `undefined` removes an object's key. */
export function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [key, ...rest] = path;
  const container = (Array.isArray(value) ? [...value] : { ...((value ?? {}) as object) }) as Record<string | number, unknown>;
  if (next === undefined && rest.length === 0 && !Array.isArray(container)) delete container[key!];
  else container[key!] = setAt(container[key!], rest, next);
  return container;
}

/** What a new form starts with: required objects present, each array with its minimum number of rows. */
export function emptyValue(schema: JsonSchema): unknown {
  if (schema.type === 'object') {
    const value: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      const required = schema.required?.includes(key) ?? false;
      if (child.type === 'object' && !required) continue;
      const initial = emptyValue(child);
      if (initial !== undefined) value[key] = initial;
    }
    return value;
  }
  if (schema.type === 'array') {
    if (schema.items?.oneOf) return [];
    return Array.from({ length: schema.minItems ?? 0 }, () => emptyValue(schema.items ?? {}) ?? '');
  }
  return undefined;
}

/** Drops what was left blank so the API reports "请填写…" for it, keeping rows and objects so each field gets its own message. */
export function prune(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (Array.isArray(value)) return value.map((item) => prune(item) ?? (typeof item === 'string' ? '' : item));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = prune(child);
      if (pruned !== undefined) out[key] = pruned;
    }
    return out;
  }
  return value;
}

export interface FieldTitle {
  path: string;
  title: string;
}

/** Every leaf field and group with its Chinese title, as `form.x.y` paths (arrays as a whole). */
export function fieldTitles(schema: JsonSchema, path: Path = []): FieldTitle[] {
  const out: FieldTitle[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const here = [...path, key];
    const title = child.title ?? key;
    if (child.type === 'object') out.push(...fieldTitles(child, here).map((f) => ({ ...f, title: f.title.startsWith(title) ? f.title : `${title} · ${f.title}` })));
    else out.push({ path: issuePath(here), title });
  }
  return out;
}

/** The Chinese title for an API path: `form.contact.mobile` → 联系人手机号, `form.experts.0.name` → 专家名单 · 第1项 · 专家姓名. */
export function titleOf(schema: JsonSchema, apiPath: string): string {
  if (apiPath === 'regionCode') return '所在区划';
  const parts = apiPath.split('.').filter(Boolean);
  if (parts[0] === 'form') parts.shift();
  const words: string[] = [];
  let current: JsonSchema | undefined = schema;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    if (current?.type === 'array') {
      words.push(`第${Number(part) + 1}项`);
      current = current.items;
      return;
    }
    current = current?.properties?.[part];
    // A group's own title is left out: its fields' titles already say it (联系人手机号).
    if (last || current?.type === 'array') words.push(current?.title ?? part);
  });
  return words.join(' · ') || '申请表';
}

/** The Chinese title of an API path: a material's name for `materials.<key>`, the form field's otherwise. */
export function pathTitle(formType: FormType, path: string): string {
  if (path === 'materials') return '申报材料';
  if (!path.startsWith('materials.')) return titleOf(formType.schema, path);
  const key = path.slice('materials.'.length);
  return `申报材料 · ${formType.materials.find((m) => m.key === key)?.name ?? key}`;
}
