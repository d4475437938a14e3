// Time limits as government service counts them: working days in China Standard Time,
// weekends and the configured public holidays skipped (adjusted working weekends count).

import { cstDate, cstStartOf } from './china-time.js';

const DAY_MS = 86_400_000;

export interface Calendar {
  /** 'YYYY-MM-DD' dates (CST) that are days off although on a weekday. */
  holidays: ReadonlySet<string>;
  /** 'YYYY-MM-DD' dates (CST) that are working days although on a weekend (调休). */
  workdays: ReadonlySet<string>;
}


export function isWorkingDay(date: string, calendar: Calendar): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The instant `days` working days after `start`: the end (24:00 CST) of the `days`-th working day
 * counted from the day after `start` (the day of receipt does not count, as in 行政许可 practice).
 */
export function addWorkingDays(start: Date, days: number, calendar: Calendar): Date {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`addWorkingDays: ${days} is not a positive whole number`);
  let date = cstDate(start);
  let counted = 0;
  while (counted < days) {
    date = nextDate(date);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return cstStartOf(nextDate(date));
}

function nextDate(date: string): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The countdown shown on a task: the working days after today up to the last day before `due` (an instant at 24:00
 * CST that ends a limit, as addWorkingDays gives). Counted as the limit is (the day of receipt not counted): a limit of
 * 3 working days shows 3 on the day it starts, and 0 on its last day (due today) and after it (overdue).
 */
export function workingDaysLeft(now: Date, due: Date, calendar: Calendar): number {
  if (now.getTime() >= due.getTime()) return 0;
  const last = cstDate(new Date(due.getTime() - 1));
  let left = 0;
  // A limit is weeks at most; the bound keeps a wrong date from looping for long.
  for (let date = nextDate(cstDate(now)), days = 0; date <= last && days < 3660; date = nextDate(date), days++) {
    if (isWorkingDay(date, calendar)) left += 1;
  }
  return left;
}

/**
 * The working days a task took: those after the day it arrived (CST) up to and including the day it was decided, as
 * a limit counts them (the day of receipt not counted), so a decision on the day of arrival took 0.
 */
export function workingDaysTaken(since: Date, decided: Date, calendar: Calendar): number {
  const last = cstDate(decided);
  let taken = 0;
  for (let date = nextDate(cstDate(since)), days = 0; date <= last && days < 3660; date = nextDate(date), days++) {
    if (isWorkingDay(date, calendar)) taken += 1;
  }
  return taken;
}
