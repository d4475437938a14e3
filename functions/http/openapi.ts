// The OpenAPI 3.1 document of the whole API as the functions serve it, and a browsable reference page of it. The
// document is built from the zod schemas at build time (functions/http/openapi-build.ts) and read here from
// openapi-document.json beside this module or the bundled index.mjs, on first use: neither zod's JSON Schema
// generation nor the document's ~55 KB are in the bundle or its cold start.
import fs from 'node:fs';
import type { ApplicationType } from '#forms/entry.js';

type Json = Record<string, unknown>;

let document: Json | undefined;

/** The document, read on first use. */
export function openApiDocument(): Json {
  if (document) return document;
  // Beside this module, or beside the bundled index.mjs (infra/bundling.ts copies it there).
  const location = new URL('./openapi-document.json', import.meta.url);
  try {
    document = JSON.parse(fs.readFileSync(location, 'utf8')) as Json;
  } catch (cause) {
    throw new Error(`openapi: cannot read ${String(location)} (copy openapi-document.json next to the bundle)`, { cause });
  }
  return document;
}

/** JSON Schema (draft 2020-12) of a type's form, with a Chinese `title` on every field (forms/catalogue.ts's formJsonSchema). */
export function formJsonSchema(type: ApplicationType): object {
  return (openApiDocument().components as { schemas: Record<string, object> }).schemas[`Form_${type}`];
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained reference page (no scripts or styles from elsewhere: it must work offline and in China). */
export function docsPage(): string {
  const doc = openApiDocument() as { info: { title: string; description: string }; paths: Record<string, Record<string, Json>>; components: { schemas: Json } };
  const rows = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const o = op as { summary: string; description?: string; security?: unknown[]; parameters: { name: string; in: string; description: string }[]; responses: Record<string, { description: string }> };
      const params = o.parameters.map((p) => `<li><code>${escape(p.name)}</code>（${p.in}）${escape(p.description)}</li>`).join('');
      const responses = Object.entries(o.responses).map(([status, r]) => `<li><code>${status}</code> ${escape(r.description)}</li>`).join('');
      return `<section id="${method}-${escape(path)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code>${o.security ? ' <small>公开</small>' : ''}</h3>
<p>${escape(o.summary)}${o.description ? `<br>${escape(o.description)}` : ''}</p>${params ? `<h4>参数</h4><ul>${params}</ul>` : ''}<h4>响应</h4><ul>${responses}</ul></section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, s]) => `<details><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(s, null, 2))}</pre></details>`)
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>接口文档 · ${escape(doc.info.title)}</title>
<style>body{font:15px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#1f2933}
h1{font-size:1.4rem}section{border-top:1px solid #d9e2ec;padding:.5rem 0}code{background:#f0f4f8;padding:0 .25rem;border-radius:3px}
.m{display:inline-block;min-width:3.5rem;text-align:center;color:#fff;border-radius:3px;font-size:.8rem;padding:0 .3rem}
.get{background:#2680c2}.post{background:#3f9142}.put{background:#c77c02}pre{overflow:auto;background:#f0f4f8;padding:.5rem;font-size:12px}</style></head>
<body><h1>${escape(doc.info.title)}</h1><p>${escape(doc.info.description)}</p><p>机器可读版本：<a href="/v1/openapi.json">/v1/openapi.json</a>（OpenAPI 3.1）</p>
<h2>接口</h2>${rows.join('\n')}<h2>数据结构</h2>${schemas}</body></html>`;
}
