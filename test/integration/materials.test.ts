// Application materials end to end on the local S3 server (issue 14's "Done when"): an applicant uploads each required
// material of a type straight to storage and sees a renamed executable refused, submits, the township official opens
// the roster through its short-lived link (the very bytes), returns the application naming it, the applicant replaces
// it and resubmits, the history shows the replacement, the old file stays readable, and the chain completes. Then the
// bad input: oversized, wrong kind, zero bytes, a slot used twice (also by two racing submissions), another
// organisation's upload, a PUT to another key or with a tampered URL, a link replayed after expiry or asked by a
// caller who may not see the application.
import { beforeAll, describe, expect, it } from 'vitest';
import { findMaterial, materialsFor } from '#forms/materials.js';
import { uploadKeys } from '#functions/upload-keys.js';
import { eventually, harness, taskInInbox, chainTokens, type ChainTokens, type Client, type Harness } from '../support/local.js';
import { elf, jpeg, ofd, pdf, png, windowsExecutable } from '../support/files.js';
import { checked, requiredMaterials, send, sha256, uploadState } from '../support/materials.js';
import { ORG, VILLAGE, submission } from '../support/submissions.js';
import { afterAll } from 'vitest';
import { ulid } from 'ulid';
import { newApplication } from '#functions/domain/application.js';

const TYPE = 'rural-tech-association';
/** One per village for TYPE: the other tests submit a type without a plan rule, as often as they like. */
const ANY = 'society-station';
const TOWNSHIP = '441882102';
const OTHER_ORG = '51441882MJ1234567W';

let h: Harness;
let api: Client;
let t: ChainTokens;
let other: string;

beforeAll(async () => {
  h = await harness();
  api = await h.start({ env: { MATERIALS: 'required' } });
  t = await chainTokens(api);
  other = await api.token({ role: 'applicant', org: OTHER_ORG, name: '另一协会' });
});
afterAll(() => h?.close());

const roster = findMaterial(TYPE, 'member-roster')!;
const body = (materials: unknown, change?: (form: any) => void) => ({ ...submission(TYPE, VILLAGE, ORG, change), materials });
const anyBody = (materials: unknown) => ({ ...submission(ANY, TOWNSHIP), materials });

async function view(id: string, token = t.applicant) {
  const out = await api.call('GET', `/v1/applications/${id}`, { token });
  expect(out.status, out.text).toBe(200);
  return out.body;
}

async function download(id: string, materialId: string, token: string) {
  const link = await api.call('GET', `/v1/applications/${id}/materials/${materialId}`, { token });
  expect(link.status, link.text).toBe(200);
  const file = await fetch(link.body.url);
  return { link: link.body, status: file.status, headers: file.headers, bytes: Buffer.from(await file.arrayBuffer()) };
}

async function decide(token: string, id: string, decision: object) {
  const out = await api.call('POST', `/v1/applications/${id}/decision`, { token, body: decision });
  expect(out.status, out.text).toBe(200);
}

describe('materials through the whole chain (issue 14, done when)', () => {
  it('uploads, refuses a renamed executable, submits, previews, returns one material, replaces it, keeps the old, and completes', async () => {
    // Prepare: each required material of the type, checked; the roster a PDF of its own
    const { refs, files } = await requiredMaterials(api, t.applicant, TYPE);
    expect(refs.map((r) => r.key).sort()).toEqual(materialsFor(TYPE).filter((m) => m.required).map((m) => m.key).sort());
    const rosterBytes = pdf({ objects: ['<< /Roster (first edition) >>'] });
    const rosterUpload = await send(api, t.applicant, rosterBytes, { fileName: '会员名册（2026年）.pdf', contentType: 'application/pdf', type: TYPE, material: roster.key });
    const rosterChecked = await checked(api, t.applicant, rosterUpload.uploadId);
    const materials = refs.map((r) => (r.key === roster.key ? { key: r.key, uploadId: rosterUpload.uploadId } : r));

    // Act 1: an executable renamed 会员名册.pdf, sent as a PDF
    const renamed = await send(api, t.applicant, windowsExecutable(8192), { fileName: '会员名册.pdf', contentType: 'application/pdf', type: TYPE, material: roster.key });
    const refused = await checked(api, t.applicant, renamed.uploadId);
    const withIt = await api.call('POST', '/v1/applications', { token: t.applicant, body: body([...materials.filter((m) => m.key !== roster.key), { key: roster.key, uploadId: renamed.uploadId }]) });

    // Assess 1: refused with a Chinese reason naming the material, and a submission naming it is refused there
    expect(renamed.put).toBe(200);
    expect(refused.body).toMatchObject({ uploadId: renamed.uploadId, status: 'refused', fileName: '会员名册.pdf' });
    expect(refused.body.reason).toBe('「会员名册」的文件内容不是 PDF、JPEG、PNG 或 OFD（检测到可执行程序），请上传原件扫描件或照片');
    expect(refused.body.sha256).toBeUndefined();
    expect(withIt.status).toBe(400);
    expect(withIt.body.issues).toEqual([{ path: 'materials.member-roster', message: refused.body.reason }]);

    // Act 2: submit
    expect(rosterChecked.body).toEqual({
      uploadId: rosterUpload.uploadId,
      status: 'ready',
      fileName: '会员名册（2026年）.pdf',
      contentType: 'application/pdf',
      size: rosterBytes.length,
      sha256: sha256(rosterBytes),
    });
    const submitted = await api.call('POST', '/v1/applications', { token: t.applicant, body: body(materials) });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;

    // Assess 2: the application lists each file in the list's order with its name, kind, size, hash and time
    expect(submitted.body.materials.map((m: { key: string }) => m.key)).toEqual(materialsFor(TYPE).filter((m) => m.required).map((m) => m.key));
    const firstRoster = submitted.body.materials.find((m: { key: string }) => m.key === roster.key);
    // Where the bytes are is never said: only a link of minutes reaches them.
    expect(JSON.stringify(submitted.body)).not.toContain('files/');
    expect(firstRoster).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      key: 'member-roster',
      name: '会员名册',
      fileName: '会员名册（2026年）.pdf',
      contentType: 'application/pdf',
      size: rosterBytes.length,
      sha256: sha256(rosterBytes),
      uploadedAt: expect.any(String),
    });
    for (const m of submitted.body.materials) if (m.key !== roster.key) expect(m.sha256).toBe(sha256(files.get(m.key)!));
    expect(submitted.body.replacedMaterials).toEqual([]);

    // Act 3: the township official opens the roster through its link
    await taskInInbox(api, t.township, id);
    const seen = await view(id, t.township);
    const opened = await download(id, firstRoster.id, t.township);

    // Assess 3: the very bytes, previewed inline under its name, for five minutes at most, never cached
    expect(seen.materials).toEqual(submitted.body.materials);
    expect(opened.status).toBe(200);
    expect(opened.bytes.equals(rosterBytes)).toBe(true);
    expect(sha256(opened.bytes)).toBe(firstRoster.sha256);
    expect(opened.headers.get('content-type')).toBe('application/pdf');
    expect(opened.headers.get('content-disposition')).toBe(`inline; filename="_____2026__.pdf"; filename*=UTF-8''${encodeURIComponent('会员名册（2026年）.pdf')}`);
    expect(opened.headers.get('cache-control')).toBe('private, no-store');
    expect(Date.parse(opened.link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    expect(new URL(opened.link.url).searchParams.get('X-Amz-Expires')).toBe('300');

    // Act 4: returned naming the roster; a resubmission without a new roster; then with one
    await decide(t.township, id, { action: 'return', comment: '请补充材料', issues: [{ path: 'materials.member-roster', message: '会员名册与所填会员人数不符' }] });
    await eventually(async () => ((await view(id)).task ? true : undefined), 10_000, 'the correction awaited');
    const form = (await view(id)).form;
    form.memberCount = 131;
    const without = await api.call('PUT', `/v1/applications/${id}`, { token: t.applicant, body: { form } });
    const newBytes = pdf({ objects: ['<< /Roster (second edition, 131 members) >>'] });
    const replacement = await send(api, t.applicant, newBytes, { fileName: '会员名册（修订）.pdf', contentType: 'application/pdf', type: TYPE, material: roster.key });
    expect((await checked(api, t.applicant, replacement.uploadId)).body.status).toBe('ready');
    const resubmitted = await api.call('PUT', `/v1/applications/${id}`, { token: t.applicant, body: { form, materials: [{ key: roster.key, uploadId: replacement.uploadId }] } });

    // Assess 4: the new roster replaces the old, which stays listed and readable; the history says so
    expect(without.status).toBe(400);
    expect(without.body.issues).toEqual([{ path: 'materials.member-roster', message: '退回意见要求重新提交「会员名册」，请上传新的文件' }]);
    expect(resubmitted.status, resubmitted.text).toBe(200);
    const newRoster = resubmitted.body.materials.find((m: { key: string }) => m.key === roster.key);
    expect(newRoster).toMatchObject({ fileName: '会员名册（修订）.pdf', sha256: sha256(newBytes), replaces: firstRoster.id });
    expect(newRoster.id).not.toBe(firstRoster.id);
    expect(resubmitted.body.materials).toHaveLength(submitted.body.materials.length);
    expect(resubmitted.body.replacedMaterials).toEqual([{ ...firstRoster, replacedAt: expect.any(String) }]);
    const entry = resubmitted.body.history.at(-1);
    expect(entry).toMatchObject({ action: 'resubmit', changes: ['form.memberCount', 'materials.member-roster'], replaced: [firstRoster.id] });

    // Act 5: the township reads both rosters, then the chain goes on to the province
    await taskInInbox(api, t.township, id);
    const oldOne = await download(id, firstRoster.id, t.township);
    const newOne = await download(id, newRoster.id, t.township);
    await decide(t.township, id, { action: 'approve', comment: '名册已核对' });
    await taskInInbox(api, t.county, id);
    const county = await download(id, newRoster.id, t.county);
    await decide(t.county, id, { action: 'approve' });
    await taskInInbox(api, t.province, id);
    await decide(t.province, id, { action: 'approve' });
    const approved = await eventually(async () => {
      const app = await view(id);
      return app.status === 'APPROVED' ? app : undefined;
    }, 10_000, 'approved');

    // Assess 5
    expect(oldOne.bytes.equals(rosterBytes)).toBe(true);
    expect(newOne.bytes.equals(newBytes)).toBe(true);
    expect(county.bytes.equals(newBytes)).toBe(true);
    expect(approved.certificateNo).toMatch(/^GDKX-\d{4}-\d{6}$/);
    expect(approved.materials.map((m: { id: string }) => m.id)).toContain(newRoster.id);
  }, 90_000);
});

describe('bad input', () => {
  it('refuses a slot over 20 MB, of zero bytes, or of a type the material does not take, up front', async () => {
    // Act
    const ask = (fields: object) => api.call('POST', '/v1/uploads', { token: t.applicant, body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 1000, ...fields } });
    const answers = {
      over: await ask({ size: 20 * 1024 * 1024 + 1 }),
      empty: await ask({ size: 0 }),
      kind: await ask({ contentType: 'image/jpeg', type: 'society-station', material: 'service-plan' }),
      html: await ask({ contentType: 'text/html' }),
      noSuchMaterial: await ask({ type: TYPE, material: 'no-such-material' }),
      // A township's or county's official uploads only a need's files (test/integration/demand-materials.test.ts); the province none.
      byOfficial: await api.call('POST', '/v1/uploads', { token: t.province, body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 10 } }),
    };

    // Assess
    expect(answers.over).toMatchObject({ status: 400, body: { error: 'validation', issues: [{ path: 'size', message: '文件不能超过 20 MB' }] } });
    expect(answers.empty).toMatchObject({ status: 400, body: { issues: [{ path: 'size', message: '文件是空的（0 字节），请重新选择文件' }] } });
    expect(answers.kind).toMatchObject({ status: 400, body: { issues: [{ path: 'contentType', message: '「建设方案」只接受 PDF、OFD 文件' }] } });
    expect(answers.html.status).toBe(400);
    expect(answers.html.body.issues[0].path).toBe('contentType');
    expect(answers.noSuchMaterial).toMatchObject({ status: 400, body: { issues: [{ path: 'material' }] } });
    expect(answers.byOfficial.status).toBe(403);
  });

  it('refuses bytes of a kind the material does not take, PDFs with scripts, cut PDFs and executables, by what they are', async () => {
    // Prepare: a PNG sent as a PDF for the service plan (PDF or OFD only); a PDF with JavaScript; a cut PDF
    const plan = await send(api, t.applicant, png(), { fileName: '建设方案.pdf', contentType: 'application/pdf', type: 'society-station', material: 'service-plan' });
    const script = await send(api, t.applicant, pdf({ objects: ['<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>'] }), {
      fileName: '章程.pdf',
      contentType: 'application/pdf',
      type: TYPE,
      material: 'charter',
    });
    const cut = await send(api, t.applicant, pdf({ truncated: true }), { fileName: '章程.pdf', contentType: 'application/pdf', type: TYPE, material: 'charter' });
    const unnamed = await send(api, t.applicant, elf(4096), { fileName: '照片.jpg', contentType: 'image/jpeg' });

    // Act
    const [a, b, c, d] = await Promise.all([plan, script, cut, unnamed].map((u) => checked(api, t.applicant, u.uploadId)));

    // Assess
    expect(a.body).toMatchObject({ status: 'refused', reason: '「建设方案」的文件内容不是 PDF 或 OFD（检测到PNG），请上传原件扫描件或照片' });
    expect(b.body).toMatchObject({ status: 'refused', reason: expect.stringMatching(/^「章程」的 PDF 含有脚本、自动操作或嵌入文件/) });
    expect(c.body).toMatchObject({ status: 'refused', reason: expect.stringMatching(/^「章程」的文件不完整/) });
    // Named for no material, the reason names the file.
    expect(d.body).toMatchObject({ status: 'refused', reason: '「照片.jpg」的文件内容不是 PDF、JPEG、PNG 或 OFD（检测到可执行程序），请上传原件扫描件或照片' });
  });

  it('is pending before the bytes arrive, and refuses a PUT of other bytes than declared', async () => {
    // Prepare
    const asked = await api.call('POST', '/v1/uploads', { token: t.applicant, body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 1000 } });

    // Act
    const before = await uploadState(api, t.applicant, asked.body.uploadId);
    const longer = await fetch(asked.body.url, { method: 'PUT', headers: asked.body.headers, body: new Uint8Array(1001) });
    const otherType = await fetch(asked.body.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: new Uint8Array(1000) });
    const after = await uploadState(api, t.applicant, asked.body.uploadId);

    // Assess
    expect(before.body).toEqual({ uploadId: asked.body.uploadId, status: 'pending', fileName: 'a.pdf', contentType: 'application/pdf', size: 1000 });
    expect([longer.status, otherType.status]).toEqual([403, 403]);
    expect(after.body.status).toBe('pending');
    expect(asked.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf' } });
    expect(Date.parse(asked.body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('refuses a PUT to any other key with the slot’s URL, a tampered URL, and a material’s own slot used again', async () => {
    // Prepare: an application's material, and a slot
    const { refs, slots, files } = await requiredMaterials(api, t.applicant, ANY, 7);
    const app = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(refs) });
    expect(app.status, app.text).toBe(201);
    const material = app.body.materials[0];
    const bytes = pdf();
    const asked = await api.call('POST', '/v1/uploads', { token: t.applicant, body: { fileName: 'a.pdf', contentType: 'application/pdf', size: bytes.length } });
    const url = new URL(asked.body.url);
    const to = (key: string) => {
      const moved = new URL(url);
      moved.pathname = url.pathname.replace(uploadKeys.file(asked.body.uploadId), key);
      return moved.href;
    };
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Expires', '604800');
    const signature = new URL(url);
    signature.searchParams.set('X-Amz-Signature', '0'.repeat(64));

    // Act
    const puts = await Promise.all(
      [to(uploadKeys.file(refs.find((r) => r.key === material.key)!.uploadId)), to(uploadKeys.material(app.body.id, material.id)), to(uploadKeys.file('01JOTHERUPLOAD000000000000')), tampered.href, signature.href].map((href) =>
        fetch(href, { method: 'PUT', headers: asked.body.headers, body: new Uint8Array(bytes) }).then((r) => r.status),
      ),
    );
    const own = slots.get(material.key)!;
    // (other bytes of the same length: what the slot was signed for, written over the checked and attached ones)
    const again = await fetch(own.url, { method: 'PUT', headers: own.headers, body: new Uint8Array(Buffer.alloc(files.get(material.key)!.length, 0x41)) }).then((r) => r.status);

    // Assess: every one refused, and the material's bytes are as they were
    expect(puts).toEqual([403, 403, 403, 403, 403]);
    expect(again).toBe(412);
    const still = await download(app.body.id, material.id, t.township);
    expect(sha256(still.bytes)).toBe(material.sha256);
  });

  it('attaches an upload once: a second submission, the same upload twice, and two racing submissions, one wins', async () => {
    // Prepare
    const { refs } = await requiredMaterials(api, t.applicant, ANY, 11);
    const first = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(refs) });
    const { refs: racing } = await requiredMaterials(api, t.applicant, ANY, 12);
    const extra = await send(api, t.applicant, jpeg(3000), { fileName: '专家证书.jpg', contentType: 'image/jpeg', type: ANY, material: 'expert-credentials' });
    await checked(api, t.applicant, extra.uploadId);

    // Act
    const again = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(refs) });
    const twice = await api.call('POST', '/v1/applications', {
      token: t.applicant,
      body: anyBody([...racing, { key: 'expert-credentials', uploadId: extra.uploadId }, { key: 'expert-credentials', uploadId: extra.uploadId }]),
    });
    const race = await Promise.all([1, 2, 3, 4].map(() => api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(racing) })));

    // Assess
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(400);
    expect(again.body.issues).toEqual(expect.arrayContaining([{ path: 'materials.registration-certificate', message: '「登记证书或营业执照」的文件已用于另一份申请，请重新上传' }]));
    expect(again.body.issues).toHaveLength(refs.length);
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual([{ path: 'materials.expert-credentials', message: '「专家名单及资质证明」：同一个上传的文件不能使用两次' }]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 400, 400, 400]);
    for (const lost of race.filter((r) => r.status === 400)) expect(lost.body.issues[0].message).toMatch(/已用于另一份申请/);
  });

  it('attaches an upload in one application’s transaction only, whichever records first', async () => {
    // Prepare: one ready upload, two applications that each read it as free (as two racing submissions do)
    const sent = await send(api, t.applicant, pdf(), { fileName: 'a.pdf', contentType: 'application/pdf' });
    await checked(api, t.applicant, sent.uploadId);
    const store = api.stack.services.applications;
    const at = new Date().toISOString();
    const make = () => {
      const id = ulid();
      const step = { id, action: 'submit' as const, final: false, level: 'township' as const, region: TOWNSHIP, at, dueAt: at, expiresAt: at, timeoutSeconds: 60 };
      return newApplication({ id, type: ANY, regionCode: TOWNSHIP, form: {}, applicant: { org: ORG, sub: 's', name: 'n' }, at, step });
    };
    const entry = { at, action: 'submit' as const, level: null, actor: { sub: 's', name: 'n', role: 'applicant' as const }, comment: null };
    const [a, b] = [make(), make()];

    // Act
    const first = await store.create(a, entry, { attach: [{ uploadId: sent.uploadId, materialId: ulid() }] });
    const second = await store.create(b, entry, { attach: [{ uploadId: sent.uploadId, materialId: ulid() }] });

    // Assess: the second stores nothing at all
    expect([first, second]).toEqual(['created', `taken:${sent.uploadId}`]);
    expect(await store.get(b.id)).toBeUndefined();
  });

  it('checks an upload when its bytes land, whether anyone reads it or not; named while pending, it is refused at its material', async () => {
    // Prepare: the service plan's bytes sent, the upload never read back through the API
    const { refs } = await requiredMaterials(api, t.applicant, ANY, 23);
    const bytes = pdf({ objects: ['<< /Plan (service plan) >>'] });
    const asked = await api.call('POST', '/v1/uploads', { token: t.applicant, body: { fileName: '建设方案.pdf', contentType: 'application/pdf', size: bytes.length, type: ANY, material: 'service-plan' } });
    const materials = refs.map((r) => (r.key === 'service-plan' ? { key: r.key, uploadId: asked.body.uploadId } : r));

    // Act: a submission naming it before its bytes are sent; the bytes; the check's verdict as the store holds it; the submission again
    const early = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(materials) });
    const put = await fetch(asked.body.url, { method: 'PUT', headers: asked.body.headers, body: new Uint8Array(bytes) });
    await put.arrayBuffer();
    const stored = await eventually(async () => {
      const upload = await api.stack.services.uploads.get(asked.body.uploadId, new Date());
      return upload?.status === 'pending' ? undefined : upload;
    }, 10_000, 'the check of the upload');
    const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(materials) });

    // Assess
    expect(early.status).toBe(400);
    expect(early.body.issues).toEqual([{ path: 'materials.service-plan', message: '「建设方案」的文件尚未上传完成或仍在检查，请稍候再提交' }]);
    expect(put.status).toBe(200);
    expect(stored).toMatchObject({ status: 'ready', checked: { kind: 'pdf', sha256: sha256(bytes) } });
    expect(out.status, out.text).toBe(201);
    expect(out.body.materials).toContainEqual(expect.objectContaining({ key: 'service-plan', sha256: sha256(bytes) }));
  });

  it('lists a missing required material, a wrong key, a file of another kind and the form’s own problems at once', async () => {
    // Prepare: an OFD checked for no material, named as the featured product (photos or PDFs); the roster left out; a
    // key no list has; an upload whose bytes never came
    const document = await send(api, t.applicant, ofd(), { fileName: '产品介绍.ofd', contentType: 'application/ofd' });
    await checked(api, t.applicant, document.uploadId);
    const pending = await api.call('POST', '/v1/uploads', { token: t.applicant, body: { fileName: 'b.pdf', contentType: 'application/pdf', size: 100 } });
    const { refs } = await requiredMaterials(api, t.applicant, 'society-station', 13);
    const servicePlan = refs.find((r) => r.key === 'registration-certificate')!;
    // Other tests of this file stored applications of this organisation: nothing may join them.
    const listed = await api.call('GET', '/v1/applications?limit=100', { token: t.applicant });
    const before = listed.body.items.map((a: { id: string }) => a.id).sort();

    // Act
    const out = await api.call('POST', '/v1/applications', {
      token: t.applicant,
      body: body(
        [
          { key: 'registration-certificate', uploadId: pending.body.uploadId },
          { key: 'featured-product', uploadId: document.uploadId },
          { key: 'host-opinion', uploadId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' },
          { key: 'no-such-material', uploadId: servicePlan.uploadId },
        ],
        (form) => (form.contact.mobile = '123'),
      ),
    });

    // Assess: every problem at once, nothing stored
    expect(out.status).toBe(400);
    const byPath = Object.fromEntries(out.body.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(byPath).toMatchObject({
      'form.contact.mobile': expect.any(String),
      'materials.registration-certificate': '「登记证书或营业执照」的文件尚未上传完成或仍在检查，请稍候再提交',
      'materials.member-roster': '请上传「会员名册」',
      'materials.host-opinion': '「所在村（居）委会或乡镇意见」引用的上传不存在或已过期，请重新上传',
      'materials.no-such-material': '本类申请的材料清单中没有 no-such-material',
      'materials.featured-product': '「一村一品特色产业材料」只接受 JPEG、PNG、PDF 文件，所传文件是 OFD',
    });
    const after = await api.call('GET', '/v1/applications?limit=100', { token: t.applicant });
    expect(after.body.items.map((a: { id: string }) => a.id).sort()).toEqual(before);
  });

  it('keeps another organisation’s uploads and materials out of its reach', async () => {
    // Prepare
    const { refs } = await requiredMaterials(api, t.applicant, ANY, 17);
    const app = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(refs) });
    expect(app.status, app.text).toBe(201);
    const { refs: mine } = await requiredMaterials(api, t.applicant, ANY, 18);
    const otherTownship = await api.token({ role: 'official', level: 'township', region: '441882103', name: '另一镇' });

    // Act
    const readUpload = await checked(api, other, mine[0].uploadId);
    const readOfficial = await checked(api, t.township, mine[0].uploadId);
    const useUpload = await api.call('POST', '/v1/applications', {
      token: other,
      body: { ...submission(ANY, TOWNSHIP, OTHER_ORG), materials: mine },
    });
    const link = (token: string) => api.call('GET', `/v1/applications/${app.body.id}/materials/${app.body.materials[0].id}`, { token });
    const links = { other: await link(other), otherTownship: await link(otherTownship), county: await link(t.county), admin: await link(t.admin) };
    const noSuch = await api.call('GET', `/v1/applications/${app.body.id}/materials/01JNOSUCHMATERIAL000000000`, { token: t.admin });

    // Assess
    expect(readUpload.status).toBe(404);
    expect(readOfficial.status).toBe(404);
    expect(useUpload.status).toBe(400);
    expect(useUpload.body.issues.filter((i: { path: string }) => i.path.startsWith('materials.')).map((i: { message: string }) => i.message)).toEqual(
      mine.map(() => expect.stringMatching(/引用的上传不存在或已过期/)),
    );
    // The county sees the application (masked) before it reaches it, but not its files: those once it gets there.
    expect([links.other.status, links.otherTownship.status, links.county.status]).toEqual([404, 404, 404]);
    expect(links.county.body.message).toBe('该申请尚未报送到本级，其材料暂不可查看');
    expect(links.admin.status).toBe(200);
    expect(noSuch.status).toBe(404);
    await taskInInbox(api, t.township, app.body.id);
    expect((await api.call('POST', `/v1/applications/${app.body.id}/decision`, { token: t.township, body: { action: 'approve' } })).status).toBe(200);
    await taskInInbox(api, t.county, app.body.id);
    expect((await link(t.county)).status).toBe(200);
    // Nothing of the refused one went through: the uploads are still the applicant's to attach.
    expect((await checked(api, t.applicant, mine[0].uploadId)).body.status).toBe('ready');
  });

  it('a return may name only a material of the list', async () => {
    // Prepare
    const { refs } = await requiredMaterials(api, t.applicant, ANY, 19);
    const app = await api.call('POST', '/v1/applications', { token: t.applicant, body: anyBody(refs) });
    await taskInInbox(api, t.township, app.body.id);

    // Act
    const out = await api.call('POST', `/v1/applications/${app.body.id}/decision`, {
      token: t.township,
      body: { action: 'return', comment: '请补充', issues: [{ path: 'materials.park-consent', message: '请补充园区同意进驻证明' }, { path: 'materials.no-such', message: '?' }] },
    });

    // Assess: the optional park consent would do; a key no list has would leave the applicant nothing to send
    expect(out.status).toBe(400);
    expect(out.body.issues).toEqual([{ path: 'issues.1.path', message: '本类申请的材料清单中没有 no-such，请从材料清单中选择' }]);
  });
});

describe('a download link', () => {
  let short: Client;

  beforeAll(async () => {
    short = await h.start({ env: { DOWNLOAD_URL_SECONDS: '1' } });
  });

  it('stops working when it expires: S3 refuses it, and the application gives a new one', async () => {
    // Prepare
    const token = await short.token({ role: 'applicant', org: ORG, name: '协会' });
    const bytes = pdf();
    const sent = await send(short, token, bytes, { fileName: 'x.pdf', contentType: 'application/pdf', type: ANY, material: 'service-plan' });
    expect((await checked(short, token, sent.uploadId)).body.status).toBe('ready');
    const app = await short.call('POST', '/v1/applications', { token, body: { ...submission(ANY, TOWNSHIP), materials: [{ key: 'service-plan', uploadId: sent.uploadId }] } });
    expect(app.status, app.text).toBe(201);
    const link = await short.call('GET', `/v1/applications/${app.body.id}/materials/${app.body.materials[0].id}`, { token });

    // Act
    const atOnce = await fetch(link.body.url);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const replayed = await fetch(link.body.url);
    const fresh = await short.call('GET', `/v1/applications/${app.body.id}/materials/${app.body.materials[0].id}`, { token });

    // Assess
    expect(atOnce.status).toBe(200);
    expect(Buffer.from(await atOnce.arrayBuffer()).equals(bytes)).toBe(true);
    expect(replayed.status).toBe(403);
    expect(await replayed.text()).toContain('expired');
    expect((await fetch(fresh.body.url)).status).toBe(200);
  });
});
