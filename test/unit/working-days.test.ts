import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay, workingDaysLeft } from '#functions/domain/working-days.js';
import { deadlinesFrom, parseTimeLimits } from '#functions/domain/deadlines.js';

const calendar = { holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-05']), workdays: new Set(['2026-10-10']) };

describe('working days', () => {
  it('skips the weekend: 2 working days from a Friday end on Tuesday 24:00 CST', () => {
    // Friday 2026-11-27 10:00 CST
    const end = addWorkingDays(new Date('2026-11-27T02:00:00Z'), 2, { holidays: new Set(), workdays: new Set() });
    expect(end.toISOString()).toBe('2026-12-01T16:00:00.000Z');
  });

  it('skips holidays and counts adjusted working weekends', () => {
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true); // a Saturday made a working day
    // From Wednesday 30 September: 1 Oct (holiday), 2 Oct (holiday), 3–4 weekend, 5 Oct holiday, 6 Oct is the 1st working day
    const end = addWorkingDays(new Date('2026-09-30T04:00:00Z'), 1, calendar);
    expect(end.toISOString()).toBe('2026-10-06T16:00:00.000Z');
  });

  it('counts the day of receipt in CST, not UTC', () => {
    // 2026-11-27 23:30 CST is still Friday in CST although Friday 15:30 in UTC
    const end = addWorkingDays(new Date('2026-11-27T15:30:00Z'), 1, { holidays: new Set(), workdays: new Set() });
    expect(end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });
});

describe('the countdown of working days left', () => {
  const plain = { holidays: new Set<string>(), workdays: new Set<string>() };
  // A limit of 3 working days from Friday 2026-11-27: due at Wednesday 2026-12-02 24:00 CST
  const due = addWorkingDays(new Date('2026-11-27T02:00:00Z'), 3, plain);

  it('counts as the limit does (not today), skips the weekend, and is 0 on the last day', () => {
    expect(workingDaysLeft(new Date('2026-11-27T09:00:00Z'), due, plain)).toBe(3); // Friday evening CST: Mon, Tue, Wed
    expect(workingDaysLeft(new Date('2026-11-28T02:00:00Z'), due, plain)).toBe(3); // Saturday
    expect(workingDaysLeft(new Date('2026-11-30T02:00:00Z'), due, plain)).toBe(2); // Monday: Tue, Wed
    expect(workingDaysLeft(new Date('2026-12-01T17:00:00Z'), due, plain)).toBe(0); // Wednesday 01:00 CST: due today
    expect(workingDaysLeft(new Date('2026-12-02T15:59:00Z'), due, plain)).toBe(0); // Wednesday 23:59 CST
  });

  it('is 0 once the limit has passed, and skips holidays', () => {
    expect(workingDaysLeft(due, due, plain)).toBe(0);
    expect(workingDaysLeft(new Date('2027-01-01T00:00:00Z'), due, plain)).toBe(0);
    const holiday = { holidays: new Set(['2026-12-01']), workdays: new Set<string>() };
    expect(workingDaysLeft(new Date('2026-11-30T02:00:00Z'), due, holiday)).toBe(1);
  });
});

describe('time limits', () => {
  it('reads per-level limits in working days or seconds', () => {
    const limits = parseTimeLimits('township=2s/4s,county=3/6');
    expect(limits.township).toEqual({ soft: { seconds: 2 }, hard: { seconds: 4 } });
    expect(limits.county).toEqual({ soft: { workingDays: 3 }, hard: { workingDays: 6 } });
    expect(limits.province.hard).toEqual({ workingDays: 15 });
    expect(() => parseTimeLimits('township=soon')).toThrow(/TIME_LIMITS/);
  });

  it('turns a limit into the due time, the expiry and the workflow timeout', () => {
    const start = new Date('2026-11-29T00:00:00Z');
    expect(deadlinesFrom(start, { soft: { seconds: 2 }, hard: { seconds: 4 } }, calendar)).toEqual({
      dueAt: '2026-11-29T00:00:02.000Z',
      expiresAt: '2026-11-29T00:00:04.000Z',
      timeoutSeconds: 4,
    });
  });
});
