// GET /v1/registry and GET /v1/certificates/{no} against DynamoDB Local: every filter alone and combined, region
// prefixes at each level, approval dates at the China Standard Time day edges, paging, who may ask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationType } from '#forms/catalogue.js';
import { chainTokens, harness, type Client, type Harness } from '../support/local.js';
import { seedApproved } from './registry-fixtures.js';

let h: Harness;
let api: Client;
let admin: string;
type Seeded = Awaited<ReturnType<typeof seedApproved>>;
const records: Seeded[] = [];
/** Queries and scans of the application table since the last reset, as the store sent them. */
const sent: string[] = [];

// Approval times chosen at the edges of CST days: 2026-11-28T16:00:00.000Z is 2026-11-29 00:00 in Guangzhou.
const seeds: { type: ApplicationType; regionCode: string; at: string }[] = [
  { type: 'rural-tech-association', regionCode: '441882102201', at: '2026-11-28T15:59:59.999Z' }, // CST 11-28 23:59:59.999
  { type: 'rural-tech-association', regionCode: '441882102202', at: '2026-11-28T16:00:00.000Z' }, // CST 11-29 00:00:00.000
  { type: 'township-association', regionCode: '441882102', at: '2026-11-29T04:00:00.000Z' },
  { type: 'tech-federation', regionCode: '441882', at: '2026-11-29T15:59:59.999Z' }, // CST 11-29 23:59:59.999
  { type: 'consortium-station', regionCode: '441882', at: '2026-11-29T16:00:00.000Z' }, // CST 11-30 00:00:00.000
  { type: 'commissioner-station', regionCode: '441882101', at: '2026-10-01T02:00:00.000Z' },
  { type: 'tech-federation', regionCode: '441882101', at: '2026-10-01T02:00:00.000Z' }, // same instant: ordered by id
  { type: 'society-station', regionCode: '441881', at: '2026-06-15T08:00:00.000Z' },
  { type: 'rural-tech-association', regionCode: '441881101201', at: '2026-06-15T09:00:00.000Z' },
  { type: 'expert-station', regionCode: '440104', at: '2025-12-31T16:00:00.000Z' }, // CST 2026-01-01 00:00
  { type: 'township-association', regionCode: '440104001', at: '2025-12-31T15:59:59.999Z' }, // CST 2025-12-31
  { type: 'science-e-station', regionCode: '441900003001', at: '2026-03-08T01:00:00.000Z' },
  { type: 'township-association', regionCode: '441900003', at: '2026-03-09T01:00:00.000Z' },
];

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  ({ admin } = await chainTokens(api));
  const { services } = api.stack;
  for (const seed of seeds) records.push(await seedApproved(services, { ...seed, at: new Date(seed.at) }));
  services.registry.db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; IndexName?: string };
      // The stack's sweeper queries the due index every few seconds on the same client: not the registry's reads.
      if (input.TableName === services.config.tableName && input.IndexName !== 'due' && /^(Query|Scan)Command$/.test(context.commandName ?? '')) sent.push(context.commandName!);
      return next(args);
    },
    { step: 'initialize', name: 'countRegistryReads' },
  );
});
afterAll(() => h?.close());

const newestFirst = (a: Seeded, b: Seeded) => (`${b.approvedAt}#${b.id}` < `${a.approvedAt}#${a.id}` ? -1 : 1);

/** Every page of a query, following cursors; also checks each page took exactly one Query and no Scan. */
async function allPages(query: string, limit: number, token = admin) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    sent.length = 0;
    const url: string = `/v1/registry?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const out = await api.call('GET', url, { token });
    expect(out.status, out.text).toBe(200);
    expect(sent).toEqual(['QueryCommand']);
    expect(out.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...out.body.items.map((item: { id: string }) => item.id));
    cursor = out.body.cursor;
    pages += 1;
    if (pages > 100) throw new Error('paging does not end');
  } while (cursor);
  return ids;
}

function expected(match: (r: Seeded) => boolean) {
  return records.filter(match).sort(newestFirst).map((r) => r.id);
}

describe('GET /v1/registry', () => {
  it('answers registry items with the contract fields, newest first', async () => {
    const out = await api.call('GET', '/v1/registry', { token: admin });

    expect(out.status).toBe(200);
    expect(out.body.items).toHaveLength(seeds.length);
    expect(out.body.cursor).toBeNull();
    // The contract's fields, the current address and experts (变更), and the year's annual report status; no contact person
    expect(Object.keys(out.body.items[0]).sort()).toEqual(['address', 'approvedAt', 'certificateNo', 'experts', 'id', 'name', 'organisation', 'regionCode', 'report', 'status', 'type', 'validUntil']);
    expect(out.body.items[0].report).toMatchObject({ status: 'DUE', statusName: '未报送' });
    expect(out.body.items.map((i: { id: string }) => i.id)).toEqual(expected(() => true));
  });

  it('pages with limit=1 through every record exactly once, the last cursor null', async () => {
    const ids = await allPages('', 1);

    expect(ids).toEqual(expected(() => true));
    expect(new Set(ids).size).toBe(seeds.length);
  });

  const cases: { name: string; query: string; match: (r: Seeded) => boolean }[] = [
    { name: 'type alone', query: 'type=rural-tech-association', match: (r) => r.type === 'rural-tech-association' },
    { name: 'the province code, meaning all', query: 'region=44', match: () => true },
    { name: 'a city', query: 'region=4418', match: (r) => r.regionCode.startsWith('4418') },
    { name: 'a county', query: 'region=441882', match: (r) => r.regionCode.startsWith('441882') },
    { name: 'a township', query: 'region=441882102', match: (r) => r.regionCode.startsWith('441882102') },
    { name: 'a village', query: 'region=441882102201', match: (r) => r.regionCode === '441882102201' },
    { name: 'status ACTIVE (every record seeded here)', query: 'status=ACTIVE', match: () => true },
    { name: 'status REVOKED (none here)', query: 'status=REVOKED', match: () => false },
    { name: 'status with type and county', query: 'status=ACTIVE&type=tech-federation&region=441882', match: (r) => r.type === 'tech-federation' && r.regionCode.startsWith('441882') },
    { name: "东莞's pseudo-county", query: 'region=441900', match: (r) => r.regionCode.startsWith('441900') },
    { name: 'a region with nothing approved', query: 'region=4401', match: (r) => r.regionCode.startsWith('4401') },
    { name: 'type and city', query: 'type=township-association&region=4419', match: (r) => r.type === 'township-association' && r.regionCode.startsWith('4419') },
    { name: 'type and county', query: 'type=tech-federation&region=441882', match: (r) => r.type === 'tech-federation' && r.regionCode.startsWith('441882') },
    {
      name: 'from alone (a CST date)',
      query: 'from=2026-11-29',
      match: (r) => r.approvedAt >= '2026-11-28T16:00:00.000Z',
    },
    {
      name: 'to alone (a CST date, inclusive)',
      query: 'to=2026-11-28',
      match: (r) => r.approvedAt <= '2026-11-28T15:59:59.999Z',
    },
    {
      name: 'one whole CST day',
      query: 'from=2026-11-29&to=2026-11-29',
      match: (r) => r.approvedAt >= '2026-11-28T16:00:00.000Z' && r.approvedAt <= '2026-11-29T15:59:59.999Z',
    },
    {
      name: 'type, county and dates combined',
      query: 'type=rural-tech-association&region=441882&from=2026-11-01&to=2026-11-29',
      match: (r) => r.type === 'rural-tech-association' && r.regionCode.startsWith('441882') && r.approvedAt >= '2026-10-31T16:00:00.000Z' && r.approvedAt <= '2026-11-29T15:59:59.999Z',
    },
    {
      name: 'type, township and a year',
      query: 'type=township-association&region=440104001&from=2025-01-01&to=2025-12-31',
      match: (r) => r.type === 'township-association' && r.regionCode.startsWith('440104001') && r.approvedAt <= '2025-12-31T15:59:59.999Z',
    },
  ];

  it.each(cases)('filters by $name in one Query per page, paging through every match once', async ({ query, match }) => {
    const want = expected(match);

    const ids = await allPages(query, 2);

    expect(ids).toEqual(want);
  });

  it('includes both ends of a CST day and excludes the milliseconds beside them', async () => {
    const out = await api.call('GET', '/v1/registry?from=2026-11-29&to=2026-11-29', { token: admin });

    const times = out.body.items.map((i: { approvedAt: string }) => i.approvedAt);
    expect(times).toEqual(['2026-11-29T15:59:59.999Z', '2026-11-29T04:00:00.000Z', '2026-11-28T16:00:00.000Z']);
  });

  it('takes ISO timestamps with an offset as instants, `to` inclusive to the millisecond', async () => {
    const at = (query: string) => api.call('GET', `/v1/registry?${query}`, { token: admin }).then((o) => o.body.items.map((i: { approvedAt: string }) => i.approvedAt));

    expect(await at('from=2026-11-29T23:59:59.999%2B08:00&to=2026-11-30T00:00:00%2B08:00')).toEqual(['2026-11-29T16:00:00.000Z', '2026-11-29T15:59:59.999Z']);
    expect(await at('from=2026-11-29T15:59:59.999Z&to=2026-11-29T15:59:59.999Z')).toEqual(['2026-11-29T15:59:59.999Z']);
    expect(await at('from=2026-11-29T15:59:59.998Z&to=2026-11-29T15:59:59.998Z')).toEqual([]);
  });

  it('orders records approved at the same instant by id, and pages across them without loss', async () => {
    const twins = records.filter((r) => r.approvedAt === '2026-10-01T02:00:00.000Z').sort(newestFirst).map((r) => r.id);

    const ids = await allPages('from=2026-10-01T02:00:00Z&to=2026-10-01T02:00:00Z', 1);

    expect(ids).toEqual(twins);
    expect(ids).toHaveLength(2);
  });

  it('refuses bad filters with 400 and lists every problem at once', async () => {
    const out = await api.call('GET', '/v1/registry?type=bakery&region=44188x&from=2026-02-30&to=2026-11-29T08:00:00', { token: admin });

    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ error: 'validation', message: expect.any(String) });
    expect(out.body.issues.map((i: { path: string }) => i.path)).toEqual(['type', 'region', 'from', 'to']);
  });

  it.each([
    ['an unknown region', 'region=449999', 'region'],
    ['a region outside Guangdong', 'region=4501', 'region'],
    ['from after to', 'from=2026-11-30&to=2026-11-29', 'from'],
    ['a date in another format', 'from=29/11/2026', 'from'],
    ['limit over 100', 'limit=101', 'limit'],
    ['limit 0', 'limit=0', 'limit'],
    ['a forged cursor', 'cursor=bm90LWpzb24', 'cursor'],
    ['a cursor outside the range asked', `from=2026-11-29&cursor=${Buffer.from(JSON.stringify({ sk: '2020-01-01T00:00:00.000Z#X' })).toString('base64url')}`, 'cursor'],
  ])('refuses %s with 400', async (_name, query, path) => {
    const out = await api.call('GET', `/v1/registry?${query}`, { token: admin });

    expect(out.status, out.text).toBe(400);
    expect(out.body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('refuses applicants with 403 and callers without a token with 401', async () => {
    const { applicant } = await chainTokens(api);

    expect((await api.call('GET', '/v1/registry', { token: applicant })).status).toBe(403);
    expect((await api.call('GET', '/v1/registry')).status).toBe(401);
  });

  it('shows an official the registry of their own region, and refuses regions outside it with 403', async () => {
    const { county, township } = await chainTokens(api);

    expect(await allPages('', 3, county)).toEqual(expected((r) => r.regionCode.startsWith('441882')));
    expect(await allPages('region=441882102201', 3, township)).toEqual(expected((r) => r.regionCode === '441882102201'));
    expect((await api.call('GET', '/v1/registry?region=4418', { token: county })).status).toBe(403);
    expect((await api.call('GET', '/v1/registry?region=44', { token: township })).status).toBe(403);
    expect((await api.call('GET', '/v1/registry?region=441882101', { token: township })).status).toBe(403);
  });
});

describe('GET /v1/certificates/{no}', () => {
  it('verifies a certificate by its ASCII number or its printed number, for anyone', async () => {
    const record = records.find((r) => r.type === 'rural-tech-association')!;
    const [, year, serial] = /^GDKX-(\d{4})-(\d{6})$/.exec(record.certificateNo)!;
    const printed = `粤科协备〔${year}〕${serial}号`;

    const byAscii = await api.call('GET', `/v1/certificates/${record.certificateNo}`);
    const byPrinted = await api.call('GET', `/v1/certificates/${encodeURIComponent(printed)}`);
    const byLowerCase = await api.call('GET', `/v1/certificates/${record.certificateNo.toLowerCase()}`);

    expect(byAscii.status).toBe(200);
    expect(byAscii.body).toMatchObject({
      valid: true,
      certificateNo: record.certificateNo,
      title: printed,
      type: 'rural-tech-association',
      typeName: '农村专业技术协会',
      name: record.name,
      organisation: record.organisation,
      regionCode: record.regionCode,
      regionName: '广东省 清远市 连州市 大路边镇 寒鸭村委会',
      approvedAt: record.approvedAt,
    });
    expect(byPrinted.body).toEqual(byAscii.body);
    expect(byLowerCase.body).toEqual(byAscii.body);
  });

  it('never shows contacts, mobiles or credit codes', async () => {
    const out = await api.call('GET', `/v1/certificates/${records[0].certificateNo}`);

    expect(out.status).toBe(200);
    expect(out.text).not.toMatch(/1[3-9]\d{9}|91441882MA4UA1B2C9|contact|mobile|creditCode|legalRepresentative/);
  });

  it('numbers certificates by the CST year of approval', () => {
    const newYearsEve = records.find((r) => r.approvedAt === '2025-12-31T15:59:59.999Z')!;
    const newYear = records.find((r) => r.approvedAt === '2025-12-31T16:00:00.000Z')!;

    expect(newYearsEve.certificateNo).toBe('GDKX-2025-000001');
    expect(newYear.certificateNo).toMatch(/^GDKX-2026-\d{6}$/);
  });

  it.each(['GDKX-2026-999999', 'GDKX-2026-1', '粤科协备〔2026〕999999号', 'not-a-number', 'x'.repeat(3000)])('answers 404 for %s', async (no) => {
    const out = await api.call('GET', `/v1/certificates/${encodeURIComponent(no)}`);

    expect(out.status).toBe(404);
    expect(out.body.error).toBe('not_found');
  });
});
