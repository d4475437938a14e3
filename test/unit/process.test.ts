// The pure rules of a station's life after its certificate: who decides a report and a change, when a year's report
// is due, which years may be reported on, what a change changes.
import { describe, expect, it } from 'vitest';
import { chainOf, nextStepOf } from '#functions/domain/chain.js';
import { DomainError } from '#functions/domain/application.js';
import { assertReportableYear, changedFields, currentReportYear, demandRecordOf, reportPeriod, parseReportDeadline, renewalOpensAt, renewedValidUntil, reportDeadline, secondFailure } from '#functions/domain/process.js';

describe('chains of the processes', () => {
  it('an annual report is decided by its county alone, whatever level hosts the station', () => {
    expect(chainOf({ type: 'annual-report', regionCode: '441882102201' })).toEqual([{ level: 'county', region: '441882' }]);
    expect(chainOf({ type: 'annual-report', regionCode: '441882' })).toEqual([{ level: 'county', region: '441882' }]);
    expect(nextStepOf({ type: 'annual-report', regionCode: '441882102' }, 'county')).toBeNull();
  });

  it('a change goes from the host level straight to the province', () => {
    expect(chainOf({ type: 'certificate-change', regionCode: '441882102201' })).toEqual([
      { level: 'township', region: '441882102' },
      { level: 'province', region: '44' },
    ]);
    expect(chainOf({ type: 'certificate-change', regionCode: '441882' })).toEqual([
      { level: 'county', region: '441882' },
      { level: 'province', region: '44' },
    ]);
  });

  it('an establishment keeps its whole chain', () => {
    expect(chainOf({ type: 'society-station', regionCode: '441882102' }).map((s) => s.level)).toEqual(['township', 'county', 'province']);
  });
});

describe('report deadlines', () => {
  it('by default the end of 31 March (CST) of the year after', () => {
    expect(reportDeadline(2026, '2026-06-01T02:00:00.000Z', parseReportDeadline(undefined))).toBe('2027-03-31T15:59:59.999Z');
  });

  it('in seconds, each year’s that long after the one before, never before its year has begun', () => {
    const rule = parseReportDeadline('30s');
    expect(reportDeadline(2026, '2026-06-01T02:00:00.000Z', rule)).toBe('2026-06-01T02:00:30.000Z');
    // 2027 begins at 2026-12-31T16:00Z (Beijing time): its report is due 30 s after
    expect(reportDeadline(2027, '2026-06-01T02:00:00.000Z', rule)).toBe('2026-12-31T16:00:30.000Z');
    expect(reportDeadline(2027, '2026-12-31T15:59:50.000Z', rule)).toBe('2026-12-31T16:00:50.000Z');
  });

  it('refuses what it cannot read, naming the setting', () => {
    for (const text of ['0s', '3-31', '02-30', 'soon']) expect(() => parseReportDeadline(text), text).toThrow(/REPORT_DEADLINE/);
  });

  it('shows the earliest year whose deadline has not passed, never one still to come', () => {
    const rule = parseReportDeadline('03-31');
    expect(currentReportYear('2025-06-01T02:00:00.000Z', new Date('2026-02-01T00:00:00Z'), rule)).toBe(2025);
    expect(currentReportYear('2025-06-01T02:00:00.000Z', new Date('2026-04-02T00:00:00Z'), rule)).toBe(2026);
    expect(currentReportYear('2025-06-01T02:00:00.000Z', new Date('2030-12-31T00:00:00Z'), rule)).toBe(2030);
  });
});

describe('reportable years', () => {
  const record = { approvedAt: '2025-06-01T02:00:00.000Z' };
  const now = new Date('2026-12-01T00:00:00Z');
  const problem = (year: number, reports = {}) => {
    try {
      assertReportableYear(year, { ...record, reports }, now);
      return undefined;
    } catch (error) {
      return error as DomainError;
    }
  };

  it('takes the station’s years up to this one', () => {
    expect(problem(2025)).toBeUndefined();
    expect(problem(2026)).toBeUndefined();
  });

  it('refuses a year before the station existed and one to come (400), a year reported already (409)', () => {
    expect(problem(2024)).toMatchObject({ code: 'validation', details: { issues: [{ path: 'year', message: '站点于 2025 年设立，不能报送 2024 年度的报告' }] } });
    expect(problem(2027)).toMatchObject({ code: 'validation' });
    expect(problem(2025, { 2025: { status: 'APPROVED', id: 'r1', at: '2026-01-01T00:00:00Z' } })).toMatchObject({ code: 'duplicate', message: expect.stringContaining('2025 年度报告已报送（已通过）') });
    expect(problem(2025, { 2025: { status: 'RETURNED', id: 'r1', at: '2026-01-01T00:00:00Z' } })).toMatchObject({ code: 'duplicate' });
  });

  it('takes a year again once its report was rejected, withdrawn or expired, or flagged overdue', () => {
    for (const status of ['REJECTED', 'WITHDRAWN', 'EXPIRED', 'OVERDUE']) expect(problem(2025, { 2025: { status, at: '2026-01-01T00:00:00Z' } }), status).toBeUndefined();
  });
});

describe('changed fields', () => {
  it('names only the fields given with another value than the current one', () => {
    const current = { name: '甲站', address: '连州市大路边镇一号', contact: { name: '李明', mobile: '13800138000' } };
    expect(changedFields(current, { name: '甲站', address: '连州市大路边镇二号', contact: { name: '李明', mobile: '13900139000' } })).toEqual(['contact', 'address']);
    expect(changedFields(current, { name: '甲站' })).toEqual([]);
  });
});

describe('evaluation and renewal (期满评估与续期)', () => {
  it('is reviewed by the county and graded by the province, wherever the station is hosted', () => {
    expect(chainOf({ type: 'certificate-renewal', regionCode: '441882102201' })).toEqual([
      { level: 'county', region: '441882' },
      { level: 'province', region: '44' },
    ]);
    expect(chainOf({ type: 'certificate-renewal', regionCode: '441882' })).toEqual([
      { level: 'county', region: '441882' },
      { level: 'province', region: '44' },
    ]);
    // 东莞's townships: the pseudo-county 441900 reviews
    expect(chainOf({ type: 'certificate-renewal', regionCode: '441900003' })[0]).toEqual({ level: 'county', region: '441900' });
  });

  it('优秀 and 合格 renew a whole term from its end; 不合格 leaves a sixth of a term from now or the end, whichever is later', () => {
    const end = '2027-03-01T00:00:00.000Z';
    const now = new Date('2026-12-01T00:00:00.000Z');
    expect(renewedValidUntil(end, { years: 3 }, 'qualified', now)).toBe('2030-03-01T00:00:00.000Z');
    expect(renewedValidUntil(end, { years: 3 }, 'excellent', now)).toBe('2030-03-01T00:00:00.000Z');
    const sixth = (Date.parse('2030-03-01T00:00:00.000Z') - Date.parse(end)) / 6;
    expect(renewedValidUntil(end, { years: 3 }, 'unqualified', now)).toBe(new Date(Date.parse(end) + sixth).toISOString());
    // A term already past its end (graded late): the time to put things right runs from now
    expect(renewedValidUntil('2026-01-01T00:00:00.000Z', { seconds: 60 }, 'unqualified', now)).toBe(new Date(now.getTime() + 10_000).toISOString());
    expect(renewalOpensAt(end)).toBe(new Date(Date.parse(end) - 180 * 24 * 3600_000).toISOString());
  });

  it('a second 不合格 in a row proposes revocation; one after a 合格 does not', () => {
    const e = (grade: 'excellent' | 'qualified' | 'unqualified') => ({ at: '', grade, applicationId: '', from: '', validUntil: '' });
    expect(secondFailure([e('unqualified')], 'unqualified')).toBe(true);
    expect(secondFailure([e('unqualified'), e('qualified')], 'unqualified')).toBe(false);
    expect(secondFailure(undefined, 'unqualified')).toBe(false);
    expect(secondFailure([e('unqualified')], 'qualified')).toBe(false);
  });
});

describe('a station\'s needs in a report\'s year or a term (需求对接)', () => {
  const link = (demandId: string, matchedAt: string, closedAt: string | null, rating: number | null) => ({
    demandId,
    title: `需求 ${demandId}`,
    status: closedAt ? ('CLOSED' as const) : ('MATCHED' as const),
    matchedAt,
    closedAt,
    rating,
  });

  it('counts those matched in the period and those closed in it, with the closed ones\' mean rating and the poor ones', () => {
    // Prepare: 2026 in China Standard Time
    const period = reportPeriod(2026);
    const links = [
      link('a', '2025-12-20T00:00:00.000Z', '2026-01-10T00:00:00.000Z', 4), // matched the year before, closed in it
      link('b', '2026-03-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 2),
      link('c', '2026-06-01T00:00:00.000Z', null, null), // under way
      link('d', '2025-03-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z', 5), // the year before: not counted
      link('e', '2026-12-31T16:00:00.000Z', null, null), // 2027-01-01 00:00 in China: the next year's
    ];

    // Act
    const record = demandRecordOf(links, period);

    // Assess
    expect(period).toEqual({ from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    expect(record).toMatchObject({ matched: 2, closed: 2, averageRating: 3, poorRatings: 1 });
    expect(record.needs.map((n) => n.demandId)).toEqual(['c', 'b', 'a']);
  });

  it('says nothing was taken on when there was nothing', () => {
    expect(demandRecordOf([], reportPeriod(2026))).toMatchObject({ matched: 0, closed: 0, averageRating: null, poorRatings: 0, needs: [] });
  });
});
