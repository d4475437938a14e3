// The time limits of each deciding level: a soft one (past it the task is overdue) and a hard one
// (past it the workflow's own timeout expires the application).
import { addWorkingDays, type Calendar } from './working-days.js';
import type { DecidingLevel } from './chain.js';

/** A span of working days, or of seconds (for tests and demonstrations). */
export type Span = { workingDays: number } | { seconds: number };
export interface Limit {
  soft: Span;
  hard: Span;
}
export type TimeLimits = Record<DecidingLevel | 'resubmission', Limit>;

export const defaultTimeLimits: TimeLimits = {
  township: { soft: { workingDays: 5 }, hard: { workingDays: 10 } },
  county: { soft: { workingDays: 10 }, hard: { workingDays: 15 } },
  province: { soft: { workingDays: 10 }, hard: { workingDays: 15 } },
  resubmission: { soft: { workingDays: 10 }, hard: { workingDays: 20 } },
};

export function spanEnd(start: Date, span: Span, calendar: Calendar): Date {
  return 'seconds' in span ? new Date(start.getTime() + span.seconds * 1000) : addWorkingDays(start, span.workingDays, calendar);
}

export interface Deadlines {
  dueAt: string;
  expiresAt: string;
  /** Whole seconds from `start` to `expiresAt`, at least 1: the workflow task's TimeoutSeconds. */
  timeoutSeconds: number;
}

export function deadlinesFrom(start: Date, limit: Limit, calendar: Calendar): Deadlines {
  const due = spanEnd(start, limit.soft, calendar);
  const expires = spanEnd(start, limit.hard, calendar);
  return {
    dueAt: due.toISOString(),
    expiresAt: expires.toISOString(),
    timeoutSeconds: Math.max(1, Math.ceil((expires.getTime() - start.getTime()) / 1000)),
  };
}

/** Parses `township=5/10,county=2s/4s` (soft/hard, working days or seconds with `s`) over the defaults. */
export function parseTimeLimits(text: string | undefined): TimeLimits {
  const limits: TimeLimits = structuredClone(defaultTimeLimits);
  if (!text) return limits;
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(township|county|province|resubmission)=(\d+s?)\/(\d+s?)$/.exec(part);
    if (!match) throw new Error(`TIME_LIMITS: cannot read "${part}" (expected e.g. township=5/10 or county=2s/4s)`);
    const [, level, soft, hard] = match;
    limits[level as keyof TimeLimits] = { soft: parseSpan(soft), hard: parseSpan(hard) };
  }
  return limits;
}

function parseSpan(text: string): Span {
  const n = Number.parseInt(text, 10);
  if (n < 1) throw new Error(`TIME_LIMITS: ${text} must be at least 1`);
  return text.endsWith('s') ? { seconds: n } : { workingDays: n };
}

/** How long a published need waits for its first response before its region counts it as unanswered too long. */
export const defaultDemandResponseLimit: Span = { workingDays: 10 };

/** `DEMAND_RESPONSE_DAYS`: working days (`10`) or seconds (`30s`, for demonstrations and tests). */
export function parseDemandResponseLimit(text: string | undefined): Span {
  if (!text) return defaultDemandResponseLimit;
  const match = /^([1-9]\d{0,3})(s?)$/.exec(text.trim());
  if (!match) throw new Error(`DEMAND_RESPONSE_DAYS: cannot read "${text}" (expected working days, e.g. 10, or seconds, e.g. 30s)`);
  return match[2] ? { seconds: Number(match[1]) } : { workingDays: Number(match[1]) };
}
