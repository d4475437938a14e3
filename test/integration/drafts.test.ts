// Drafts (草稿, issue 18): an applicant saves what it typed, with its materials, and resumes it after a reload; two
// saves over one version, one wins; other organisations see nothing of it; a draft's uploads are kept as long as it
// is; a finished draft is submitted and deleted. And the host region's one-per-region rule is told as it is chosen.
import { describe, expect, it } from 'vitest';
import { DRAFT_KEEP_DAYS, MAX_DRAFTS } from '#functions/domain/drafts.js';
import { stackForFile } from '../support/local.js';
import { checked, requiredMaterials, send } from '../support/materials.js';
import { pdf } from '../support/files.js';
import { VILLAGE, submission } from '../support/submissions.js';

const TYPE = 'rural-tech-association';
const OTHER_ORG = '51441882MJ1234567W';
const file = stackForFile({ env: { MATERIALS: 'required' } });

const call = (method: string, path: string, token: string, body?: unknown) => file.api.call(method, path, { token, body });

describe('drafts (草稿)', () => {
  it('saves a half-filled form with its materials, resumes it as saved, and submits it', async () => {
    // Prepare: the required materials uploaded and checked, one more still to come
    const { refs } = await requiredMaterials(file.api, file.tokens.applicant, TYPE, 7);
    const whole = submission(TYPE, VILLAGE);

    // Act: a first save of a few fields, then a second with the region and the materials
    const created = await call('POST', '/v1/drafts', file.tokens.applicant, { type: TYPE, form: { name: whole.form.name } });
    expect(created.status, created.text).toBe(201);
    const saved = await call('PUT', `/v1/drafts/${created.body.id}`, file.tokens.applicant, {
      version: created.body.version,
      regionCode: VILLAGE.slice(0, 9),
      form: whole.form,
      materials: refs,
    });

    // Assess: what a reload reads back is what was saved, each file named with its state
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ id: created.body.id, version: 2, regionCode: VILLAGE.slice(0, 9), title: whole.form.name, typeName: '农村专业技术协会' });
    expect(saved.body.dropped).toBeUndefined();
    const resumed = await call('GET', `/v1/drafts/${created.body.id}`, file.tokens.applicant);
    expect(resumed.status).toBe(200);
    expect(resumed.body.form).toEqual(whole.form);
    expect(resumed.body.materials).toEqual(refs.map((r: { key: string; uploadId: string }) => expect.objectContaining({ ...r, status: 'ready', fileName: expect.stringMatching(/\.(pdf|jpg|png)$/) })));
    const list = await call('GET', '/v1/drafts', file.tokens.applicant);
    expect(list.body.items.find((d: { id: string }) => d.id === created.body.id)).toMatchObject({ version: 2, materials: refs.length, title: whole.form.name });

    // Assess: the uploads are kept as long as the draft (their slot's end moved from a day to the draft's 30)
    const keptTo = Date.parse(saved.body.expiresAt);
    expect(keptTo - Date.now()).toBeGreaterThan((DRAFT_KEEP_DAYS - 1) * 86_400_000);
    for (const ref of refs) {
      const upload = await file.api.stack.services.uploads.get(ref.uploadId, new Date());
      expect(Date.parse(upload!.expiresAt!)).toBe(keptTo);
    }

    // Act: submitted from the draft, then the draft deleted
    const submitted = await call('POST', '/v1/applications', file.tokens.applicant, { type: TYPE, regionCode: VILLAGE, form: resumed.body.form, materials: refs });
    expect(submitted.status, submitted.text).toBe(201);
    const deleted = await call('DELETE', `/v1/drafts/${created.body.id}`, file.tokens.applicant);

    // Assess
    expect(deleted.status).toBe(204);
    expect((await call('GET', `/v1/drafts/${created.body.id}`, file.tokens.applicant)).status).toBe(404);
    expect((await call('DELETE', `/v1/drafts/${created.body.id}`, file.tokens.applicant)).status).toBe(404);
    // A draft naming uploads now attached keeps them out, and says so
    const late = await call('POST', '/v1/drafts', file.tokens.applicant, { type: TYPE, materials: refs.slice(0, 1) });
    expect(late.status).toBe(201);
    expect(late.body.materials).toEqual([]);
    expect(late.body.dropped).toEqual([{ path: 'materials.0', message: expect.stringContaining('重新上传') }]);
  });

  it('of two saves over one version, exactly one is kept; the other is told (409) and changes nothing', async () => {
    // Prepare
    const created = await call('POST', '/v1/drafts', file.tokens.applicant, { type: 'society-station', form: { name: '甲' } });

    // Act
    const [a, b] = await Promise.all(
      ['第一个页面', '第二个页面'].map((name) => call('PUT', `/v1/drafts/${created.body.id}`, file.tokens.applicant, { version: 1, form: { name } })),
    );

    // Assess
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('刷新') });
    const now = await call('GET', `/v1/drafts/${created.body.id}`, file.tokens.applicant);
    expect(now.body).toMatchObject({ version: 2, form: winner.body.form });
  });

  it('is its organisation\'s only: others get 404, officials 403; bad input is refused at its field and stores nothing', async () => {
    // Prepare
    const other = await file.api.token({ role: 'applicant', org: OTHER_ORG, name: '另一协会' });
    const created = await call('POST', '/v1/drafts', file.tokens.applicant, { type: 'society-station', form: { name: '只给本单位看' } });
    const before = (await call('GET', '/v1/drafts', file.tokens.applicant)).body.items.length;

    // Act
    const read = await call('GET', `/v1/drafts/${created.body.id}`, other);
    const write = await call('PUT', `/v1/drafts/${created.body.id}`, other, { version: 1, form: {} });
    const remove = await call('DELETE', `/v1/drafts/${created.body.id}`, other);
    const theirs = await call('GET', '/v1/drafts', other);
    const official = await call('GET', '/v1/drafts', file.tokens.township);
    const bad = await call('POST', '/v1/drafts', file.tokens.applicant, {
      type: 'no-such-type',
      regionCode: '4418x',
      form: [],
      materials: [{ key: 'Roster', uploadId: 'x' }],
      extra: true,
    });
    const badKey = await call('POST', '/v1/drafts', file.tokens.applicant, { type: TYPE, materials: [{ key: 'no-such-material', uploadId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }] });
    const badVersion = await call('PUT', `/v1/drafts/${created.body.id}`, file.tokens.applicant, { form: {} });

    // Assess
    expect([read.status, write.status, remove.status]).toEqual([404, 404, 404]);
    expect(theirs.body.items).toEqual([]);
    expect(official.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'form', 'materials.0.key', 'materials.0.uploadId', 'regionCode', 'type']);
    for (const issue of bad.body.issues) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    expect(badKey.status).toBe(400);
    expect(badKey.body.issues).toEqual([{ path: 'materials.0.key', message: expect.stringContaining('材料清单中没有 no-such-material') }]);
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.issues).toEqual([expect.objectContaining({ path: 'version' })]);
    expect((await call('GET', '/v1/drafts', file.tokens.applicant)).body.items.length).toBe(before);
    expect((await call('GET', `/v1/drafts/${created.body.id}`, file.tokens.applicant)).body).toMatchObject({ version: 1, form: { name: '只给本单位看' } });
  });

  it('refuses a form the store could not keep as typed (numbers out of range, empty or reserved keys) at each field, never a 500', async () => {
    // Prepare: bodies as sent (a `__proto__` key kept as JSON has it)
    const forms = ['{"n":12345678901234567890,"m":1e200,"k":1e-200}', '{"":"x"}', '{"__proto__":{"admin":true}}', '{"constructor":{"a":1}}', '{"a":[1,{"__proto__":null}]}'];
    const before = (await call('GET', '/v1/drafts', file.tokens.applicant)).body.items.length;

    // Act
    const answers = [];
    for (const form of forms) answers.push(await call('POST', '/v1/drafts', file.tokens.applicant, `{"type":"${TYPE}","form":${form}}`));
    const created = await call('POST', '/v1/drafts', file.tokens.applicant, { type: TYPE, form: { name: '正常的草稿' } });
    const saved = await call('PUT', `/v1/drafts/${created.body.id}`, file.tokens.applicant, `{"version":1,"form":{"name":"正常的草稿","n":1e400}}`);

    // Assess: each refused at its path in Chinese; a fine form still saves
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.map((a) => a.body.issues.map((i: { path: string }) => i.path))).toEqual([['form.n', 'form.m', 'form.k'], ['form'], ['form.__proto__'], ['form.constructor'], ['form.a.1.__proto__']]);
    for (const answer of answers) for (const issue of answer.body.issues) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    expect(saved.status, saved.text).toBe(400);
    expect(saved.body.issues).toEqual([expect.objectContaining({ path: 'form.n' })]);
    expect((await call('GET', '/v1/drafts', file.tokens.applicant)).body.items.length).toBe(before + 1);
  });

  it('keeps at most its limit of drafts, and a draft\'s upload of another organisation is not kept', async () => {
    // Prepare: an organisation with no drafts yet (the test before saw it has none), and another's upload
    const mine = await file.api.token({ role: 'applicant', org: OTHER_ORG, name: '另一协会' });
    const others = await send(file.api, file.tokens.applicant, pdf({ objects: ['<< /Seed 99 >>'] }), { fileName: '别人的.pdf', contentType: 'application/pdf' });
    expect((await checked(file.api, file.tokens.applicant, others.uploadId)).body.status).toBe('ready');

    // Act
    const made = [];
    for (let i = 0; i < MAX_DRAFTS; i++) made.push(await call('POST', '/v1/drafts', mine, { type: 'society-station', form: { name: `草稿${i}` } }));
    const over = await call('POST', '/v1/drafts', mine, { type: 'society-station' });
    const borrowed = await call('PUT', `/v1/drafts/${made[0]!.body.id}`, mine, { version: 1, materials: [{ key: 'expert-credentials', uploadId: others.uploadId }] });

    // Assess
    expect(made.every((m) => m.status === 201)).toBe(true);
    expect(over.status).toBe(409);
    expect(over.body.message).toContain(`${MAX_DRAFTS} 份`);
    expect(borrowed.status, borrowed.text).toBe(200);
    expect(borrowed.body.materials).toEqual([]);
    expect(borrowed.body.dropped).toHaveLength(1);
    const upload = await file.api.stack.services.uploads.get(others.uploadId, new Date());
    expect(Date.parse(upload!.expiresAt!) - Date.now()).toBeLessThan(86_400_000 + 60_000);
  });

  it('tells, as the host region is chosen, whether the plan\'s one-per-region rule still lets it be applied for', async () => {
    // Prepare: a rural technical association in a village of its own
    const village = '441882102204';
    const { refs } = await requiredMaterials(file.api, file.tokens.applicant, TYPE, 8);
    const before = await call('GET', `/v1/availability?type=${TYPE}&regionCode=${village}`, file.tokens.applicant);
    const submitted = await call('POST', '/v1/applications', file.tokens.applicant, { ...submission(TYPE, village), materials: refs });
    expect(submitted.status, submitted.text).toBe(201);

    // Act
    const after = await call('GET', `/v1/availability?type=${TYPE}&regionCode=${village}`, file.tokens.applicant);
    const free = await call('GET', `/v1/availability?type=society-station&regionCode=441882102`, file.tokens.applicant);
    const wrongLevel = await call('GET', `/v1/availability?type=${TYPE}&regionCode=441882`, file.tokens.applicant);
    const nothing = await call('GET', '/v1/availability', file.tokens.applicant);
    const official = await call('GET', `/v1/availability?type=${TYPE}&regionCode=${village}`, file.tokens.county);

    // Assess
    expect(before.body).toMatchObject({ available: true, unique: true, message: null, regionName: expect.any(String) });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ available: false, unique: true, message: expect.stringContaining('只能设立一个') });
    expect(free.body).toMatchObject({ available: true, unique: false });
    expect(wrongLevel.status).toBe(400);
    expect(wrongLevel.body.issues).toEqual([{ path: 'regionCode', message: expect.stringContaining('不能设在') }]);
    expect(nothing.status).toBe(400);
    expect(nothing.body.issues.map((i: { path: string }) => i.path)).toEqual(['type', 'regionCode']);
    expect(official.status).toBe(403);
  });
});

