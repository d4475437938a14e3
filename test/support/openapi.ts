// Test support for checking the API against its own OpenAPI document: a validator for any schema in the document
// (ajv, draft 2020-12, with formats), fast-check arbitraries of values a schema accepts and of variants it refuses,
// and the rules that say whether a request is one the document accepts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';

type Json = Record<string, any>;

export interface ParameterDoc {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Json;
}

export interface ResponseDoc {
  description: string;
  headers?: Record<string, { required?: boolean; schema: Json }>;
  content?: Record<string, { schema: Json }>;
}

export interface OperationDoc {
  operationId: string;
  security?: unknown[];
  parameters: ParameterDoc[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, ResponseDoc>;
}

export interface Document {
  paths: Record<string, Record<string, OperationDoc>>;
  components: { schemas: Record<string, Json>; responses: Record<string, ResponseDoc> };
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** A JSON pointer's segment. */
const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
export const pointer = (...segments: (string | number)[]) => `#/${segments.map((s) => escape(String(s))).join('/')}`;

/**
 * Validates values against schemas found in the document by their JSON pointer, so every `$ref` inside resolves
 * against the document as it is served. Errors come back as short lines: `/form/contact/mobile must match pattern`.
 */
export function documentValidator(doc: Document) {
  // strict: false: the document's schemas carry OpenAPI's own keywords (discriminator) beside JSON Schema's.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  // A CommonJS module: its function is the default export's `default`.
  formats.default(ajv);
  ajv.addSchema(structuredClone(doc) as object, 'openapi.json');
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (at: string, value: unknown): string[] => {
    let validate = compiled.get(at);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json${at}` });
      compiled.set(at, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e: { instancePath: string; message?: string; params?: object }) => `${e.instancePath || '(root)'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
  };
}

/** The schema a pointer names, its `$ref`s followed. */
function resolve(doc: Document, schema: Json): Json {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const path = (current.$ref as string).replace(/^#\//, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    current = path.reduce<any>((node, key) => node?.[key], doc);
  }
  return current;
}

/**
 * Values the schema should accept, generated from it: const and enum, oneOf/anyOf (one member), objects with their
 * required and some optional properties, strings of their pattern (fast-check's stringMatching) and length, numbers
 * in range, arrays of their length. Not every value is valid (a pattern and a length together, a format): callers
 * validate and keep the valid ones.
 */
export function valueOf(doc: Document, input: Json, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, input);
  if (!schema || depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const union = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(union)) {
    // A labelled choice ({ type: 'string', oneOf: [{ const, title }] }) or a union of schemas.
    return fc.oneof(...union.map((member: Json) => valueOf(doc, { ...(member.$ref ? {} : { type: schema.type }), ...member }, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) return valueOf(doc, schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string'];
  return fc.oneof(...type.map((t: string) => valueOfType(doc, schema, t, depth)));
}

function valueOfType(doc: Document, schema: Json, type: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : min + 1000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? minLength + 2, minLength + 2);
      return fc.array(valueOf(doc, schema.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties: Record<string, Json> = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valueOf(doc, s, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in properties) });
    }
    default:
      return stringOf(schema);
  }
}

function stringOf(schema: Json): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? minLength + 24, minLength + 24);
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'email') return fc.constantFrom('zhangwei@lianzhou.example.cn', 'a.b@example.com', 'li_min+kx@gd.example.org');
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern, 'u'), { size: 'small' }).map((s) => (s.length > (schema.maxLength ?? Infinity) ? s.slice(0, schema.maxLength) : s));
  }
  // Chinese and Latin text, as people fill in forms.
  return fc.string({ unit: fc.constantFrom(...'连州市大路边镇科技服务站协会专家张伟李abcXYZ0123 -（）'), minLength, maxLength });
}

/** Values of another JSON type than the schema's, and odd ones: what a careless or hostile client sends instead. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', 'x', '\u202e', '0', '-1', 'null', 'true', '[]', '{}'),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** A JSON body made wrong one way: a required field missing, a field of the wrong type, a field not in the schema, or not an object at all. */
export type BodyMutation =
  | { kind: 'drop'; pick: number }
  | { kind: 'retype'; pick: number; value: unknown }
  | { kind: 'extra'; pick: number; name: string; value: unknown }
  | { kind: 'replace'; value: unknown };

export const bodyMutation: fc.Arbitrary<BodyMutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), pick: fc.nat(), value: wrongValue }),
  fc.record({ kind: fc.constant('extra' as const), pick: fc.nat(), name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/), value: wrongValue }),
  fc.record({ kind: fc.constant('replace' as const), value: wrongValue }),
);

/** Paths to every object and value inside `value` ([] is the value itself). */
function pathsIn(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsIn(item, [...prefix, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsIn(v, [...prefix, k]))];
  return here;
}

export function mutate(value: unknown, mutation: BodyMutation): unknown {
  if (mutation.kind === 'replace') return mutation.value;
  const copy = structuredClone(value);
  const all = pathsIn(copy);
  const get = (path: (string | number)[]) => path.reduce<any>((node, key) => node?.[key], copy);
  if (mutation.kind === 'extra') {
    const objects = all.filter((p) => { const v = get(p); return v && typeof v === 'object' && !Array.isArray(v); });
    if (!objects.length) return copy;
    get(objects[mutation.pick % objects.length])[mutation.name] = mutation.value;
    return copy;
  }
  const members = all.filter((p) => p.length > 0);
  if (!members.length) return mutation.kind === 'retype' ? mutation.value : copy;
  const path = members[mutation.pick % members.length];
  const parent = get(path.slice(0, -1));
  const key = path[path.length - 1];
  if (mutation.kind === 'drop') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    parent[key] = mutation.value;
  }
  return copy;
}

/** A query parameter's text as the schema reads it: integers and numbers from their decimal form, anything else as is. */
export function queryValue(schema: Json, text: string): unknown {
  const type = schema.type;
  if (type === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  if (type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return text;
}
