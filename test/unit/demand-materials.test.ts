// A need's materials (需求附件): which uploads may become its files, every problem at `materials.<i>`; and why five of
// them still leave every transaction of a need within DynamoDB's 100 items.
import { describe, expect, it } from 'vitest';
import { MAX_DEMAND_MATERIALS, planDemandMaterials, type DemandMaterial } from '#functions/domain/demand-materials.js';
import { MAX_SEARCH_GRAMS } from '#functions/domain/demand.js';
import type { UploadRecord } from '#functions/domain/materials.js';
import { demandScopesOf } from '#functions/store/demands.js';
import { regionScopes } from '#functions/domain/region-codes.js';

const OWNER = 'user:village-1';
const upload = (id: string, change: Partial<UploadRecord> = {}): UploadRecord => ({
  id,
  org: OWNER,
  sub: 'village-1',
  fileName: `${id}.pdf`,
  contentType: 'application/pdf',
  size: 1000,
  createdAt: '2026-12-01T00:00:00.000Z',
  purpose: 'demand',
  status: 'ready',
  checked: { kind: 'pdf', contentType: 'application/pdf', size: 1000, sha256: 'ab', at: '2026-12-01T00:00:01.000Z' },
  expiresAt: '2026-12-02T00:00:00.000Z',
  ...change,
});
let n = 0;
const plan = (refs: Parameters<typeof planDemandMaterials>[0]['refs'], uploads: UploadRecord[], current: DemandMaterial[] = []) =>
  planDemandMaterials({ refs, uploads: new Map(uploads.map((u) => [u.id, u])), owner: OWNER, current, objectOf: (id) => `files/${id}`, newId: () => `M${++n}` });

describe('planning a need’s files', () => {
  it('makes each ready upload of the poster’s a file, in the order named, its bytes where the upload left them', () => {
    // Act
    const out = plan([{ uploadId: 'A' }, { uploadId: 'B' }], [upload('A'), upload('B', { fileName: '照片.png', checked: { kind: 'png', contentType: 'image/png', size: 20, sha256: 'cd', at: 'x' } })]);

    // Assess
    expect(out.issues).toEqual([]);
    expect(out.materials.map((m) => [m.fileName, m.contentType, m.size, m.object])).toEqual([
      ['A.pdf', 'application/pdf', 1000, 'files/A'],
      ['照片.png', 'image/png', 20, 'files/B'],
    ]);
    expect(out.attach.map((a) => a.upload.id)).toEqual(['A', 'B']);
  });

  it('lists every problem at once at its index: another’s, an application’s, attached, pending, refused, unknown, twice, a kept file it has not', () => {
    // Act
    const out = plan(
      [{ uploadId: 'other' }, { uploadId: 'app' }, { uploadId: 'used' }, { uploadId: 'pending' }, { uploadId: 'refused' }, { uploadId: 'gone' }, { uploadId: 'other' }, { materialId: 'nope' }],
      [
        upload('other', { org: 'user:someone' }),
        upload('app', { purpose: undefined }),
        upload('used', { attachedTo: { demandId: 'D', materialId: 'M' } }),
        upload('pending', { status: 'pending', checked: undefined }),
        upload('refused', { status: 'refused', checked: undefined, refusal: { code: 'kind_not_accepted', reason: '文件内容不是 PDF' } }),
      ],
    );

    // Assess
    expect(out.issues.map((i) => i.path)).toEqual(['materials', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `materials.${i}`)]);
    expect(out.issues[1].message).toContain('不是本人上传的文件');
    expect(out.issues[2].message).toContain('申报材料');
    expect(out.issues[5].message).toContain('文件内容不是 PDF');
    expect(out.issues[7].message).toBe('同一个文件列了两次');
    expect(out.attach).toEqual([]);
  });

  it('keeps, correcting, the files named by id and drops the others', () => {
    // Prepare
    const current = plan([{ uploadId: 'A' }, { uploadId: 'B' }], [upload('A'), upload('B')]).materials;

    // Act
    const out = plan([{ materialId: current[1].id }, { uploadId: 'C' }], [upload('C')], current);

    // Assess
    expect(out.issues).toEqual([]);
    expect(out.materials.map((m) => m.object)).toEqual(['files/B', 'files/C']);
    expect(out.attach.map((a) => a.upload.id)).toEqual(['C']);
  });
});

describe('a need’s transactions stay within 100 items', () => {
  it('an office’s posting in a village: the need, its history, its list entries, its search postings, its counters, its wait and every file', () => {
    // Prepare: the deepest region (a village) has the most list scopes and counters
    const village = '441882102206';
    const listed = demandScopesOf({ regionCode: village, kind: 'talent', industry: 'planting' }, 'PUBLISHED').length;
    const counters = regionScopes(village).filter((code) => code.length <= 9).length;

    // Act
    const posting = 2 + listed + MAX_SEARCH_GRAMS + counters + 1 + MAX_DEMAND_MATERIALS;

    // Assess
    expect(listed).toBe(20);
    expect(posting).toBeLessThanOrEqual(100);
  });

  it('a village need’s publishing by its office (which attaches nothing): its pending entries moved, its postings, counters, wait and notice', () => {
    // Prepare
    const village = '441882102206';
    const pending = demandScopesOf({ regionCode: village, kind: 'talent', industry: 'planting' }, 'PENDING').length;
    const listed = demandScopesOf({ regionCode: village, kind: 'talent', industry: 'planting' }, 'PUBLISHED').length;

    // Act
    const publishing = 2 + pending + listed + MAX_SEARCH_GRAMS + 3 + 1 + 1;

    // Assess
    expect(pending).toBe(5);
    expect(publishing).toBeLessThanOrEqual(100);
  });
});
