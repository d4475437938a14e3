// GET /v1/registry/export against DynamoDB Local: a CSV that Excel opens (BOM, CRLF, Chinese headers),
// fields with commas, quotes and line breaks read back intact, the same filters as the registry, every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportHeader, type RegistryRecord } from '#functions/domain/registry.js';
import { chainTokens, harness, type Client, type Harness } from '../support/local.js';
import { ulid } from 'ulid';
import { parseCsv, seedApproved, seedEntries } from './registry-fixtures.js';

let h: Harness;
let api: Client;
let admin: string;
type Seeded = Awaited<ReturnType<typeof seedApproved>>;
const tricky: Seeded[] = [];
const plain: RegistryRecord[] = [];

/** More than one export page (200 records): written as registry entries directly, which is quick. */
const PLAIN = 230;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  ({ admin } = await chainTokens(api));
  const { services } = api.stack;
  tricky.push(
    await seedApproved(services, {
      type: 'rural-tech-association',
      regionCode: '441882102201',
      at: new Date('2026-11-29T02:00:00Z'),
      change: (form) => {
        form.name = '连州市大路边镇寒鸭村"菜心"专业技术协会, 第一分会';
        form.organisation.name = '寒鸭村委会\r\n（代章）';
      },
    }),
    await seedApproved(services, {
      type: 'township-association',
      regionCode: '441882102',
      at: new Date('2026-11-29T03:00:00Z'),
      change: (form) => {
        form.name = '=HYPERLINK("http://example.com","大路边镇科协")';
        form.organisation.name = '大路边镇人民政府\n镇政府办公室';
      },
    }),
  );
  for (let i = 0; i < PLAIN; i++) {
    plain.push({
      certificateNo: `GDKX-2019-${String(i + 1).padStart(6, '0')}`,
      id: ulid(Date.UTC(2019, 0, 1) + i),
      type: i % 2 ? 'expert-station' : 'society-station',
      regionCode: i % 3 ? '441882' : '441881',
      approvedAt: new Date(Date.UTC(2019 + (i % 5), 0, 1, 0, 0, 0, i)).toISOString(),
      name: `服务站${i}`,
      organisation: `单位${i}`,
      status: 'ACTIVE',
      validUntil: null,
    });
  }
  await seedEntries(services, plain);
});
afterAll(() => h?.close());

async function download(query = '', token = admin) {
  const response = await fetch(`${api.stack.url}/v1/registry/export${query}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
}

const column = (name: (typeof exportHeader)[number]) => exportHeader.indexOf(name);

describe('GET /v1/registry/export', () => {
  it('answers a CSV attachment with a filename', async () => {
    const { response } = await download('?type=township-association');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="registry-\d{8}\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(response.headers.get('content-disposition')!.split("''")[1])).toMatch(/^备案登记-\d{8}\.csv$/);
  });

  it('starts with the UTF-8 byte order mark, then Chinese headers, every record ending in CRLF', async () => {
    const { bytes, text } = await download('?region=441882102');

    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(exportHeader.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text.slice(1))).toHaveLength(1 + tricky.length);
  });

  it('keeps commas, quotes and line breaks inside fields, and disarms formulas', async () => {
    const { text } = await download('?region=441882102');

    const [header, ...rows] = parseCsv(text.slice(1));

    expect(header).toEqual([...exportHeader]);
    const byNo = new Map(rows.map((row) => [row[column('证书编号')], row]));
    const association = byNo.get(tricky[0].certificateNo)!;
    expect(association[column('名称')]).toBe('连州市大路边镇寒鸭村"菜心"专业技术协会, 第一分会');
    expect(association[column('申请单位')]).toBe('寒鸭村委会\r\n（代章）');
    expect(association[column('类型')]).toBe('农村专业技术协会');
    expect(association[column('所在地区')]).toBe('广东省 清远市 连州市 大路边镇 寒鸭村委会');
    expect(association[column('区划代码')]).toBe('441882102201');
    expect(association[column('批准时间（北京时间）')]).toBe('2026-11-29 10:00:00');
    expect(association[column('证书文号')]).toMatch(/^粤科协备〔2026〕\d{6}号$/);
    const township = byNo.get(tricky[1].certificateNo)!;
    expect(township[column('名称')]).toBe(`'=HYPERLINK("http://example.com","大路边镇科协")`);
    expect(township[column('申请单位')]).toBe('大路边镇人民政府\n镇政府办公室');
  });

  it('exports every record once across pages, in the registry’s order (newest first)', async () => {
    const { text } = await download();

    const rows = parseCsv(text.slice(1)).slice(1);

    const numbers = rows.map((row) => row[column('证书编号')]);
    const all = [...tricky, ...plain].sort((a, b) => (`${b.approvedAt}#${b.id}` < `${a.approvedAt}#${a.id}` ? -1 : 1));
    expect(numbers).toHaveLength(PLAIN + tricky.length);
    expect(numbers).toEqual(all.map((r) => r.certificateNo));
  });

  it('applies the registry’s filters', async () => {
    const { text } = await download('?type=expert-station&region=441881&from=2021-01-01&to=2021-12-31');

    const rows = parseCsv(text.slice(1)).slice(1);

    const want = plain.filter((r) => r.type === 'expert-station' && r.regionCode === '441881' && r.approvedAt.startsWith('2021'));
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((row) => row[column('证书编号')]).sort()).toEqual(want.map((r) => r.certificateNo).sort());
    expect(new Set(rows.map((row) => row[column('类型')]))).toEqual(new Set(['农技专家服务站']));
  });

  it('answers only the header when nothing matches', async () => {
    const { text } = await download('?region=4401');

    expect(text).toBe(`\uFEFF${exportHeader.join(',')}\r\n`);
  });

  it('refuses bad filters with a JSON 400, applicants with 403, and regions outside an official’s with 403', async () => {
    const { applicant } = await chainTokens(api);
    const county = await api.token({ role: 'official', level: 'county', region: '441881', name: '英德市科协' });

    const bad = await api.call('GET', '/v1/registry/export?from=2026-11-30&to=2026-11-29', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'from', message: expect.any(String) }]);
    expect((await download('', applicant)).response.status).toBe(403);
    expect((await download('?region=441882', county)).response.status).toBe(403);
    const own = parseCsv((await download('', county)).text.slice(1)).slice(1);
    expect(own.map((row) => row[column('区划代码')]).every((code) => code.startsWith('441881'))).toBe(true);
    expect(own).toHaveLength(plain.filter((r) => r.regionCode.startsWith('441881')).length);
  });
});
