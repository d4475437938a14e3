// 珠三角带粤东西北 on the local stack: GET /v1/demands?pairedWith=<PRD city> and ?pairing=mine list the published needs
// of the 粤东西北 cities paired with it (one Query per city, merged newest first, a cursor across cities), narrowed by
// kind, region and a Chinese word; a need names its region's partner (pairedCity); and the bad parameters, each a 400
// at its path in Chinese.
import { beforeAll, describe, expect, it } from 'vitest';
import { creditCodes } from '#forms/fixtures.js';
import { stackForFile } from '../support/local.js';
import { seedApproved } from './registry-fixtures.js';

const file = stackForFile();
const services = () => file.api.stack.services;
const call = (token: string, path: string) => file.api.call('GET', path, { token });
const ids = (out: { body: { items: { id: string }[] } }) => out.body.items.map((item) => item.id);

const need = (regionCode: string, title: string, kind = 'technology') => ({
  kind,
  industry: 'planting',
  regionCode,
  title,
  description: `${title}：本地种植户希望请专家到现场指导，开展技术培训和示范。`,
});

/** Needs posted by each region's county office, in this order (oldest first): [region, title, kind]. */
const posted: { id: string; city: string }[] = [];
let guangzhouOrg: string;
let qingyuanOrg: string;
let noStationOrg: string;
let foshanOffice: string;

beforeAll(async () => {
  const office = (region: string, name: string) => file.api.token({ role: 'official', level: 'county', region, name });
  const offices = {
    '441882': await office('441882', '连州市科协'), // 清远
    '441402': await office('441402', '梅江区科协'), // 梅州
    '441602': await office('441602', '源城区科协'), // 河源 (深圳's)
    '445302': await office('445302', '云城区科协'), // 云浮 (佛山's)
    '440103': await office('440103', '荔湾区科协'), // 广州 itself
  };
  const plan: [keyof typeof offices, string, string?][] = [
    ['441882', '连州沙糖桔黄龙病防控'],
    ['441402', '梅江金柚品质提升'],
    ['441602', '源城茶园病虫害防治'],
    ['441882', '连州水晶梨修剪技术', 'training'],
    ['440103', '荔湾花卉盆景栽培'],
    ['441402', '梅江稻田养鱼示范'],
    ['445302', '云城南药种植指导'],
  ];
  for (const [region, title, kind] of plan) {
    const out = await file.api.call('POST', '/v1/demands', { token: offices[region], body: need(region, title, kind) });
    expect(out.status, out.text).toBe(201);
    posted.push({ id: out.body.id, city: region.slice(0, 4) });
  }
  // An organisation with a station in 广州 (越秀), one with a station in 清远 only, one with none; an office in 佛山.
  guangzhouOrg = await file.api.token({ role: 'applicant', org: creditCodes.countyFederation, name: '广州某学会' });
  await seedApproved(services(), { type: 'society-station', regionCode: '440104', at: new Date(), org: creditCodes.countyFederation });
  qingyuanOrg = file.tokens.applicant;
  await seedApproved(services(), { type: 'society-station', regionCode: '441882102', at: new Date() });
  noStationOrg = await file.api.token({ role: 'applicant', org: creditCodes.villageCommittee, name: '无证书单位' });
  foshanOffice = await file.api.token({ role: 'official', level: 'county', region: '440604', name: '禅城区科协' });
});

/** The ids of the needs posted in `cities`, newest first. */
const expected = (...cities: string[]) => posted.filter((p) => cities.includes(p.city)).map((p) => p.id).reverse();

describe('needs of the cities paired with a Pearl River Delta city', () => {
  it('pairedWith=4401 (广州): the needs of 梅州 and 清远, merged newest first; no other city’s', async () => {
    // Act
    const out = await call(file.tokens.applicant, '/v1/demands?pairedWith=4401');

    // Assess
    expect(out.status, out.text).toBe(200);
    expect(ids(out)).toEqual(expected('4414', '4418'));
    expect(out.body.pairing).toEqual({ from: [{ code: '4401', name: '广州市' }], cities: [{ code: '4414', name: '梅州市' }, { code: '4418', name: '清远市' }] });
    expect(out.body.cursor).toBeNull();
  });

  it('pages across the cities with a cursor: every need once, in order, the last page’s cursor null', async () => {
    // Act
    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(file.tokens.applicant, `/v1/demands?pairedWith=4401&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...ids(page));
      cursor = page.body.cursor;
      cursors.push(cursor);
    } while (cursor && cursors.length < 20);
    const byTwo = await call(file.tokens.applicant, '/v1/demands?pairedWith=4401&limit=2');
    const rest = await call(file.tokens.applicant, `/v1/demands?pairedWith=4401&limit=2&cursor=${byTwo.body.cursor}`);

    // Assess
    expect(seen).toEqual(expected('4414', '4418'));
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1).every(Boolean)).toBe(true);
    expect([...ids(byTwo), ...ids(rest)]).toEqual(expected('4414', '4418'));
    expect(rest.body.cursor).toBeNull();
  });

  it('narrows by kind, by a region inside the paired cities, and by a Chinese word', async () => {
    // Act
    const training = await call(file.tokens.applicant, '/v1/demands?pairedWith=4401&kind=training');
    const lianzhou = await call(file.tokens.applicant, '/v1/demands?pairedWith=4401&region=441882');
    const word = await call(file.tokens.applicant, `/v1/demands?pairedWith=4401&q=${encodeURIComponent('金柚')}`);
    const otherCityWord = await call(file.tokens.applicant, `/v1/demands?pairedWith=4401&q=${encodeURIComponent('茶园')}`);

    // Assess
    expect(ids(training)).toEqual([posted[3].id]);
    expect(ids(lianzhou)).toEqual([posted[3].id, posted[0].id]);
    expect(ids(word)).toEqual([posted[1].id]);
    expect(ids(otherCityWord)).toEqual([]);
  });

  it('pairing=mine: an organisation’s by its stations’ city, an office’s by its region’s', async () => {
    // Act
    const organisation = await call(guangzhouOrg, '/v1/demands?pairing=mine');
    const office = await call(foshanOffice, '/v1/demands?pairing=mine');
    const shenzhen = await call(file.tokens.applicant, '/v1/demands?pairedWith=4403');
    const huizhou = await call(file.tokens.applicant, '/v1/demands?pairedWith=4413');

    // Assess
    expect(organisation.status, organisation.text).toBe(200);
    expect(ids(organisation)).toEqual(expected('4414', '4418'));
    expect(office.status, office.text).toBe(200);
    expect(ids(office)).toEqual(expected('4453'));
    expect(office.body.pairing.from).toEqual([{ code: '4406', name: '佛山市' }]);
    expect(ids(shenzhen)).toEqual(expected('4416'));
    // 惠州 has no partner in the default pairs: nothing listed, nothing refused.
    expect(huizhou.status).toBe(200);
    expect(huizhou.body).toMatchObject({ items: [], cursor: null, pairing: { cities: [] } });
  });

  it('a need names its region’s partner in the delta: 连州 → 广州, 云城 → 佛山, 广州’s own none', async () => {
    // Act
    const [lianzhou, yuncheng, liwan] = await Promise.all([posted[0].id, posted[6].id, posted[4].id].map((id) => call(file.tokens.applicant, `/v1/demands/${id}`)));

    // Assess
    expect(lianzhou.body.pairedCity).toEqual({ code: '4401', name: '广州市' });
    expect(yuncheng.body.pairedCity).toEqual({ code: '4406', name: '佛山市' });
    expect(liwan.body.pairedCity).toBeNull();
  });
});

describe('bad pairing parameters', () => {
  it('are 400 with each problem at its path, in Chinese', async () => {
    // Act
    const answers = {
      notDelta: await call(file.tokens.applicant, '/v1/demands?pairedWith=4418'),
      unknown: await call(file.tokens.applicant, '/v1/demands?pairedWith=4499'),
      county: await call(file.tokens.applicant, '/v1/demands?pairedWith=440103'),
      text: await call(file.tokens.applicant, `/v1/demands?pairedWith=${encodeURIComponent('广州')}`),
      mode: await call(file.tokens.applicant, '/v1/demands?pairing=yours'),
      both: await call(guangzhouOrg, '/v1/demands?pairing=mine&pairedWith=4401'),
      unpublished: await call(file.tokens.county, '/v1/demands?pairedWith=4401&status=PENDING'),
      outside: await call(file.tokens.applicant, '/v1/demands?pairedWith=4401&region=4416'),
      notDeltaStation: await call(qingyuanOrg, '/v1/demands?pairing=mine'),
      noStation: await call(noStationOrg, '/v1/demands?pairing=mine'),
      province: await call(file.tokens.province, '/v1/demands?pairing=mine'),
      cursor: await call(file.tokens.applicant, `/v1/demands?pairedWith=4401&cursor=${Buffer.from(JSON.stringify({ pk: 'x', sk: 'y' })).toString('base64url')}`),
    };

    // Assess
    const at = (out: { status: number; body: { issues?: { path: string; message: string }[] } }) => {
      expect(out.status).toBe(400);
      for (const issue of out.body.issues!) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
      return out.body.issues!.map((i) => i.path);
    };
    expect(at(answers.notDelta)).toEqual(['pairedWith']);
    expect(answers.notDelta.body.issues[0].message).toContain('清远市（4418）不是珠三角城市');
    expect(at(answers.unknown)).toEqual(['pairedWith']);
    expect(at(answers.county)).toEqual(['pairedWith']);
    expect(at(answers.text)).toEqual(['pairedWith']);
    expect(at(answers.mode)).toEqual(['pairing']);
    expect(at(answers.both)).toEqual(['pairing']);
    expect(at(answers.unpublished)).toEqual(['status']);
    expect(at(answers.outside)).toEqual(['region']);
    // An organisation outside the delta, or without a station yet, has no paired cities: an empty list, not an error
    for (const none of [answers.notDeltaStation, answers.noStation]) {
      expect(none.status, none.text).toBe(200);
      expect(none.body).toMatchObject({ items: [], cursor: null, pairing: { from: [], cities: [] } });
    }
    expect(at(answers.province)).toEqual(['pairing']);
    expect(at(answers.cursor)).toEqual(['cursor']);
  });
});

describe('their own county first (near=mine)', () => {
  it('an organisation’s stations’ county, an office’s county: its published needs, newest first', async () => {
    // Prepare
    const meijiang = await file.api.token({ role: 'official', level: 'township', region: '441402004', name: '江南街道' });

    // Act
    const organisation = await call(qingyuanOrg, '/v1/demands?near=mine');
    const office = await call(meijiang, '/v1/demands?near=mine&kind=technology');
    const none = await call(guangzhouOrg, '/v1/demands?near=mine');

    // Assess
    expect(organisation.status, organisation.text).toBe(200);
    expect(ids(organisation)).toEqual([posted[3].id, posted[0].id]);
    expect(organisation.body.near).toEqual({ counties: [{ code: '441882', name: '连州市' }] });
    expect(ids(office)).toEqual([posted[5].id, posted[1].id]);
    expect(none.body).toMatchObject({ items: [], cursor: null, near: { counties: [{ code: '440104' }] } });
  });

  it('refuses what it cannot answer, at near', async () => {
    // Act
    const answers = await Promise.all([
      call(qingyuanOrg, '/v1/demands?near=yours'),
      call(qingyuanOrg, '/v1/demands?near=mine&region=4418'),
      call(noStationOrg, '/v1/demands?near=mine'),
      call(file.tokens.province, '/v1/demands?near=mine'),
    ]);

    // Assess
    for (const out of answers) {
      expect(out.status, out.text).toBe(400);
      expect(out.body.issues.map((i: { path: string }) => i.path)).toEqual(['near']);
    }
  });
});
