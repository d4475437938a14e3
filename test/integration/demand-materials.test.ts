// A need's materials (需求附件) on the local stack: photos and PDFs its poster uploads (POST /v1/uploads, checked) and
// attaches when posting, or a village when correcting its returned need, in the need's own transaction; read back
// through a link of minutes by whoever may see the need (404 to others); and the refused cases, each listed with its
// path and nothing stored: another's upload, one not ready, one already attached, too many, a race lost.
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sweep } from '#functions/services/sweep.js';
import { UPLOAD_TTL_SECONDS } from '#functions/store/uploads.js';
import { keys } from '#functions/store/keys.js';
import { MAX_SEARCH_GRAMS, searchGrams } from '#functions/domain/demand.js';
import { stackForFile, sweepServicesOf } from '../support/local.js';
import { checked, send, sha256 } from '../support/materials.js';
import { jpeg, pdf, png, windowsExecutable } from '../support/files.js';

const file = stackForFile({ sweepEveryMs: 0 });
const services = () => file.api.stack.services;
const VILLAGE = '441882102206'; // 东峉塘村委会, 大路边镇, 连州市
const OTHER_VILLAGE = '441882102201'; // 寒鸭村委会, the same township

const need = (change: Record<string, unknown> = {}) => ({
  kind: 'technology',
  industry: 'planting',
  regionCode: VILLAGE,
  title: '柑橘溃疡病现场诊断',
  description: '本村柑橘园出现溃疡病斑，附上病叶照片和检测报告，希望请植保专家到村现场诊断并指导用药。',
  ...change,
});
const call = (method: string, path: string, token: string | undefined, body?: unknown) => file.api.call(method, path, { token, body });
const villageToken = (region = VILLAGE, name = '东峉塘村委会') => file.api.token({ role: 'village', region, name });

let seed = 0;
/** A ready upload of `token`'s: a PDF, or a photo. */
async function ready(token: string, kind: 'pdf' | 'png' | 'jpeg' = 'pdf', fileName = `病叶照片${++seed}.${kind === 'jpeg' ? 'jpg' : kind}`) {
  const bytes = kind === 'pdf' ? pdf({ objects: [`<< /Seed ${++seed} >>`] }) : kind === 'png' ? png() : jpeg(1024 + ++seed);
  const contentType = kind === 'pdf' ? 'application/pdf' : `image/${kind}`;
  const sent = await send(file.api, token, bytes, { fileName, contentType });
  const view = await checked(file.api, token, sent.uploadId);
  expect(view.body.status, view.text).toBe('ready');
  return { uploadId: sent.uploadId, bytes, fileName };
}

async function download(id: string, materialId: string, token: string) {
  const link = await call('GET', `/v1/demands/${id}/materials/${materialId}`, token);
  if (link.status !== 200) return { status: link.status };
  const got = await fetch(link.body.url);
  return { status: got.status, bytes: Buffer.from(await got.arrayBuffer()), link: link.body };
}

async function storedNeeds() {
  const out = await services().demands.db.send(
    new QueryCommand({ TableName: services().config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.demandListScope({ status: 'PENDING', region: '44' }) } }),
  );
  const published = await services().demands.db.send(
    new QueryCommand({ TableName: services().config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.demandListScope({ status: 'PUBLISHED', region: '44' }) } }),
  );
  return (out.Items?.length ?? 0) + (published.Items?.length ?? 0);
}

describe('materials attached when posting a need', () => {
  it('an office attaches a PDF and a photo; anyone signed in reads them back, the very bytes, through a link of minutes', async () => {
    // Prepare
    const { tokens } = file;
    const report = await ready(tokens.township, 'pdf', '检测报告.pdf');
    const photo = await ready(tokens.township, 'png', '病叶.png');

    // Act
    const posted = await call('POST', '/v1/demands', tokens.township, need({ materials: [{ uploadId: report.uploadId }, { uploadId: photo.uploadId }] }));

    // Assess: listed in order with names, kinds and sizes; where the bytes are is never said
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.materials).toEqual([
      { id: expect.stringMatching(/^[0-9A-Z]{26}$/), fileName: '检测报告.pdf', contentType: 'application/pdf', size: report.bytes.length, sha256: sha256(report.bytes), uploadedAt: expect.any(String) },
      { id: expect.stringMatching(/^[0-9A-Z]{26}$/), fileName: '病叶.png', contentType: 'image/png', size: photo.bytes.length, sha256: sha256(photo.bytes), uploadedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(posted.body)).not.toContain('files/');
    const id = posted.body.id as string;
    const seen = await call('GET', `/v1/demands/${id}`, tokens.applicant);
    expect(seen.body.materials).toEqual(posted.body.materials);
    const listed = await call('GET', '/v1/demands?region=441882102', tokens.applicant);
    expect(JSON.stringify(listed.body)).not.toContain('files/');

    // Act: a station's organisation opens the report
    const opened = await download(id, posted.body.materials[0].id, tokens.applicant);

    // Assess
    expect(opened.status).toBe(200);
    expect(opened.bytes!.equals(report.bytes)).toBe(true);
    expect(Date.parse(opened.link.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    expect((await call('GET', `/v1/demands/${id}/materials/01J0000000000000000000000X`, tokens.applicant)).status).toBe(404);
    // The upload is the need's now: on no due list, never swept.
    const upload = await services().uploads.get(report.uploadId, new Date());
    expect(upload?.attachedTo).toEqual({ demandId: id, materialId: posted.body.materials[0].id });
  });

  it('the most a posting writes fits one transaction: MAX_SEARCH_GRAMS postings and five files in a village', async () => {
    // Prepare: a description of many distinct characters, five files
    const { tokens } = file;
    const long = need({ title: '春季水稻育秧与病虫害综合防治培训', description: '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星辰山川河海风雨雷电春夏秋冬东南西北'.repeat(2) });
    expect(searchGrams(long)).toHaveLength(MAX_SEARCH_GRAMS);
    const files = [];
    for (let i = 0; i < 5; i++) files.push(await ready(tokens.township, i % 2 ? 'jpeg' : 'pdf'));

    // Act
    const posted = await call('POST', '/v1/demands', tokens.township, { ...long, materials: files.map((f) => ({ uploadId: f.uploadId })) });

    // Assess
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.materials).toHaveLength(5);
  });

  it('refuses, every problem with its path and nothing stored: another user’s, not sent, refused, already attached, twice, an application’s', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const mine = await ready(tokens.township);
    const villages = await ready(village);
    const notSent = await call('POST', '/v1/uploads', tokens.township, { fileName: '未上传.pdf', contentType: 'application/pdf', size: 1000 });
    const refusedSent = await send(file.api, tokens.township, windowsExecutable(4096), { fileName: '照片.pdf', contentType: 'application/pdf' });
    expect((await checked(file.api, tokens.township, refusedSent.uploadId)).body.status).toBe('refused');
    const applicants = await send(file.api, tokens.applicant, pdf({ objects: ['<< /Applicant 1 >>'] }), { fileName: '申报材料.pdf', contentType: 'application/pdf' });
    const used = await ready(tokens.township);
    expect((await call('POST', '/v1/demands', tokens.township, need({ materials: [{ uploadId: used.uploadId }] }))).status).toBe(201);
    const before = await storedNeeds();

    // Act
    const out = await call(
      'POST',
      '/v1/demands',
      tokens.township,
      need({
        materials: [
          { uploadId: mine.uploadId },
          { uploadId: villages.uploadId },
          { uploadId: notSent.body.uploadId },
          { uploadId: refusedSent.uploadId },
          { uploadId: used.uploadId },
          { uploadId: mine.uploadId },
        ],
      }),
    );
    const applicantsUpload = await call('POST', '/v1/demands', tokens.township, need({ materials: [{ uploadId: applicants.uploadId }] }));
    const badShape = await call('POST', '/v1/demands', tokens.township, need({ materials: [{ key: 'x', uploadId: mine.uploadId }] }));

    // Assess: each problem at its place, in Chinese; the good upload still free; nothing stored
    expect(out.status, out.text).toBe(400);
    expect(out.body.issues.map((i: { path: string }) => i.path)).toEqual(['materials', 'materials.1', 'materials.2', 'materials.3', 'materials.4', 'materials.5']);
    expect(out.body.issues[0].message).toContain('最多附 5 个文件');
    expect(out.body.issues[1].message).toContain('不是本人上传的文件');
    expect(out.body.issues[2].message).toContain('尚未上传完成');
    expect(out.body.issues[3].message).toContain('未通过检查');
    expect(out.body.issues[4].message).toContain('已用于另一条需求或申请');
    expect(out.body.issues[5].message).toBe('同一个文件列了两次');
    expect(applicantsUpload.status).toBe(400);
    expect(applicantsUpload.body.issues).toEqual([{ path: 'materials.0', message: expect.stringContaining('不是本人上传的文件') }]);
    expect(badShape.status).toBe(400);
    expect(badShape.body.issues[0].path).toMatch(/^materials\.0/);
    expect(await storedNeeds()).toBe(before);
    expect((await services().uploads.get(mine.uploadId, new Date()))?.attachedTo).toBeUndefined();
  });

  it('a need’s uploads are held to its rules: photos and PDFs up to 10 MB, no application type', async () => {
    // Act
    const ofd = await call('POST', '/v1/uploads', file.tokens.township, { fileName: '文件.ofd', contentType: 'application/ofd', size: 1000 });
    const big = await call('POST', '/v1/uploads', await villageToken(), { fileName: '大图.jpg', contentType: 'image/jpeg', size: 11 * 1024 * 1024 });
    const typed = await call('POST', '/v1/uploads', file.tokens.township, { fileName: 'a.pdf', contentType: 'application/pdf', size: 1000, type: 'society-station', material: 'charter' });
    const province = await call('POST', '/v1/uploads', file.tokens.province, { fileName: 'a.pdf', contentType: 'application/pdf', size: 1000 });

    // Assess
    expect(ofd.status).toBe(400);
    expect(ofd.body.issues).toEqual([{ path: 'contentType', message: expect.stringContaining('PDF、JPEG、PNG') }]);
    expect(big.status).toBe(400);
    expect(big.body.issues).toEqual([{ path: 'size', message: expect.stringContaining('10 MB') }]);
    expect(typed.status).toBe(400);
    expect(typed.body.issues[0].path).toBe('type');
    expect(province.status).toBe(403);
  });

  it('two needs racing for one upload: one has it, the other is refused whole', async () => {
    // Prepare
    const { tokens } = file;
    const contested = await ready(tokens.township);
    const before = await storedNeeds();

    // Act
    const answers = await Promise.all([0, 1, 2].map(() => call('POST', '/v1/demands', tokens.township, need({ materials: [{ uploadId: contested.uploadId }] }))));

    // Assess: one 201; each other a 409 (lost in the write) or 400 (read it attached), at its path; one need stored
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 201)) {
      expect([400, 409], lost.text).toContain(lost.status);
      expect(lost.body.issues).toEqual([{ path: 'materials.0', message: expect.any(String) }]);
    }
    expect(await storedNeeds()).toBe(before + 1);
  });

  it('a posting racing the sweeper for an upload past its slot: the need has it with its bytes, or it is gone and the need refused', async () => {
    // Prepare
    const { tokens } = file;
    const upload = await ready(tokens.township);
    const later = () => new Date(Date.now() + (UPLOAD_TTL_SECONDS + 3600) * 1000);

    // Act
    const [posted] = await Promise.all([call('POST', '/v1/demands', tokens.township, need({ materials: [{ uploadId: upload.uploadId }] })), sweep(sweepServicesOf(services(), { now: later }))]);

    // Assess
    const record = await services().uploads.get(upload.uploadId, new Date(0));
    if (posted.status === 201) {
      expect(record?.attachedTo).toMatchObject({ demandId: posted.body.id });
      expect((await download(posted.body.id, posted.body.materials[0].id, tokens.applicant)).status).toBe(200);
    } else {
      expect([400, 409]).toContain(posted.status);
      expect(record === undefined || (record.status as string) === 'retired').toBe(true);
    }
  });
});

describe('a village’s need and its materials', () => {
  it('attached when posting, corrected after a return (one kept, one added); seen by its village and offices, 404 to others until published', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const photo = await ready(village, 'jpeg', '果园.jpg');

    // Act: post with a photo
    const posted = await call('POST', '/v1/demands', village, need({ materials: [{ uploadId: photo.uploadId }] }));

    // Assess: PENDING, with its photo; who may read it
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.status).toBe('PENDING');
    const id = posted.body.id as string;
    const [first] = posted.body.materials;
    expect(first).toMatchObject({ fileName: '果园.jpg', contentType: 'image/jpeg', size: photo.bytes.length });
    const other = await villageToken(OTHER_VILLAGE, '寒鸭村委会');
    const sibling = await file.api.token({ role: 'official', level: 'township', region: '441882101', name: '星子镇科协' });
    expect((await download(id, first.id, village)).bytes!.equals(photo.bytes)).toBe(true);
    expect((await download(id, first.id, tokens.township)).status).toBe(200);
    for (const token of [other, sibling, tokens.applicant]) expect((await call('GET', `/v1/demands/${id}/materials/${first.id}`, token)).status).toBe(404);

    // Act: the township returns it; the village keeps the photo and adds a report
    const returned = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'return', comment: '请补充检测报告', issues: [{ message: '请附上病害检测报告' }] });
    expect(returned.status, returned.text).toBe(200);
    const report = await ready(village, 'pdf', '检测报告.pdf');
    const refused = await call('PUT', `/v1/demands/${id}`, village, need({ materials: [{ materialId: first.id }, { materialId: '01J0000000000000000000000X' }, { uploadId: photo.uploadId }] }));
    const corrected = await call('PUT', `/v1/demands/${id}`, village, need({ materials: [{ materialId: first.id }, { uploadId: report.uploadId }] }));

    // Assess: the refusal lists each problem and changes nothing; the correction has both, in order
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.issues.map((i: { path: string }) => i.path)).toEqual(['materials.1', 'materials.2']);
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.body.status).toBe('PENDING');
    expect(corrected.body.materials.map((m: { fileName: string }) => m.fileName)).toEqual(['果园.jpg', '检测报告.pdf']);
    expect(corrected.body.materials[0]).toEqual(first);

    // Act: the township approves it: published, its files are anyone's to read
    const approved = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve' });
    expect(approved.status, approved.text).toBe(200);
    const opened = await download(id, corrected.body.materials[1].id, other);

    // Assess
    expect(opened.status).toBe(200);
    expect(opened.bytes!.equals(report.bytes)).toBe(true);
  });

  it('a correction without materials keeps the need’s files; with an empty list removes them', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const photo = await ready(village, 'png');
    const id = (await call('POST', '/v1/demands', village, need({ materials: [{ uploadId: photo.uploadId }] }))).body.id as string;
    const giveBack = () => call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'return', comment: '请修改', issues: [{ message: '请写明面积' }] });

    // Act
    await giveBack();
    const kept = await call('PUT', `/v1/demands/${id}`, village, need());
    await giveBack();
    const emptied = await call('PUT', `/v1/demands/${id}`, village, need({ materials: [] }));

    // Assess
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body.materials).toHaveLength(1);
    expect(emptied.status, emptied.text).toBe(200);
    expect(emptied.body.materials).toEqual([]);
  });

  it('uploads are their user’s: another village cannot read the state of one, nor attach it', async () => {
    // Prepare
    const village = await villageToken();
    const other = await villageToken(OTHER_VILLAGE, '寒鸭村委会');
    const photo = await ready(village, 'png');

    // Act
    const state = await call('GET', `/v1/uploads/${photo.uploadId}`, other);
    const attach = await call('POST', '/v1/demands', other, need({ regionCode: OTHER_VILLAGE, materials: [{ uploadId: photo.uploadId }] }));

    // Assess
    expect(state.status).toBe(404);
    expect(attach.status).toBe(400);
    expect(attach.body.issues).toEqual([{ path: 'materials.0', message: expect.stringContaining('不是本人上传的文件') }]);
  });
});
