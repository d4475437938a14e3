import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '#functions/http/app.js';
import { checkFile } from '#functions/domain/file-check.js';
import type { Services } from '#functions/services/context.js';
import { silentLogger } from '#functions/log.js';
import { applicationTypes } from '#forms/catalogue.js';
import { fileKinds, findMaterial, kindOfMime, materialsFor, maxMaterialBytes } from '#forms/materials.js';

const webPublic = new URL('../../web/public', import.meta.url).pathname;
const app = createApp({
  services: { log: silentLogger } as unknown as Services,
  verify: async () => {
    throw new Error('not used');
  },
  health: async () => undefined,
});

describe("each type's material list", () => {
  it.each(applicationTypes)('%s: keys unique, Chinese names and hints, known kinds, limits within 20 MB, something required', (type) => {
    // Act
    const materials = materialsFor(type);

    // Assess
    expect(new Set(materials.map((m) => m.key)).size).toBe(materials.length);
    expect(materials.some((m) => m.required)).toBe(true);
    for (const m of materials) {
      expect(m.key, type).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(m.name, m.key).toMatch(/^[\u4e00-\u9fa5（）、，]+$/);
      expect(m.hint ?? '', m.key).toMatch(/[\u4e00-\u9fa5]/);
      expect(m.accept.length, m.key).toBeGreaterThan(0);
      for (const mime of m.accept) expect(kindOfMime(mime), `${m.key} ${mime}`).toBeDefined();
      expect(m.maxBytes, m.key).toBeGreaterThan(0);
      expect(m.maxBytes, m.key).toBeLessThanOrEqual(maxMaterialBytes);
    }
  });

  it('asks for the documents the plan’s practice names where they fit', () => {
    // Act
    const names = (type: (typeof applicationTypes)[number]) => materialsFor(type).map((m) => m.name);

    // Assess
    expect(names('rural-tech-association')).toEqual(expect.arrayContaining(['登记证书或营业执照', '会员名册']));
    expect(names('township-association')).toContain('会员名册');
    expect(names('academician-station')).toEqual(expect.arrayContaining(['合作协议', '院士承诺书', '建设方案', '推荐函']));
    expect(names('society-station')).toEqual(expect.arrayContaining(['合作协议', '建设方案', '专家名单及资质证明', '推荐函']));
    expect(names('science-e-station')).toContain('场地照片');
  });

  it('takes photos (JPEG, PNG) where a phone is the scanner, and a plan only as a written document', () => {
    // Act
    const photos = findMaterial('science-e-station', 'venue-photos')!;
    const plan = findMaterial('society-station', 'service-plan')!;

    // Assess
    expect(photos.accept).toEqual(expect.arrayContaining([fileKinds.jpeg.mime, fileKinds.png.mime]));
    expect(plan.accept).toEqual([fileKinds.pdf.mime, fileKinds.ofd.mime]);
    expect(findMaterial('society-station', 'no-such-key')).toBeUndefined();
  });

  it('offers each template as a file under web/public that passes the material check', async () => {
    // Prepare
    const withTemplate = applicationTypes.flatMap((type) => materialsFor(type).filter((m) => m.template));
    expect(withTemplate.map((m) => m.key)).toContain('academician-pledge');

    for (const m of withTemplate) {
      // Act
      const path = `${webPublic}${m.template}`;
      expect(existsSync(path), path).toBe(true);
      const bytes = readFileSync(path);
      const result = await checkFile(bytes, m);

      // Assess: a real PDF, its Chinese text in an embedded font (a subset, as pdfkit writes it)
      expect(result, m.template).toMatchObject({ ok: true, kind: 'pdf' });
      expect(bytes.includes('/FontFile2'), 'font embedded').toBe(true);
    }
  });
});

describe('GET /v1/forms', () => {
  it("serves each type's material list beside its form", async () => {
    // Act
    const response = await app.request('/v1/forms');
    const forms = (await response.json()) as { type: (typeof applicationTypes)[number]; materials: unknown }[];

    // Assess
    expect(response.status).toBe(200);
    for (const { type, materials } of forms) expect(materials, type).toEqual(JSON.parse(JSON.stringify(materialsFor(type))));
  });
});
