// 批量通过 (POST /v1/tasks/approvals): the province approves three of its tasks at once, each decided as one decision
// is (the certificates follow); an item that cannot be approved is reported with its reason and the rest go on; a
// township may not batch; bad input is refused at its field with nothing decided.
import { describe, expect, it } from 'vitest';
import { stackForFile, taskInInbox } from '../support/local.js';
import { submission } from '../support/submissions.js';
import { awaitStatus } from './registry-fixtures.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市
const file = stackForFile();

const decide = (who: string, id: string) => file.api.call('POST', `/v1/applications/${id}/decision`, { token: who, body: { action: 'approve' } });
const batch = (who: string, body: unknown) => file.api.call('POST', '/v1/tasks/approvals', { token: who, body });

/** A society station's application, approved by the township and the county: awaiting the province. */
async function atProvince(): Promise<string> {
  const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  const id = out.body.id as string;
  for (const who of [file.tokens.township, file.tokens.county]) {
    await taskInInbox(file.api, who, id, 8_000);
    expect((await decide(who, id)).status).toBe(200);
  }
  await taskInInbox(file.api, file.tokens.province, id, 8_000);
  return id;
}

describe('batch approval (批量通过)', () => {
  it('approves each of the province\'s tasks listed, reports the one it cannot, and the certificates follow', async () => {
    // Prepare: three awaiting the province, one still at the township
    const ids = [await atProvince(), await atProvince(), await atProvince()];
    const early = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', TOWNSHIP) });
    expect(early.status).toBe(201);

    // Act
    const out = await batch(file.tokens.province, { applicationIds: [ids[0], early.body.id, ids[1], ids[2]], comment: '材料齐全，同意设立' });

    // Assess: in the order sent, three approved, the township's reported with why
    expect(out.status, out.text).toBe(200);
    expect(out.body.items.map((i: { applicationId: string; outcome: string }) => [i.applicationId, i.outcome])).toEqual([
      [ids[0], 'approved'],
      [early.body.id, 'refused'],
      [ids[1], 'approved'],
      [ids[2], 'approved'],
    ]);
    expect(out.body.items[1]).toMatchObject({ error: 'conflict', message: expect.stringContaining('乡镇') });
    for (const id of ids) {
      const approved = await awaitStatus(file.api, file.tokens.applicant, id, 'APPROVED');
      expect(approved.certificateNo).toEqual(expect.any(String));
      expect(approved.history.at(-1)).toMatchObject({ action: 'approve', level: 'province', comment: '材料齐全，同意设立' });
    }
    const untouched = await file.api.call('GET', `/v1/applications/${early.body.id}`, { token: file.tokens.applicant });
    expect(untouched.body).toMatchObject({ status: 'PENDING', currentLevel: 'township' });
  });

  it('refuses a township (403), bad input at its field (400), and decides nothing then', async () => {
    // Prepare
    const id = await atProvince();

    // Act
    const township = await batch(file.tokens.township, { applicationIds: [id] });
    const empty = await batch(file.tokens.province, { applicationIds: [] });
    const twice = await batch(file.tokens.province, { applicationIds: [id, id], extra: 1 });
    const tooMany = await batch(file.tokens.province, { applicationIds: Array.from({ length: 21 }, (_, i) => `${id}-${i}`) });
    const applicant = await batch(file.tokens.applicant, { applicationIds: [id] });
    // Another county's office: the application is none of its business, as for one decision (not found).
    const elsewhere = await batch(await file.api.token({ role: 'official', level: 'county', region: '441881', name: '英德市科协' }), { applicationIds: [id] });
    const otherProvinceItem = await batch(file.tokens.county, { applicationIds: [id] });

    // Assess
    expect(township.status).toBe(403);
    expect(township.body.message).toContain('乡镇请逐件审核');
    expect(applicant.status).toBe(403);
    expect(empty.status).toBe(400);
    expect(empty.body.issues).toEqual([{ path: 'applicationIds', message: '请至少选择一件申请' }]);
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual(expect.arrayContaining([{ path: 'applicationIds', message: '同一申请列了两次' }, expect.objectContaining({ path: 'extra' })]));
    expect(twice.body.issues).toHaveLength(2);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues).toEqual([{ path: 'applicationIds', message: '一次最多通过 20 件' }]);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items).toEqual([expect.objectContaining({ applicationId: id, outcome: 'refused', error: 'not_found' })]);
    // Its own county, once the application has gone on to the province: not awaiting it (409's conflict).
    expect(otherProvinceItem.body.items).toEqual([expect.objectContaining({ applicationId: id, outcome: 'refused', error: 'conflict' })]);
    const still = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });
    expect(still.body).toMatchObject({ status: 'PENDING', currentLevel: 'province' });
  });
});
