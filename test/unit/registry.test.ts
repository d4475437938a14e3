// The registry's pure rules: filters and CST date bounds, certificate numbers, CSV, scopes, and what an
// approval adds to the plan's progress.
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvRow } from '#functions/domain/csv.js';
import { DomainError } from '#functions/domain/application.js';
import { cstYear } from '#functions/domain/china-time.js';
import { contributionOf, expertIdentity, goals, progressReport } from '#functions/domain/progress.js';
import {
  approvalBound,
  certificateView,
  exportHeader,
  exportRow,
  normaliseCertificateNo,
  parseRegistryFilter,
  regionWithin,
} from '#functions/domain/registry.js';
import { scopeOfFilter, scopesOf } from '#functions/store/registry.js';
import { bucketOf, EXPERT_BUCKETS } from '#functions/store/stats.js';
import { goodForms } from '#forms/fixtures.js';
import { parseCsv } from '../integration/registry-fixtures.js';

const none = { type: undefined, region: undefined, from: undefined, to: undefined };

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'validation') return error.details.issues as { path: string; message: string }[];
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('approval date bounds', () => {
  it('takes a date as the whole day in China Standard Time', () => {
    expect(approvalBound('2026-11-29', 'from')).toBe('2026-11-28T16:00:00.000Z');
    expect(approvalBound('2026-11-29', 'to')).toBe('2026-11-29T15:59:59.999Z');
  });

  it('takes a timestamp with an offset as that instant', () => {
    expect(approvalBound('2026-11-29T08:00:00+08:00', 'from')).toBe('2026-11-29T00:00:00.000Z');
    expect(approvalBound('2026-11-29T00:00Z', 'to')).toBe('2026-11-29T00:00:00.000Z');
    expect(approvalBound('2026-11-29T00:00:00.5-05:30', 'to')).toBe('2026-11-29T05:30:00.500Z');
  });

  it('starts a finer-than-millisecond `from` at the next millisecond, and ends a `to` at its own', () => {
    expect(approvalBound('2026-11-29T00:00:00.1234Z', 'from')).toBe('2026-11-29T00:00:00.124Z');
    expect(approvalBound('2026-11-29T00:00:00.1230Z', 'from')).toBe('2026-11-29T00:00:00.123Z');
    expect(approvalBound('2026-11-29T00:00:00.1239Z', 'to')).toBe('2026-11-29T00:00:00.123Z');
  });

  it.each(['2026-02-30', '2026-13-01', '2026-11-29T08:00:00', '2026-11-29T24:00:00Z', '2026-11-29T08:00:00+24:00', '29/11/2026', '20261129', 'today'])(
    'refuses %s',
    (text) => {
      expect(approvalBound(text, 'from')).toBeUndefined();
    },
  );

  it('handles leap days', () => {
    expect(approvalBound('2028-02-29', 'to')).toBe('2028-02-29T15:59:59.999Z');
    expect(approvalBound('2026-02-29', 'to')).toBeUndefined();
  });
});

describe('parseRegistryFilter', () => {
  it('passes a valid filter through with bounds as UTC instants', () => {
    expect(parseRegistryFilter({ type: 'tech-federation', region: '441882', from: '2026-01-01', to: '2026-12-31' })).toEqual({
      type: 'tech-federation',
      region: '441882',
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-12-31T15:59:59.999Z',
    });
  });

  it('treats empty parameters as absent', () => {
    expect(parseRegistryFilter({ type: '', region: ' ', from: '', to: undefined })).toEqual({});
  });

  it('accepts a region at every level, and the province', () => {
    for (const region of ['44', '4418', '441882', '441882102', '441882102201']) {
      expect(parseRegistryFilter({ ...none, region }).region).toBe(region);
    }
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() => parseRegistryFilter({ type: 'bakery', region: '4418x', from: '2026-02-30', to: 'soon' }));

    expect(issues.map((i) => i.path)).toEqual(['type', 'region', 'from', 'to']);
    for (const issue of issues) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses an unknown region and one outside Guangdong', () => {
    expect(issuesOf(() => parseRegistryFilter({ ...none, region: '449999' }))[0].path).toBe('region');
    expect(issuesOf(() => parseRegistryFilter({ ...none, region: '4501' }))[0].path).toBe('region');
  });

  it('refuses from after to, but takes a single day', () => {
    expect(issuesOf(() => parseRegistryFilter({ ...none, from: '2026-11-30', to: '2026-11-29' }))[0].path).toBe('from');
    expect(parseRegistryFilter({ ...none, from: '2026-11-29', to: '2026-11-29' })).toEqual({ from: '2026-11-28T16:00:00.000Z', to: '2026-11-29T15:59:59.999Z' });
  });
});

describe('regionWithin (officials)', () => {
  it('defaults to the official’s own region and takes any region inside it', () => {
    expect(regionWithin('441882', undefined)).toBe('441882');
    expect(regionWithin('441882', '441882102201')).toBe('441882102201');
    expect(regionWithin('44', '4418')).toBe('4418');
    expect(regionWithin('44', undefined)).toBeUndefined();
  });

  it('refuses a region outside it, its parent included, with forbidden', () => {
    for (const asked of ['441881', '4418', '44']) {
      expect(() => regionWithin('441882', asked)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    }
  });
});

describe('certificate numbers', () => {
  it('reads the printed form, its ASCII variants and the ASCII form as one number', () => {
    for (const text of ['GDKX-2026-000123', 'gdkx-2026-000123', ' GDKX-2026-000123 ', '粤科协备〔2026〕000123号', '粤科协备（2026）000123号', '粤科协备[2026]000123号']) {
      expect(normaliseCertificateNo(text)).toBe('GDKX-2026-000123');
    }
  });

  it('reads nothing else', () => {
    for (const text of ['GDKX-2026-123', 'GDKX-26-000123', '粤科协备〔2026〕000123', 'CERT#GDKX-2026-000123', '']) {
      expect(normaliseCertificateNo(text)).toBeUndefined();
    }
  });

  it('counts the year in China Standard Time', () => {
    expect(cstYear(new Date('2026-12-31T15:59:59.999Z'))).toBe(2026);
    expect(cstYear(new Date('2026-12-31T16:00:00.000Z'))).toBe(2027);
  });

  it('shows only public fields', () => {
    const view = certificateView(
      {
        certificateNo: 'GDKX-2026-000007',
        id: '01J',
        type: 'science-e-station',
        name: '科普e站',
        organisation: '村委会',
        regionCode: '441882102201',
        approvedAt: '2026-11-29T00:00:00.000Z',
        status: 'ACTIVE',
        validUntil: '2029-11-29T00:00:00.000Z',
        contact: { name: '李秀英', mobile: '13800138000' },
      },
      new Date('2026-12-01T00:00:00Z'),
    );

    expect(view).toEqual({
      valid: true,
      status: 'ACTIVE',
      statusName: '有效',
      validity: '证书有效，服务期至 2029-11-29',
      validUntil: '2029-11-29T00:00:00.000Z',
      certificateNo: 'GDKX-2026-000007',
      title: '粤科协备〔2026〕000007号',
      type: 'science-e-station',
      typeName: '科普中国乡村e站',
      name: '科普e站',
      organisation: '村委会',
      regionCode: '441882102201',
      regionName: '广东省 清远市 连州市 大路边镇 寒鸭村委会',
      approvedAt: '2026-11-29T00:00:00.000Z',
      report: { year: 2026, status: 'DUE', statusName: '未报送', id: null },
      reports: [],
      evaluations: [],
      renewal: { opensAt: '2029-06-02T00:00:00.000Z', pending: false },
    });
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and nothing else', () => {
    expect(csvField('连州市, 大路边镇')).toBe('"连州市, 大路边镇"');
    expect(csvField('“菜心”协会 "A"')).toBe('"“菜心”协会 ""A"""');
    expect(csvField('第一行\r\n第二行')).toBe('"第一行\r\n第二行"');
    expect(csvField('普通文字')).toBe('普通文字');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('disarms text that a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+86 138')).toBe("'+86 138");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('ends each row with CRLF and reads back field for field', () => {
    const values = ['a,b', 'say "hi"', 'line1\nline2', '', '中文'];

    const text = csvRow(values) + csvRow(['x']);

    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([values, ['x']]);
  });

  it('exports a record with the type’s Chinese name, the full region name and CST time', () => {
    const row = exportRow({
      certificateNo: 'GDKX-2026-000123',
      id: '01J',
      type: 'rural-tech-association',
      name: '山塘村菜心协会',
      organisation: '山塘村',
      regionCode: '441882102201',
      approvedAt: '2026-11-28T16:00:00.000Z',
      status: 'REVOKED',
      validUntil: null,
      revokedAt: '2026-12-01T02:00:00.000Z',
      reason: '连续两年未报送年度报告',
    });

    expect(Object.fromEntries(exportHeader.map((h, i) => [h, row[i]]))).toEqual({
      证书编号: 'GDKX-2026-000123',
      证书文号: '粤科协备〔2026〕000123号',
      名称: '山塘村菜心协会',
      类型: '农村专业技术协会',
      申请单位: '山塘村',
      所在地区: '广东省 清远市 连州市 大路边镇 寒鸭村委会',
      区划代码: '441882102201',
      '批准时间（北京时间）': '2026-11-29 00:00:00',
      状态: '已撤销',
      '服务期至（北京时间）': '长期',
      撤销或注销原因: '连续两年未报送年度报告',
    });
    expect(CSV_BOM).toBe('\uFEFF');
  });
});

describe('registry scopes', () => {
  it('fans a village record out to the province, city, county, township and village, each with and without its type', () => {
    expect(scopesOf({ type: 'science-e-station', regionCode: '441882102201' })).toEqual([
      'REG#*#*',
      'REG#science-e-station#*',
      'REG#*#4418',
      'REG#science-e-station#4418',
      'REG#*#441882',
      'REG#science-e-station#441882',
      'REG#*#441882102',
      'REG#science-e-station#441882102',
      'REG#*#441882102201',
      'REG#science-e-station#441882102201',
    ]);
  });

  it('answers every filter from one of those partitions', () => {
    expect(scopeOfFilter({})).toBe('REG#*#*');
    expect(scopeOfFilter({ region: '44' })).toBe('REG#*#*');
    expect(scopeOfFilter({ type: 'tech-federation', region: '441882' })).toBe('REG#tech-federation#441882');
    for (const region of ['4418', '441882', '441882102', '441882102201']) {
      expect(scopesOf({ type: 'tech-federation', regionCode: '441882102201' })).toContain(scopeOfFilter({ type: 'tech-federation', region }));
    }
  });
});

describe('what an approval adds to the plan’s progress', () => {
  it('counts a county-level federation as a covered county, and a township-level one as none', () => {
    expect(contributionOf({ type: 'tech-federation', regionCode: '441882', form: goodForms['tech-federation'] })).toMatchObject({
      regions: ['4418', '441882'],
      coverage: [{ goal: 'county-tech-federations', region: '441882' }],
      experts: [],
    });
    expect(contributionOf({ type: 'tech-federation', regionCode: '441882102', form: goodForms['tech-federation'] }).coverage).toEqual([]);
  });

  it('covers a village with a village 农技协, a township with a 乡镇科协 and a county with a consortium station', () => {
    const goalOf = (type: keyof typeof goodForms, regionCode: string) => contributionOf({ type, regionCode, form: goodForms[type] }).coverage;

    expect(goalOf('rural-tech-association', '441882102201')).toEqual([{ goal: 'village-rural-tech-associations', region: '441882102201' }]);
    expect(goalOf('rural-tech-association', '441882102')).toEqual([]);
    expect(goalOf('township-association', '441882102')).toEqual([{ goal: 'township-associations', region: '441882102' }]);
    expect(goalOf('consortium-station', '441882')).toEqual([{ goal: 'county-consortium-stations', region: '441882' }]);
  });

  it('names the experts of stations, academicians included, and not those of associations', () => {
    const commissioner = contributionOf({ type: 'commissioner-station', regionCode: '441882102', form: goodForms['commissioner-station'] });
    const academician = contributionOf({ type: 'academician-station', regionCode: '441882', form: goodForms['academician-station'] });
    const association = contributionOf({ type: 'rural-tech-association', regionCode: '441882102201', form: goodForms['rural-tech-association'] });

    expect(commissioner.experts.length).toBe((goodForms['commissioner-station'] as { experts: unknown[] }).experts.length);
    expect(academician.experts.length).toBe(
      (goodForms['academician-station'] as { experts: unknown[] }).experts.length + (goodForms['academician-station'] as { academicians: unknown[] }).academicians.length,
    );
    expect(association.experts).toEqual([]);
  });

  it('knows an expert by name and affiliation, whatever the spacing or width of the characters', () => {
    expect(expertIdentity('李 建国', '广东省农业科学院 果树研究所')).toBe(expertIdentity('李建国', '广东省农业科学院果树研究所'));
    expect(expertIdentity('Li Jianguo', 'ＧＤＡＡＳ')).toBe(expertIdentity('li jianguo', 'GDAAS'));
    expect(expertIdentity('李建国', '华南农业大学')).not.toBe(expertIdentity('李建国', '广东省农业科学院果树研究所'));
  });

  it('counts an expert named twice in one form once', () => {
    const form = { experts: [{ name: '张三', affiliation: '华农' }, { name: '张三 ', affiliation: '华农' }] };

    expect(contributionOf({ type: 'expert-station', regionCode: '441882', form }).experts).toHaveLength(1);
  });

  it('spreads expert identities over every bucket', () => {
    const buckets = new Set(Array.from({ length: 2_000 }, (_, i) => bucketOf(expertIdentity(`专家${i}`, '单位'))));

    expect(buckets.size).toBe(EXPERT_BUCKETS);
  });
});

describe('progressReport', () => {
  it('lists every type, city and county with zeros, and measures each goal against the plan', () => {
    const report = progressReport(
      {
        counts: new Map<string, { total: number; byType: Record<string, number> }>([
          ['44', { total: 3, byType: { 'tech-federation': 2, 'township-association': 1 } }],
          ['4418', { total: 3, byType: { 'tech-federation': 2, 'township-association': 1 } }],
          ['441882', { total: 2, byType: { 'tech-federation': 2 } }],
        ]),
        goals: { 'county-tech-federations': 2, experts: 5_000 },
        ended: { REVOKED: 2, EXPIRED: 1, DISSOLVED: 0 },
        reportsOverdue: 4,
      },
      { 'tech-federation': '农技协联合会', 'township-association': '乡镇科协' },
    );

    expect(report.approved.total).toBe(3);
    expect(report.certificates).toEqual({ active: 3, revoked: 2, expired: 1, dissolved: 0, reportsOverdue: 4 });
    expect(report.approved.byType).toEqual([
      { type: 'tech-federation', name: '农技协联合会', count: 2 },
      { type: 'township-association', name: '乡镇科协', count: 1 },
    ]);
    expect(report.approved.byCity).toHaveLength(21);
    expect(report.approved.byCity.find((c) => c.code === '4418')).toMatchObject({ name: '清远市', count: 3 });
    expect(report.approved.byCity.find((c) => c.code === '4401')).toMatchObject({ name: '广州市', count: 0, byType: {} });
    expect(report.approved.byCounty).toHaveLength(124);
    expect(report.approved.byCounty.find((c) => c.code === '441882')).toMatchObject({ name: '连州市', city: '4418', count: 2 });
    expect(Object.fromEntries(report.progress.map((p) => [p.goal, [p.count, p.target, p.percent]]))).toEqual({
      'county-tech-federations': [2, 100, 2],
      'village-rural-tech-associations': [0, 1_000, 0],
      'county-consortium-stations': [0, 124, 0],
      'township-associations': [0, 1_757, 0],
      experts: [5_000, 20_000, 25],
    });
    expect(goals.map((g) => g.id)).toEqual(report.progress.map((p) => p.goal));
  });
});
