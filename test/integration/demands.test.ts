// The demand library (需求库) on the local stack: an office posts a need in its region (published at once), a station's
// organisation finds it by region, kind and a Chinese word, responds, the office picks it and closes it with a rating,
// and the station's certificate shows it; and the issue's bad input and security cases, each a clear 4xx with
// nothing stored.
import { describe, expect, it, vi } from 'vitest';
import { creditCodes } from '#forms/fixtures.js';
import { keys } from '#functions/store/keys.js';
import { stackForFile } from '../support/local.js';
import { seedApproved } from './registry-fixtures.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { childrenOf } from '#functions/regions/index.js';
import { cstYear } from '#functions/domain/china-time.js';

const file = stackForFile();
const services = () => file.api.stack.services;
const OTHER_STATION_ORG = creditCodes.countyFederation;
const NO_CERTIFICATE_ORG = creditCodes.villageCommittee;
const TOWNSHIP = '441882102'; // 大路边镇, 连州市
const VILLAGE = '441882102201';

const need = (change: Record<string, unknown> = {}) => ({
  kind: 'technology',
  industry: 'planting',
  regionCode: VILLAGE,
  title: '沙糖桔黄龙病防控技术指导',
  description: '本村种植沙糖桔约两百亩，近两年黄龙病蔓延，急需柑橘病虫害防治专家到村现场指导，培训果农规范用药。',
  expectedOutcome: '黄龙病发病率降到百分之五以下',
  wantedBy: '2027-06-30',
  ...change,
});
const post = (token: string, body: unknown) => file.api.call('POST', '/v1/demands', { token, body });
const list = (token: string, query: string) => file.api.call('GET', `/v1/demands?${query}`, { token });
const ids = (out: { body: { items: { id: string }[] } }) => out.body.items.map((item) => item.id);

/** Every item stored under a partition key (a Query of the table's key). */
async function partition(pk: string) {
  const out = await services().demands.db.send(new QueryCommand({ TableName: services().config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
  return out.Items ?? [];
}

describe('the demand library', () => {
  it('a township posts, a station finds it by county, kind and a Chinese word, responds, is picked, the need is closed with a rating, and the certificate shows it', async () => {
    // Prepare: a certified station of STATION_ORG, its applicant account, the township's office
    const { api, tokens } = file;
    const station = await seedApproved(services(), { type: 'society-station', regionCode: TOWNSHIP, at: new Date() });
    const township = tokens.township;

    // Act: post
    const posted = await post(township, need());

    // Assess: published at once, in the office's name, with its history
    expect(posted.status, posted.text).toBe(201);
    const id = posted.body.id as string;
    expect(posted.body).toMatchObject({ status: 'PUBLISHED', statusName: '征集中', kind: 'technology', kindName: '技术', industryName: '种植业', regionCode: VILLAGE, postedBy: { level: 'township', region: TOWNSHIP } });
    expect(posted.body.regionName).toContain('连州市');
    expect(posted.body.history).toEqual([expect.objectContaining({ action: 'post', actor: expect.objectContaining({ level: 'township' }) })]);

    // Act: the station finds it by its county and kind, and by Chinese words of the title and of the description
    const byCounty = await list(tokens.applicant, 'region=441882&kind=technology');
    const byWord = await list(tokens.applicant, `q=${encodeURIComponent('黄龙病')}&region=441882`);
    const byDescription = await list(tokens.applicant, `q=${encodeURIComponent('病虫害防治')}`);
    const otherKind = await list(tokens.applicant, 'region=441882&kind=training');
    const otherCounty = await list(tokens.applicant, 'region=441881');
    const noWord = await list(tokens.applicant, `q=${encodeURIComponent('荔枝')}`);

    // Assess
    expect(ids(byCounty)).toContain(id);
    expect(ids(byWord)).toContain(id);
    expect(ids(byDescription)).toContain(id);
    expect(ids(otherKind)).not.toContain(id);
    expect(ids(otherCounty)).not.toContain(id);
    expect(ids(noWord)).not.toContain(id);

    // Act: respond
    const responded = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body: { proposal: '派果树研究所专家两名驻村十天，现场诊断并培训果农。', startBy: '2027-01-10' } });

    // Assess: the response names the station; the office is told; it sees the contact, another station does not
    expect(responded.status, responded.text).toBe(201);
    expect(responded.body).toMatchObject({ certificateNo: station.certificateNo, stationName: station.name, status: 'SUBMITTED', contact: { mobile: '13800138000' } });
    const officeNotices = await api.call('GET', '/v1/notifications', { token: township });
    expect(officeNotices.body.items).toContainEqual(expect.objectContaining({ kind: 'demand-response', demandId: id }));
    const asOffice = await api.call('GET', `/v1/demands/${id}`, { token: township });
    expect(asOffice.body).toMatchObject({ mine: true, responseCount: 1, responses: [expect.objectContaining({ id: responded.body.id, contact: expect.objectContaining({ mobile: '13800138000' }) })] });
    const other = await api.token({ role: 'applicant', org: OTHER_STATION_ORG, name: '另一协会' });
    const asOther = await api.call('GET', `/v1/demands/${id}`, { token: other });
    expect(asOther.status).toBe(200);
    expect(asOther.body.responses).toEqual([]);
    expect(asOther.text).not.toContain('13800138000');
    const asCounty = await api.call('GET', `/v1/demands/${id}`, { token: tokens.county });
    expect(asCounty.text).not.toContain('13800138000');

    // Act: match
    const matched = await api.call('POST', `/v1/demands/${id}/match`, { token: township, body: { responseIds: [responded.body.id] } });

    // Assess: MATCHED, the response too, the station told, its certificate shows the need
    expect(matched.status, matched.text).toBe(200);
    expect(matched.body).toMatchObject({ status: 'MATCHED', matchedAt: expect.any(String), responses: [expect.objectContaining({ status: 'MATCHED' })] });
    const stationNotices = await api.call('GET', '/v1/notifications', { token: tokens.applicant });
    expect(stationNotices.body.items).toContainEqual(expect.objectContaining({ kind: 'demand-matched', demandId: id }));
    expect(ids(await list(tokens.applicant, 'region=441882102&status=MATCHED'))).toContain(id);
    expect(ids(await list(tokens.applicant, 'region=441882102'))).not.toContain(id);
    const certificateMatched = await api.call('GET', `/v1/certificates/${station.certificateNo}`);
    expect(certificateMatched.body.demands).toEqual([expect.objectContaining({ demandId: id, status: 'MATCHED', rating: null })]);

    // Act: close with a rating
    const closed = await api.call('POST', `/v1/demands/${id}/close`, { token: township, body: { outcome: '专家驻村十天，培训果农 80 人，发病率明显下降。', rating: 5, daysOnSite: 10, peopleTrained: 80 } });

    // Assess: CLOSED with its closure, the station told, its certificate shows the rating, the history whole
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', closure: { rating: 5, daysOnSite: 10, peopleTrained: 80, comment: null } });
    expect(closed.body.history.map((e: { action: string }) => e.action)).toEqual(['post', 'respond', 'match', 'close']);
    const closedNotices = await api.call('GET', '/v1/notifications', { token: tokens.applicant });
    expect(closedNotices.body.items).toContainEqual(expect.objectContaining({ kind: 'demand-closed', demandId: id }));
    const certificateClosed = await api.call('GET', `/v1/certificates/${station.certificateNo}`);
    expect(certificateClosed.body.demands).toEqual([expect.objectContaining({ demandId: id, status: 'CLOSED', rating: 5, closedAt: expect.any(String) })]);
    expect(ids(await list(tokens.applicant, 'status=CLOSED&region=441882'))).toContain(id);

    // Act: the station files its annual report for this year
    const filed = await api.call('POST', `/v1/certificates/${station.certificateNo}/reports`, {
      token: tokens.applicant,
      body: {
        year: cstYear(new Date()),
        form: { services: '全年开展柑橘病虫害防治现场指导12次，推广水肥一体化技术。', expertDaysOnSite: 10, trainings: 1, peopleTrained: 80, technologies: [{ name: '柑橘黄龙病综合防控' }], farmersServed: 80, enterprisesServed: 0, problems: '暂无问题。' },
      },
    });

    // Assess: the county reads the year's need with its rating in the report (需求对接)
    expect(filed.status, filed.text).toBe(201);
    const read = await api.call('GET', `/v1/applications/${filed.body.id}`, { token: tokens.county });
    expect(read.status, read.text).toBe(200);
    expect(read.body.subject.demands).toMatchObject({ matched: 1, closed: 1, averageRating: 5, poorRatings: 0, needs: [{ demandId: id, status: 'CLOSED', rating: 5 }] });
  });

  it('shows each need the ACTIVE stations already near it: its township\'s first, then its county\'s, none from elsewhere', async () => {
    // Prepare: in 英德市 (no other test's stations), one station in 望埠镇, one in 沙口镇; a need in a village of 望埠镇
    const [ownTownship, otherTownship] = ['441881102', '441881101'];
    const village = childrenOf(ownTownship)[0].code;
    // Organisations of their own: the other tests count the stations of theirs.
    const near = await seedApproved(services(), { type: 'society-station', regionCode: ownTownship, at: new Date(Date.now() - 60_000), org: creditCodes.provincialSociety });
    const inCounty = await seedApproved(services(), { type: 'society-station', regionCode: otherTownship, at: new Date(), org: creditCodes.villageAssociation });
    const office = await file.api.token({ role: 'official', level: 'township', region: ownTownship, name: '望埠镇科协' });
    const posted = await post(office, need({ regionCode: village }));
    expect(posted.status, posted.text).toBe(201);

    // Act
    const shown = await file.api.call('GET', `/v1/demands/${posted.body.id}`, { token: file.tokens.applicant });

    // Assess: the township's station first although the county's is newer; each once; nothing of 连州市's
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body.nearby).toEqual([
      { certificateNo: near.certificateNo, name: near.name, type: 'society-station', typeName: expect.stringContaining('学会'), regionCode: ownTownship, regionName: expect.stringContaining('望埠镇'), scope: 'township' },
      expect.objectContaining({ certificateNo: inCounty.certificateNo, regionCode: otherTownship, scope: 'county' }),
    ]);
  });

  it('refuses a need outside the poster\'s region (403) and bad input (400, every problem at once), storing nothing', async () => {
    // Prepare
    const { tokens } = file;
    const title = '外辖区需求测试标题';

    // Act
    const outside = await post(tokens.township, need({ regionCode: '441882101202', title }));
    const byProvince = await post(tokens.province, need({ title }));
    const byApplicant = await post(tokens.applicant, need({ title }));
    const bad = await post(tokens.township, need({ kind: 'money', industry: 'mining', title: '短', wantedBy: '2027-02-30', extra: 1 }));
    const unknownRegion = await post(tokens.township, need({ regionCode: '441882102999', title }));

    // Assess
    expect(outside.status, outside.text).toBe(403);
    expect(outside.body.message).toMatch(/本辖区/);
    expect(byProvince.status).toBe(403);
    expect(byApplicant.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'industry', 'kind', 'title', 'wantedBy']);
    expect(unknownRegion.status).toBe(400);
    expect(unknownRegion.body.issues).toEqual([expect.objectContaining({ path: 'regionCode' })]);
    const search = await list(tokens.admin, `q=${encodeURIComponent('外辖区需求')}`);
    expect(search.body.items).toEqual([]);
    expect(await partition(keys.demandListScope({ status: 'PUBLISHED', region: '441882101' }))).toEqual([]);
  });

  it('refuses responses by an organisation without an ACTIVE certificate or an office, and a second response (409)', async () => {
    // Prepare
    const { api, tokens } = file;
    const posted = await post(tokens.township, need({ title: '蔬菜大棚种植技术需求' }));
    const id = posted.body.id as string;
    const uncertified = await api.token({ role: 'applicant', org: NO_CERTIFICATE_ORG, name: '某村委会' });
    const body = { proposal: '派专家驻村指导蔬菜大棚建设与种植技术。' };

    // Act
    const noCertificate = await api.call('POST', `/v1/demands/${id}/responses`, { token: uncertified, body });
    const byOffice = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.county, body });
    const badBody = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body: { proposal: '短', startBy: 'soon' } });
    const first = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body });
    const second = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body });

    // Assess
    expect(noCertificate.status, noCertificate.text).toBe(403);
    expect(noCertificate.body.message).toMatch(/有效/);
    expect(byOffice.status).toBe(403);
    expect(badBody.status).toBe(400);
    expect(badBody.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['proposal', 'startBy']);
    expect(first.status, first.text).toBe(201);
    expect(second.status, second.text).toBe(409);
    const stored = await api.call('GET', `/v1/demands/${id}`, { token: tokens.township });
    expect(stored.body.responseCount).toBe(1);
    expect(stored.body.responses).toHaveLength(1);
  });

  it('lets only the posting office match and close; refuses a poor rating without a reason and a second rating', async () => {
    // Prepare: a need with one response
    const { api, tokens } = file;
    const id = (await post(tokens.township, need({ title: '农产品电商直播培训需求', kind: 'training', industry: 'e-commerce' }))).body.id as string;
    const response = await api.call('POST', `/v1/demands/${id}/responses`, { token: tokens.applicant, body: { proposal: '开设三期农产品电商直播培训班，每期两天。' } });
    const responseIds = [response.body.id];

    // Act: match by others
    const byCounty = await api.call('POST', `/v1/demands/${id}/match`, { token: tokens.county, body: { responseIds } });
    const byOtherTownship = await api.call('POST', `/v1/demands/${id}/match`, { token: await api.token({ role: 'official', level: 'township', region: '441882101', name: '东陂镇' }), body: { responseIds } });
    const byStation = await api.call('POST', `/v1/demands/${id}/match`, { token: tokens.applicant, body: { responseIds } });
    const unknownResponse = await api.call('POST', `/v1/demands/${id}/match`, { token: tokens.township, body: { responseIds: ['01JUNKNOWNRESPONSE000000000'] } });
    const closeBeforeMatch = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.township, body: { outcome: '尚未开展', rating: 3 } });

    // Assess: nothing changed
    expect(byCounty.status, byCounty.text).toBe(403);
    expect(byOtherTownship.status).toBe(403);
    expect(byStation.status).toBe(403);
    expect(unknownResponse.status).toBe(400);
    expect(unknownResponse.body.issues).toEqual([expect.objectContaining({ path: 'responseIds.0' })]);
    expect(closeBeforeMatch.status).toBe(409);
    expect((await api.call('GET', `/v1/demands/${id}`, { token: tokens.township })).body).toMatchObject({ status: 'PUBLISHED', version: 2 });

    // Act: the office matches; then closes, badly and then well, then again
    expect((await api.call('POST', `/v1/demands/${id}/match`, { token: tokens.township, body: { responseIds } })).status).toBe(200);
    const poorWithoutReason = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.township, body: { outcome: '培训只开了一期', rating: 2 } });
    const outOfRange = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.township, body: { outcome: '培训只开了一期', rating: 6 } });
    const closeByCounty = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.county, body: { outcome: '培训只开了一期', rating: 4 } });
    const poorWithReason = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.township, body: { outcome: '培训只开了一期', rating: 2, comment: '承诺三期只办了一期' } });
    const second = await api.call('POST', `/v1/demands/${id}/close`, { token: tokens.township, body: { outcome: '再评一次', rating: 5 } });

    // Assess
    expect(poorWithoutReason.status).toBe(400);
    expect(poorWithoutReason.body.issues).toEqual([expect.objectContaining({ path: 'comment' })]);
    expect(outOfRange.status).toBe(400);
    expect(closeByCounty.status).toBe(403);
    expect(poorWithReason.status, poorWithReason.text).toBe(200);
    expect(poorWithReason.body.closure).toMatchObject({ rating: 2, comment: '承诺三期只办了一期' });
    expect(second.status).toBe(409);
    expect((await api.call('GET', `/v1/demands/${id}`, { token: tokens.township })).body.closure.rating).toBe(2);
  });

  it('lists newest first with cursor paging, and refuses unknown filters and a one-character search', async () => {
    // Prepare: three needs in another village of the township
    const { tokens } = file;
    const village = '441882102202';
    const posted: string[] = [];
    for (const n of [1, 2, 3]) posted.push((await post(tokens.township, need({ regionCode: village, title: `分页测试需求第${n}号`, industry: 'fishery' }))).body.id);

    // Act
    const first = await list(tokens.applicant, `region=${village}&industry=fishery&limit=2`);
    const second = await list(tokens.applicant, `region=${village}&industry=fishery&limit=2&cursor=${encodeURIComponent(first.body.cursor)}`);
    const q = `q=${encodeURIComponent('分页测试')}&region=${village}`;
    const searched = await list(tokens.applicant, `${q}&limit=2`);
    const searchedOn = await list(tokens.applicant, `${q}&limit=2&cursor=${encodeURIComponent(searched.body.cursor)}`);
    const bad = await list(tokens.applicant, 'region=99&kind=x&status=OPEN&q=a');
    const pendingByStation = await list(tokens.applicant, 'status=PENDING');

    // Assess: the list's pages and the search's, each need once, newest first, the last page without a cursor
    expect(ids(first)).toEqual([posted[2], posted[1]]);
    expect(ids(second)).toEqual([posted[0]]);
    expect(second.body.cursor).toBeNull();
    expect(ids(searched)).toEqual([posted[2], posted[1]]);
    expect(ids(searchedOn)).toEqual([posted[0]]);
    expect(searchedOn.body.cursor).toBeNull();
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['kind', 'q', 'region', 'status']);
    expect(pendingByStation.status).toBe(403);
  });

  it('a station holding several certificates names the one it responds with', async () => {
    // Prepare: OTHER_STATION_ORG holds two
    const { api, tokens } = file;
    const a = await seedApproved(services(), { type: 'society-station', regionCode: '441882101', at: new Date(), org: OTHER_STATION_ORG });
    await seedApproved(services(), { type: 'commissioner-station', regionCode: '441882103', at: new Date(), org: OTHER_STATION_ORG });
    const token = await api.token({ role: 'applicant', org: OTHER_STATION_ORG, name: '县农技协联合会' });
    const id = (await post(tokens.township, need({ title: '生猪养殖粪污处理技术需求', industry: 'livestock' }))).body.id;

    // Act
    const unnamed = await api.call('POST', `/v1/demands/${id}/responses`, { token, body: { proposal: '派畜牧专家指导粪污资源化利用。' } });
    const named = await api.call('POST', `/v1/demands/${id}/responses`, { token, body: { proposal: '派畜牧专家指导粪污资源化利用。', certificateNo: a.certificateNo } });

    // Assess
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.issues).toEqual([expect.objectContaining({ path: 'certificateNo' })]);
    expect(named.status, named.text).toBe(201);
    expect(named.body.certificateNo).toBe(a.certificateNo);
  });

  it('lists the plan\'s gaps under a region from markers and counters: a township without a 乡镇科协, needs without a response', async () => {
    // Prepare: a county of its own (连南 441826), one township with a 乡镇科协, a need posted in another and unanswered
    const { api, tokens } = file;
    const county = await api.token({ role: 'official', level: 'county', region: '441826', name: '连南瑶族自治县科协' });
    const townships = (await api.call('GET', '/v1/regions/441826')).body.children as { code: string }[];
    const [withAssociation, withNeed] = townships;
    await seedApproved(services(), { type: 'township-association', regionCode: withAssociation.code, at: new Date(), org: creditCodes.townshipGovernment });
    const posted = await post(county, need({ regionCode: withNeed.code, title: '茶叶加工技术培训需求', kind: 'training', industry: 'processing' }));
    expect(posted.status, posted.text).toBe(201);

    // Act
    const gaps = await api.call('GET', '/v1/gaps', { token: county });
    const cityGaps = await api.call('GET', '/v1/gaps?region=4418', { token: tokens.admin });

    // Assess: each township named, with what it lacks
    expect(gaps.status, gaps.text).toBe(200);
    const of = (code: string) => gaps.body.items.find((item: { regionCode: string }) => item.regionCode === code);
    expect(gaps.body.items).toHaveLength(townships.length);
    expect(of(withAssociation.code).missing).toEqual([]);
    expect(of(withNeed.code).missing).toEqual([
      expect.objectContaining({ kind: 'township-association' }),
      expect.objectContaining({ kind: 'unanswered-demands', count: 1 }),
    ]);
    const lianNan = cityGaps.body.items.find((item: { regionCode: string }) => item.regionCode === '441826');
    expect(lianNan.missing).toEqual([expect.objectContaining({ kind: 'consortium-station' }), expect.objectContaining({ kind: 'unanswered-demands', count: 1 })]);

    // Act: the need's first response answers it
    const responded = await api.call('POST', `/v1/demands/${posted.body.id}/responses`, { token: tokens.applicant, body: { proposal: '派茶叶加工专家开设两期培训班。' } });
    expect(responded.status, responded.text).toBe(201);
    const after = await api.call('GET', '/v1/gaps', { token: county });

    // Assess
    expect(after.body.items.find((item: { regionCode: string }) => item.regionCode === withNeed.code).missing).toEqual([expect.objectContaining({ kind: 'township-association' })]);
  });

  it('lists the province\'s cities with how many counties lack a 学会联合体站 and the city\'s needs without a response, for admins and the province only', async () => {
    // Prepare: 韶关市 (4402, untouched by the other tests): a consortium station approved in 始兴县, a need posted in 仁化县
    const { api, tokens } = file;
    const shaoguan = (code: string, body: { items: { regionCode: string; missing: { kind: string; count?: number }[] }[] }) =>
      body.items.find((item) => item.regionCode === code)!;
    const counties = childrenOf('4402');
    const before = await api.call('GET', '/v1/gaps?region=44', { token: tokens.admin });
    expect(before.status, before.text).toBe(200);
    await seedApproved(services(), { type: 'consortium-station', regionCode: '440222', at: new Date() });
    const renhua = await api.token({ role: 'official', level: 'county', region: '440224', name: '仁化县科协' });
    const posted = await post(renhua, need({ regionCode: '440224102', title: '丹霞山茶园病虫害绿色防控', kind: 'technology', industry: 'planting' }));
    expect(posted.status, posted.text).toBe(201);

    // Act
    const sent = vi.spyOn(services().demands.db, 'send');
    const byAdmin = await api.call('GET', '/v1/gaps?region=44', { token: tokens.admin });
    // The gap reads by key (a sweep running meanwhile may send its own queries through the same client)
    const commands = sent.mock.calls.map(([command]) => command as { constructor: { name: string }; input: { RequestItems?: Record<string, { Keys: { pk: string }[] }> } });
    const gapReads = commands.flatMap((c) => Object.values(c.input.RequestItems ?? {}).map((r) => r.Keys)).filter((keys) => keys.some((k) => /^(COVER|GAP)#/.test(k.pk)));
    sent.mockRestore();
    const byProvince = await api.call('GET', '/v1/gaps', { token: tokens.province });
    const cityLevel = await api.call('GET', '/v1/gaps?region=4402', { token: tokens.admin });

    // Assess: every city in code order; 韶关 lacks the station in one county fewer, and counts the need
    expect(shaoguan('4402', before.body).missing).toEqual([{ kind: 'consortium-station', name: `${counties.length} 个县（区）尚无乡村振兴学会联合体科技服务站`, count: counties.length }]);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(gapReads.map((keys) => keys.length), '124 coverage markers and 2 × 21 counters by key').toEqual([100, 66]);
    expect(commands.map((c) => c.constructor.name)).not.toContain('ScanCommand');
    expect(byAdmin.body.items.map((item: { regionCode: string }) => item.regionCode)).toEqual(childrenOf('44').map((c) => c.code));
    expect(shaoguan('4402', byAdmin.body).missing).toEqual([
      { kind: 'consortium-station', name: `${counties.length - 1} 个县（区）尚无乡村振兴学会联合体科技服务站`, count: counties.length - 1 },
      { kind: 'unanswered-demands', name: '1 条已发布需求尚无响应', count: 1 },
    ]);
    expect(byProvince.status, byProvince.text).toBe(200);
    expect(byProvince.body).toEqual(byAdmin.body);
    // The same figures as the city's own list: its counties without the station, and the county's need
    const lacking = cityLevel.body.items.filter((item: { missing: { kind: string }[] }) => item.missing.some((m) => m.kind === 'consortium-station'));
    expect(lacking).toHaveLength(counties.length - 1);
    expect(shaoguan('440224', cityLevel.body).missing).toContainEqual(expect.objectContaining({ kind: 'unanswered-demands', count: 1 }));

    // Act: offices below the province, and applicants
    const byCounty = await api.call('GET', '/v1/gaps?region=44', { token: tokens.county });
    const byRenhua = await api.call('GET', '/v1/gaps?region=44', { token: renhua });
    const byApplicant = await api.call('GET', '/v1/gaps?region=44', { token: tokens.applicant });

    // Assess
    expect(byCounty.status, byCounty.text).toBe(403);
    expect(byCounty.body.error).toBe('forbidden');
    expect(byRenhua.status).toBe(403);
    expect(byApplicant.status).toBe(403);
  });

  it('refuses gaps to applicants, outside an official\'s region, and for a village or the province', async () => {
    const { api, tokens } = file;
    expect((await api.call('GET', '/v1/gaps', { token: tokens.applicant })).status).toBe(403);
    expect((await api.call('GET', '/v1/gaps?region=441826', { token: tokens.township })).status).toBe(403);
    expect((await api.call('GET', `/v1/gaps?region=${VILLAGE}`, { token: tokens.admin })).status).toBe(400);
    expect((await api.call('GET', '/v1/gaps', { token: tokens.admin })).status).toBe(400);
  });
});
