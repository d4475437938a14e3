import { describe, expect, it } from 'vitest';
import { dayBucket, decisionOf, histogramSummary, inProgressCounter, pipelineDelta, pipelineReport, type PipelineState } from '#functions/domain/pipeline.js';
import { workingDaysTaken } from '#functions/domain/working-days.js';
import type { HistoryEntry } from '#functions/domain/application.js';

const pending = (level: PipelineState['currentLevel'], extra: Partial<PipelineState> = {}): PipelineState => ({ status: 'PENDING', currentLevel: level, awaitingRecord: false, ...extra });
const entry = (action: HistoryEntry['action'], level: HistoryEntry['level']): HistoryEntry => ({ at: '2026-12-01T02:00:00Z', action, level, actor: { sub: 'o', name: '审批人', role: 'official' }, comment: null });

describe('what a change adds to the approval pipeline', () => {
  it('counts a submission awaiting its first office', () => {
    expect(pipelineDelta(null, pending('township'))).toEqual({ 'pending#township': 1 });
  });

  it('moves an approval from its level to the next, with the days it took', () => {
    const decision = decisionOf(entry('approve', 'township'), 'rural-tech-association', 2);
    expect(pipelineDelta(pending('township'), pending('county'), decision)).toEqual({ 'pending#township': -1, 'pending#county': 1, 'days#township#2': 1 });
  });

  it('counts a return as returned and as a return of its type', () => {
    const decision = decisionOf(entry('return', 'county'), 'township-association', 0);
    expect(pipelineDelta(pending('county'), { status: 'RETURNED', currentLevel: 'county', awaitingRecord: false }, decision)).toEqual({
      'pending#county': -1,
      returned: 1,
      'days#county#0': 1,
      'returns#township-association': 1,
    });
  });

  it('takes a resubmission off the returned count and back to its level', () => {
    expect(pipelineDelta({ status: 'RETURNED', currentLevel: 'county', awaitingRecord: false }, pending('county'), decisionOf(entry('resubmit', 'county'), 't', 3))).toEqual({ returned: -1, 'pending#county': 1 });
  });

  it('takes the last approval off the counts while the certificate is recorded, and an end off them', () => {
    expect(pipelineDelta(pending('province'), pending('province', { awaitingRecord: true }), decisionOf(entry('approve', 'province'), 't', 25))).toEqual({ 'pending#province': -1, 'days#province#30': 1 });
    expect(pipelineDelta(pending('county'), { status: 'WITHDRAWN', currentLevel: 'county', awaitingRecord: false })).toEqual({ 'pending#county': -1 });
    expect(pipelineDelta({ status: 'RETURNED', currentLevel: 'township', awaitingRecord: false }, { status: 'EXPIRED', currentLevel: 'township', awaitingRecord: false })).toEqual({ returned: -1 });
  });

  it('takes an overdue task off the overdue count once settled, escalation and hold alike', () => {
    expect(pipelineDelta(pending('county', { overdueLevel: 'county' }), pending('province'))).toEqual({ 'pending#county': -1, 'pending#province': 1, 'overdue#county': -1 });
    // Held with the same office: still pending there, no longer overdue (a new wait starts).
    expect(pipelineDelta(pending('county', { overdueLevel: 'county' }), pending('county'))).toEqual({ 'overdue#county': -1 });
  });

  it('takes nothing off for an application stored before the pipeline, and counts it where it goes', () => {
    expect(pipelineDelta(pending('township', { uncounted: true }), pending('county'))).toEqual({ 'pending#county': 1 });
    expect(pipelineDelta(pending('county', { uncounted: true, overdueLevel: 'county' }), { status: 'REJECTED', currentLevel: 'county', awaitingRecord: false })).toEqual({ 'overdue#county': -1 });
  });

  it('counts nothing for a state outside the pipeline', () => {
    expect(inProgressCounter({ status: 'APPROVED', currentLevel: 'province', awaitingRecord: false })).toBeNull();
    expect(decisionOf(entry('withdraw', 'county'), 't', 1)).toBeUndefined();
  });
});

describe('the histogram of working days', () => {
  it('has a bucket per day up to 20, then 21–30, 31–60 and more', () => {
    expect([0, 7, 20, 21, 30, 31, 60, 61, 400].map(dayBucket)).toEqual(['0', '7', '20', '30', '30', '60', '60', '61+', '61+']);
  });

  it('gives the median and the 90th percentile from the buckets', () => {
    // 1, 2, 2, 3, 3, 3, 4, 5, 9, 25 → median (5th of 10) 3, p90 (9th) 9
    expect(histogramSummary({ '1': 1, '2': 2, '3': 3, '4': 1, '5': 1, '9': 1, '30': 1 })).toEqual({ decided: 10, median: 3, p90: 9 });
    expect(histogramSummary({ '61+': 1 })).toEqual({ decided: 1, median: 61, p90: 61 });
    expect(histogramSummary({})).toEqual({ decided: 0, median: null, p90: null });
  });

  it('counts a task\'s working days as a limit does: the day of arrival not counted, weekends skipped', () => {
    const plain = { holidays: new Set<string>(), workdays: new Set<string>() };
    // Friday 2026-11-27 10:00 CST → the same day: 0; → Monday 30th: 1; → Tuesday 1 December: 2
    expect(workingDaysTaken(new Date('2026-11-27T02:00:00Z'), new Date('2026-11-27T09:00:00Z'), plain)).toBe(0);
    expect(workingDaysTaken(new Date('2026-11-27T02:00:00Z'), new Date('2026-11-30T02:00:00Z'), plain)).toBe(1);
    expect(workingDaysTaken(new Date('2026-11-27T02:00:00Z'), new Date('2026-12-01T15:00:00Z'), plain)).toBe(2);
  });
});

describe('the pipeline report', () => {
  it('reads the province\'s levels and each city\'s and county\'s figures, 0 where nothing was counted', () => {
    const counters = new Map<string, Record<string, number>>([
      ['44', { 'pending#township': 3, 'pending#county': 1, returned: 2, 'overdue#township': 1, 'days#township#1': 2, 'days#township#4': 1, 'returns#annual-report': 1 }],
      ['4418', { 'pending#township': 3, 'overdue#township': 1 }],
    ]);
    const regions = { province: '44', children: (code: string) => (code === '44' ? [{ code: '4418', name: '清远市' }, { code: '4401', name: '广州市' }] : code === '4418' ? [{ code: '441882', name: '连州市' }] : []) };
    const report = pipelineReport(counters, { 'annual-report': '年度报告' }, regions);
    expect(report.levels[0]).toEqual({ level: 'township', name: '乡镇', pending: 3, overdue: 1, decided: 3, medianDays: 1, p90Days: 4 });
    expect(report.inProgress).toBe(6);
    expect(report.returnsByType).toEqual([{ type: 'annual-report', name: '年度报告', count: 1 }]);
    expect(report.byCity[0]).toEqual({ code: '4418', name: '清远市', pending: { township: 3, county: 0, province: 0 }, returned: 0, overdue: { township: 1, county: 0, province: 0 } });
    expect(report.byCounty).toEqual([{ code: '441882', name: '连州市', city: '4418', pending: { township: 0, county: 0, province: 0 }, returned: 0, overdue: { township: 0, county: 0, province: 0 } }]);
  });
});
