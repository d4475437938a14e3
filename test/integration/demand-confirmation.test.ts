// A village account's need (村账号提交的需求) on the local stack: posted PENDING in its own village, confirmed by its
// township (approve publishes it as an office's posting would: listed, searchable, counted), returned with every problem
// at once and corrected, rejected, withdrawn; and the bad input and security cases, each a clear 4xx with nothing stored.
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#functions/store/keys.js';
import { stackForFile } from '../support/local.js';

const file = stackForFile();
const services = () => file.api.stack.services;
const VILLAGE = '441882102206'; // 东峉塘村委会, 大路边镇, 连州市
const OTHER_VILLAGE = '441882102201'; // 寒鸭村委会, the same township
const TOWNSHIP = '441882102';

const need = (change: Record<string, unknown> = {}) => ({
  kind: 'training',
  industry: 'planting',
  regionCode: VILLAGE,
  title: '水稻机插秧技术培训',
  description: '本村种植水稻约五百亩，多数农户仍手工插秧，希望请农机专家到村开展机插秧育秧和操作培训。',
  expectedOutcome: '培训农户 50 人，机插面积过半',
  ...change,
});
const villageToken = (region = VILLAGE, name = '东峉塘村委会') => file.api.token({ role: 'village', region, name });
const call = (method: string, path: string, token: string | undefined, body?: unknown) => file.api.call(method, path, { token, body });
const ids = (out: { body: { items: { id: string }[] } }) => out.body.items.map((item) => item.id);

/** Every item stored under a partition key (a Query of the table's key). */
async function partition(pk: string) {
  const out = await services().demands.db.send(new QueryCommand({ TableName: services().config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
  return out.Items ?? [];
}

async function posted(token: string, body = need()) {
  const out = await call('POST', '/v1/demands', token, body);
  expect(out.status, out.text).toBe(201);
  return out.body.id as string;
}

describe('village accounts', () => {
  it('take only a village code of Guangdong, and no org or level', async () => {
    // Act
    const refused = await Promise.all([
      call('POST', '/v1/dev/token', undefined, { role: 'village', region: TOWNSHIP, name: '大路边镇' }),
      call('POST', '/v1/dev/token', undefined, { role: 'village', region: '441882102999', name: '不存在的村' }),
      call('POST', '/v1/dev/token', undefined, { role: 'village', name: '无区划' }),
      call('POST', '/v1/dev/token', undefined, { role: 'village', region: VILLAGE, level: 'township', name: '带层级' }),
      call('POST', '/v1/dev/token', undefined, { role: 'village', region: VILLAGE, org: '91441882MA4UA1B2C9', name: '带单位' }),
    ]);
    const taken = await call('POST', '/v1/dev/token', undefined, { role: 'village', region: VILLAGE, name: '东峉塘村委会' });

    // Assess
    for (const out of refused) expect(out.status, out.text).toBe(400);
    expect(taken.status, taken.text).toBe(200);
  });

  it('are refused what is not theirs: applications, tasks, registry, stats, gaps, drafts (uploads are their needs’ files: test/integration/demand-materials.test.ts)', async () => {
    // Prepare
    const village = await villageToken();

    // Act
    const answers = await Promise.all(
      [
        ['GET', '/v1/applications'],
        ['GET', '/v1/tasks'],
        ['GET', '/v1/registry'],
        ['GET', '/v1/stats'],
        ['GET', '/v1/gaps'],
        ['POST', '/v1/drafts'],
      ].map(([method, path]) => call(method, path, village, method === 'POST' ? { type: 'society-station', form: {} } : undefined)),
    );
    const notices = await call('GET', '/v1/notifications', village);

    // Assess
    for (const out of answers) expect(out.status, out.text).toBe(403);
    expect(notices.status).toBe(200);
  });
});

describe('a village account posts a need for its township to confirm', () => {
  it('PENDING, not published; the township approves it and it is published, found by county and by a Chinese word, counted as unanswered', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const before = Number((await partition(keys.unansweredDemands('441882').pk))[0]?.n ?? 0);

    // Act: post
    const out = await call('POST', '/v1/demands', village, need());

    // Assess: PENDING, confirmed by the township, not on any public list nor in the search
    expect(out.status, out.text).toBe(201);
    const id = out.body.id as string;
    expect(out.body).toMatchObject({ status: 'PENDING', statusName: '待确认', village: { region: VILLAGE, name: '东峉塘村委会' }, postedBy: { level: 'township', region: TOWNSHIP, name: '大路边镇科协' }, publishedAt: null, ownVillage: true, mine: false });
    expect(out.body.confirmBy).toEqual(expect.any(String));
    expect(out.body.confirmCountdown).toEqual({ overdue: false, workingDaysLeft: expect.any(Number) });
    expect(ids(await call('GET', '/v1/demands?region=441882', tokens.applicant))).not.toContain(id);
    expect(ids(await call('GET', `/v1/demands?q=${encodeURIComponent('机插秧')}`, tokens.applicant))).not.toContain(id);
    expect((await call('GET', `/v1/demands/${id}`, tokens.applicant)).status).toBe(404);
    expect(await partition(keys.demandGramPk('机插'))).toEqual([]);

    // Assess: the village sees its own; the township sees it to confirm, and is told
    expect(ids(await call('GET', '/v1/demands?status=PENDING', village))).toContain(id);
    const toConfirm = await call('GET', '/v1/demands?status=PENDING', tokens.township);
    expect(ids(toConfirm)).toContain(id);
    expect(ids(await call('GET', '/v1/demands?status=PENDING&kind=training&industry=planting', tokens.township))).toContain(id);
    expect(ids(await call('GET', '/v1/demands?status=PENDING&kind=talent', tokens.township))).not.toContain(id);
    const townshipNotices = await call('GET', '/v1/notifications', tokens.township);
    expect(townshipNotices.body.items).toContainEqual(expect.objectContaining({ kind: 'demand-pending', demandId: id }));

    // Act: the township approves
    const approved = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve' });

    // Assess: PUBLISHED, the township its office, found by county and by a word, counted, the village told
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'PUBLISHED', mine: true, publishedAt: expect.any(String), confirmBy: null });
    expect(approved.body.history.map((e: { action: string }) => e.action)).toEqual(['post', 'approve']);
    expect(ids(await call('GET', '/v1/demands?region=441882&kind=training', tokens.applicant))).toContain(id);
    expect(ids(await call('GET', `/v1/demands?q=${encodeURIComponent('机插秧')}&region=441882`, tokens.applicant))).toContain(id);
    expect(ids(await call('GET', '/v1/demands?status=PENDING', tokens.township))).not.toContain(id);
    expect(Number((await partition(keys.unansweredDemands('441882').pk))[0]?.n ?? 0)).toBe(before + 1);
    expect(await partition(keys.demandAging(id).pk)).toContainEqual(expect.objectContaining({ sk: 'AGING' }));
    const villageNotices = await call('GET', '/v1/notifications', village);
    expect(villageNotices.body.items).toContainEqual(expect.objectContaining({ kind: 'demand-approved', demandId: id }));

    // Act: a second decision
    const again = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'reject', comment: '重复' });

    // Assess
    expect(again.status, again.text).toBe(409);
  });

  it('returned with every problem at once, corrected by the village (PENDING again), then approved', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const id = await posted(village);

    // Act: return
    const returned = await call('POST', `/v1/demands/${id}/decision`, tokens.township, {
      action: 'return',
      comment: '请补充完善',
      issues: [
        { path: 'description', message: '请写明育秧时间和参加培训的农户数' },
        { path: 'wantedBy', message: '请填写期望完成日期' },
      ],
    });

    // Assess: RETURNED with its issues, the village told with them
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: 'RETURNED', issues: [{ path: 'description' }, { path: 'wantedBy' }] });
    const notices = await call('GET', '/v1/notifications', village);
    const notice = notices.body.items.find((n: { kind: string; demandId: string }) => n.kind === 'demand-returned' && n.demandId === id);
    expect(notice.body).toContain('育秧时间');
    expect(ids(await call('GET', '/v1/demands?status=RETURNED', village))).toContain(id);
    // Found by a word in its village's and its township's lists of needs not published
    expect(ids(await call('GET', `/v1/demands?status=RETURNED&q=${encodeURIComponent('机插秧')}`, village))).toContain(id);
    expect(ids(await call('GET', `/v1/demands?status=RETURNED&q=${encodeURIComponent('机插秧')}`, tokens.township))).toContain(id);
    expect(ids(await call('GET', `/v1/demands?status=RETURNED&q=${encodeURIComponent('没有这个词')}`, tokens.township))).not.toContain(id);

    // Act: the correction, first with bad input, then right
    const bad = await call('PUT', `/v1/demands/${id}`, village, need({ title: '短', wantedBy: '2027-02-30', kind: 'x' }));
    const unchanged = await call('GET', `/v1/demands/${id}`, village);
    const corrected = await call('PUT', `/v1/demands/${id}`, village, need({ description: '本村种植水稻约五百亩，计划三月下旬育秧，约六十户农户希望参加机插秧育秧和操作培训。', wantedBy: '2027-04-30' }));

    // Assess: every problem at once with its path, nothing stored; then PENDING again, its issues cleared, the township told again
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['kind', 'title', 'wantedBy']);
    expect(unchanged.body).toMatchObject({ status: 'RETURNED', version: returned.body.version });
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.body).toMatchObject({ status: 'PENDING', issues: [], wantedBy: '2027-04-30' });
    const townshipNotices = await call('GET', '/v1/notifications', tokens.township);
    expect(townshipNotices.body.items.filter((n: { kind: string; demandId: string }) => n.kind === 'demand-pending' && n.demandId === id)).toHaveLength(2);

    // Act: an approval over the version read before the correction, then over the corrected one
    const unseen = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve', version: returned.body.version });
    const approved = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve', comment: '同意发布', version: corrected.body.version });

    // Assess: the first told to read it again (nothing decided); the second publishes it
    expect(unseen.status, unseen.text).toBe(409);
    expect(unseen.body.message).toContain('重新审阅');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.status).toBe('PUBLISHED');
    expect(approved.body.history.map((e: { action: string }) => e.action)).toEqual(['post', 'return', 'resubmit', 'approve']);
    expect(ids(await call('GET', `/v1/demands?q=${encodeURIComponent('育秧')}`, tokens.applicant))).toContain(id);

    // Assess: a station reads the published need's history without accounts' ids or the return's comment and problems;
    // the township reads it whole
    const publicView = await call('GET', `/v1/demands/${id}`, tokens.applicant);
    const publicReturn = publicView.body.history.find((e: { action: string }) => e.action === 'return');
    expect(publicReturn).toMatchObject({ comment: null, actor: { name: expect.any(String) } });
    expect(publicReturn.issues).toBeUndefined();
    for (const event of publicView.body.history) expect(event.actor.sub).toBeUndefined();
    const officeView = await call('GET', `/v1/demands/${id}`, tokens.township);
    expect(officeView.body.history.find((e: { action: string }) => e.action === 'return')).toMatchObject({ comment: '请补充完善', actor: { sub: expect.any(String) } });
  });

  it('rejected: REJECTED, never published, the village told; withdrawn: WITHDRAWN, and a decision after it is 409', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const rejectedId = await posted(village);
    const withdrawnId = await posted(village, need({ title: '稻田养鱼技术指导' }));

    // Act
    const rejected = await call('POST', `/v1/demands/${rejectedId}/decision`, tokens.township, { action: 'reject', comment: '与上一条需求重复' });
    const withdrawn = await call('POST', `/v1/demands/${withdrawnId}/withdraw`, village);
    const late = await call('POST', `/v1/demands/${withdrawnId}/decision`, tokens.township, { action: 'approve' });
    const withdrawAgain = await call('POST', `/v1/demands/${rejectedId}/withdraw`, village);

    // Assess
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    expect(ids(await call('GET', '/v1/demands?status=REJECTED', village))).toContain(rejectedId);
    expect((await call('GET', '/v1/notifications', village)).body.items).toContainEqual(expect.objectContaining({ kind: 'demand-rejected', demandId: rejectedId }));
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    expect(late.status, late.text).toBe(409);
    expect(withdrawAgain.status, withdrawAgain.text).toBe(409);
    expect(ids(await call('GET', '/v1/demands?region=441882102', tokens.applicant))).not.toContain(rejectedId);
  });

  it('two decisions at once: exactly one wins, the other is 409', async () => {
    // Prepare
    const { tokens } = file;
    const id = await posted(await villageToken());

    // Act
    const [a, b] = await Promise.all([
      call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve' }),
      call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'reject', comment: '不符合要求' }),
    ]);

    // Assess: one 200, one 409, one decision in the history
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const read = await call('GET', `/v1/demands/${id}`, tokens.township);
    expect(read.body.history.filter((e: { action: string }) => e.action !== 'post')).toHaveLength(1);
    expect(read.body.status).toBe(a.status === 200 ? 'PUBLISHED' : 'REJECTED');
  });
});

describe('bad input and security of a village need', () => {
  it('a need outside its own village is 403, bad fields 400 with every problem, nothing stored', async () => {
    // Prepare
    const village = await villageToken();
    const mine = () => call('GET', '/v1/demands?status=PENDING', village);
    const before = ids(await mine());

    // Act
    const otherVillage = await call('POST', '/v1/demands', village, need({ regionCode: OTHER_VILLAGE }));
    const township = await call('POST', '/v1/demands', village, need({ regionCode: TOWNSHIP }));
    const bad = await call('POST', '/v1/demands', village, need({ title: '', description: '太短', industry: 'unknown' }));

    // Assess
    expect(otherVillage.status, otherVillage.text).toBe(403);
    expect(otherVillage.body.message).toContain('本村');
    expect(township.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['description', 'industry', 'title']);
    expect(ids(await mine())).toEqual(before);
  });

  it('only its township decides: another township 404, its county, the province, an admin and the village 403; another village sees nothing', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const id = await posted(village);
    const otherTownship = await file.api.token({ role: 'official', level: 'township', region: '441882101', name: '星子镇科协' });
    const otherVillage = await villageToken(OTHER_VILLAGE, '寒鸭村委会');
    const decide = (token: string) => call('POST', `/v1/demands/${id}/decision`, token, { action: 'approve' });

    // Act
    const answers = {
      otherTownship: await decide(otherTownship),
      otherVillage: await decide(otherVillage),
      county: await decide(tokens.county),
      province: await decide(tokens.province),
      admin: await decide(tokens.admin),
      village: await decide(village),
      applicant: await decide(tokens.applicant),
    };
    const otherVillageReads = await call('GET', `/v1/demands/${id}`, otherVillage);
    const otherVillageLists = await call('GET', `/v1/demands?status=PENDING&region=${VILLAGE}`, otherVillage);
    const otherCorrects = await call('PUT', `/v1/demands/${id}`, otherVillage, need());
    const townshipWithdraws = await call('POST', `/v1/demands/${id}/withdraw`, tokens.township);
    const invalid = await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'return', comment: '' });

    // Assess
    expect(answers.otherTownship.status).toBe(404);
    expect(answers.otherVillage.status).toBe(404);
    expect(answers.applicant.status).toBe(404);
    for (const who of ['county', 'province', 'admin', 'village'] as const) expect(answers[who].status, `${who}: ${answers[who].text}`).toBe(403);
    expect(otherVillageReads.status).toBe(404);
    expect(otherVillageLists.status).toBe(403);
    expect(otherCorrects.status).toBe(404);
    expect(townshipWithdraws.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['comment', 'issues']);
    const still = await call('GET', `/v1/demands/${id}`, tokens.township);
    expect(still.body).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('a published village need is managed by its township: it picks and closes; the village cannot', async () => {
    // Prepare
    const { tokens } = file;
    const village = await villageToken();
    const id = await posted(village);
    await call('POST', `/v1/demands/${id}/decision`, tokens.township, { action: 'approve' });

    // Act
    const byVillage = await call('POST', `/v1/demands/${id}/match`, village, { responseIds: ['x'] });
    const read = await call('GET', `/v1/demands/${id}`, village);
    const correctPublished = await call('PUT', `/v1/demands/${id}`, village, need());

    // Assess
    expect(byVillage.status).toBe(403);
    expect(read.body).toMatchObject({ status: 'PUBLISHED', ownVillage: true, mine: false });
    expect(correctPublished.status).toBe(409);
  });
});
