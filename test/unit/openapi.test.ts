import { describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createApp } from '#functions/http/app.js';
import { readFileSync } from 'node:fs';
import { docsPage, formJsonSchema, openApiDocument } from '#functions/http/openapi.js';
import { openApiDocumentFile, openApiDocumentText } from '#functions/http/openapi-build.js';
import { applicationTypes, formJsonSchema as buildFormJsonSchema } from '#forms/catalogue.js';
import type { Services } from '#functions/services/context.js';
import { silentLogger } from '#functions/log.js';

const app = createApp({
  services: { log: silentLogger } as unknown as Services,
  verify: async () => {
    throw new Error('not used');
  },
  health: async () => undefined,
});

describe('the OpenAPI document', () => {
  it('as served (functions/http/openapi-document.json) is what the schemas build now', () => {
    // Act
    const built = openApiDocumentText();

    // Assess: a changed form, route or schema needs the file written again
    expect(readFileSync(openApiDocumentFile, 'utf8') === built, 'functions/http/openapi-document.json is stale: run `npx tsx functions/http/openapi-build.ts`').toBe(true);
  });

  it('serves each form’s JSON Schema as forms/catalogue.ts builds it', () => {
    for (const type of applicationTypes) {
      expect(formJsonSchema(type), type).toEqual(buildFormJsonSchema(type));
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(openApiDocument()) as never)).resolves.toBeTruthy();
  });

  it('describes every route the app serves', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(10);
    for (const route of served) {
      const [method, path] = route.split(' ');
      expect(paths[path]?.[method], route).toBeDefined();
    }
  });

  it('lists the statuses every operation of its kind may answer, each error in the Error shape', () => {
    type Response = { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> };
    const paths = openApiDocument().paths as Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses: Record<string, Response> }>>;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        // Any: an unknown query parameter (400), too many requests (429, with Retry-After).
        expect(statuses, name).toEqual(expect.arrayContaining(['400', '429']));
        expect(op.responses['429'].headers, name).toHaveProperty('Retry-After');
        if (!op.security) expect(statuses, `${name} is signed in`).toContain('401');
        if (op.requestBody) expect(statuses, `${name} takes a body`).toEqual(expect.arrayContaining(['413', '415']));
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          expect(op.responses[status].content?.['application/json']?.schema.$ref, `${name} ${status}`).toBe('#/components/schemas/Error');
        }
      }
    }
  });

  it('carries each type’s form schema from the catalogue, with Chinese titles', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, { title?: string; properties?: Record<string, { title?: string }> }> }).schemas;
    for (const type of applicationTypes) {
      expect(schemas[`Form_${type}`]?.properties?.contact?.title, type).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  it('is served at /v1/openapi.json and browsable at /docs', async () => {
    const json = await app.request('/v1/openapi.json');
    expect(json.status).toBe(200);
    expect((await json.json()).openapi).toBe('3.1.0');
    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/v1/applications/{id}/decision');
    expect(docsPage()).not.toMatch(/<script/);
  });
});
