// Which uploads a submission or resubmission attaches under which material (functions/domain/materials.ts), without
// a store or a bucket: the replacement of a returned material, files kept by id, the order of the list, what an
// application stored before materials may do.
import { describe, expect, it } from 'vitest';
import { askedMaterials, planMaterials, type MaterialRecord, type UploadRecord } from '#functions/domain/materials.js';

const ORG = '91441882MA4UA1B2C9';
let n = 0;
const newId = () => `M${String(++n).padStart(25, '0')}`;

function upload(id: string, fields: Partial<UploadRecord> = {}): UploadRecord {
  return {
    id,
    org: ORG,
    sub: 's',
    fileName: `${id}.pdf`,
    contentType: 'application/pdf',
    size: 100,
    createdAt: '2026-11-29T00:00:00.000Z',
    status: 'ready',
    checked: { kind: 'pdf', contentType: 'application/pdf', size: 100, sha256: `hash-${id}`, at: '2026-11-29T00:01:00.000Z' },
    expiresAt: '2026-11-30T00:00:00.000Z',
    ...fields,
  };
}

const material = (id: string, key: string, name = key): MaterialRecord => ({
  id,
  key,
  name,
  fileName: `${id}.pdf`,
  contentType: 'application/pdf',
  size: 100,
  sha256: `hash-${id}`,
  uploadedAt: '2026-11-01T00:00:00.000Z',
});

const uploadsOf = (...list: UploadRecord[]) => new Map(list.map((u) => [u.id, u]));

describe('a resubmission’s materials', () => {
  const current = [material('OLD-CERT', 'registration-certificate'), material('OLD-ROSTER', 'member-roster'), material('OLD-P1', 'featured-product'), material('OLD-P2', 'featured-product')];

  it('replaces the named material with the new file, keeps the others, and says which changed', () => {
    // Act
    const plan = planMaterials({
      type: 'rural-tech-association',
      refs: [{ key: 'member-roster', uploadId: 'NEW' }],
      uploads: uploadsOf(upload('NEW')),
      org: ORG,
      mode: { kind: 'resubmit', current, asked: ['member-roster'] },
      newId,
    });

    // Assess
    expect(plan.issues).toEqual([]);
    expect(plan.replaced.map((m) => m.id)).toEqual(['OLD-ROSTER']);
    expect(plan.changes).toEqual(['materials.member-roster']);
    expect(plan.materials.map((m) => [m.key, m.id === plan.attach[0].material.id ? 'new' : m.id])).toEqual([
      ['registration-certificate', 'OLD-CERT'],
      ['member-roster', 'new'],
      ['featured-product', 'OLD-P1'],
      ['featured-product', 'OLD-P2'],
    ]);
    expect(plan.attach[0].material).toMatchObject({ key: 'member-roster', name: '会员名册', replaces: 'OLD-ROSTER', sha256: 'hash-NEW', fileName: 'NEW.pdf' });
  });

  it('keeps a file of a material by its id and adds another, replacing the one left out', () => {
    // Act
    const plan = planMaterials({
      type: 'rural-tech-association',
      refs: [
        { key: 'featured-product', materialId: 'OLD-P2' },
        { key: 'featured-product', uploadId: 'NEW-P' },
      ],
      uploads: uploadsOf(upload('NEW-P')),
      org: ORG,
      mode: { kind: 'resubmit', current, asked: [] },
      newId,
    });

    // Assess
    expect(plan.issues).toEqual([]);
    expect(plan.replaced.map((m) => m.id)).toEqual(['OLD-P1']);
    expect(plan.attach.map((a) => a.material.replaces)).toEqual(['OLD-P1']);
    expect(plan.materials.filter((m) => m.key === 'featured-product').map((m) => m.id)).toEqual(['OLD-P2', plan.attach[0].material.id]);
  });

  it('asks for a new file of every material the return named, even one not required, and not for a kept one', () => {
    // Act
    const plan = planMaterials({
      type: 'rural-tech-association',
      refs: [{ key: 'member-roster', materialId: 'OLD-ROSTER' }],
      uploads: new Map(),
      org: ORG,
      mode: { kind: 'resubmit', current, asked: ['member-roster', 'featured-product', 'host-opinion'] },
      newId,
    });

    // Assess
    expect(plan.issues).toEqual([
      { path: 'materials.member-roster', message: '退回意见要求重新提交「会员名册」，请上传新的文件' },
      { path: 'materials.featured-product', message: '退回意见要求重新提交「一村一品特色产业材料」，请上传新的文件' },
      { path: 'materials.host-opinion', message: '退回意见要求重新提交「所在村（居）委会或乡镇意见」，请上传新的文件' },
    ]);
  });

  it('lets an application stored before materials be resubmitted without them, and take them', () => {
    // Act
    const none = planMaterials({ type: 'society-station', refs: [], uploads: new Map(), org: ORG, mode: { kind: 'resubmit', current: [], asked: [] }, newId });
    const some = planMaterials({
      type: 'society-station',
      refs: [{ key: 'service-plan', uploadId: 'U1' }],
      uploads: uploadsOf(upload('U1')),
      org: ORG,
      mode: { kind: 'resubmit', current: [], asked: [] },
      newId,
    });

    // Assess: the list's required materials apply to submissions made after it, not to this correction
    expect(none).toMatchObject({ issues: [], attach: [], materials: [], changes: [] });
    expect(some.issues).toEqual([]);
    expect(some.materials.map((m) => m.key)).toEqual(['service-plan']);
    expect(some.attach[0].material.replaces).toBeUndefined();
  });

  it('refuses to keep a file that is not the application’s, or under another material', () => {
    // Act
    const plan = planMaterials({
      type: 'rural-tech-association',
      refs: [
        { key: 'charter', materialId: 'OLD-ROSTER' },
        { key: 'member-roster', materialId: 'SOMEONE-ELSES' },
      ],
      uploads: new Map(),
      org: ORG,
      mode: { kind: 'resubmit', current, asked: [] },
      newId,
    });

    // Assess
    expect(plan.issues.map((i) => i.path)).toEqual(['materials.charter', 'materials.member-roster']);
  });
});

describe('a submission’s materials', () => {
  it('holds a ready upload to the material it is attached under, whatever it was checked for', () => {
    // Prepare: a JPEG checked for no material, a big PDF, another organisation's upload, one not sent yet
    const photo = upload('PHOTO', { contentType: 'image/jpeg', checked: { kind: 'jpeg', contentType: 'image/jpeg', size: 10, sha256: 'h', at: 'x' } });

    // Act
    const plan = planMaterials({
      type: 'society-station',
      refs: [
        { key: 'service-plan', uploadId: 'PHOTO' },
        { key: 'registration-certificate', uploadId: 'OTHERS' },
        { key: 'cooperation-agreement', uploadId: 'PENDING' },
        { key: 'recommendation-letter', uploadId: 'ATTACHED' },
      ],
      uploads: uploadsOf(photo, upload('OTHERS', { org: '51441882MJ1234567W' }), upload('PENDING', { status: 'pending', checked: undefined }), upload('ATTACHED', { attachedTo: { applicationId: 'A', materialId: 'M' } })),
      org: ORG,
      mode: { kind: 'submit', required: true },
      newId,
    });

    // Assess
    expect(Object.fromEntries(plan.issues.map((i) => [i.path, i.message]))).toEqual({
      'materials.service-plan': '「建设方案」只接受 PDF、OFD 文件，所传文件是 JPEG',
      'materials.registration-certificate': '「登记证书或营业执照」引用的上传不存在或已过期，请重新上传',
      'materials.cooperation-agreement': '「合作协议」的文件尚未上传完成或仍在检查，请稍候再提交',
      'materials.recommendation-letter': '「推荐函」的文件已用于另一份申请，请重新上传',
      'materials.expert-credentials': '请上传「专家名单及资质证明」',
    });
    expect(plan.attach).toEqual([]);
  });

  it('takes several files only where the material says so', () => {
    // Act
    const plan = planMaterials({
      type: 'society-station',
      refs: [
        { key: 'service-plan', uploadId: 'A' },
        { key: 'service-plan', uploadId: 'B' },
        { key: 'expert-credentials', uploadId: 'C' },
        { key: 'expert-credentials', uploadId: 'D' },
      ],
      uploads: uploadsOf(upload('A'), upload('B'), upload('C'), upload('D')),
      org: ORG,
      mode: { kind: 'submit', required: false },
      newId,
    });

    // Assess
    expect(plan.issues).toEqual([{ path: 'materials.service-plan', message: '「建设方案」只能上传一个文件' }]);
  });

  it('requires nothing where the configuration says materials are optional', () => {
    // Act
    const plan = planMaterials({ type: 'society-station', refs: [], uploads: new Map(), org: ORG, mode: { kind: 'submit', required: false }, newId });

    // Assess
    expect(plan.issues).toEqual([]);
  });
});

describe('the materials a return names', () => {
  it('are the keys of its problems at materials.<key>', () => {
    expect(askedMaterials([{ path: 'form.name' }, { path: 'materials.member-roster' }, { path: 'materials.member-roster' }, {}, { path: 'materials.' }])).toEqual(['member-roster']);
  });
});
