// The approval pipeline (审批进度): what each application adds to the counters of work in progress, overdue, days taken
// and returns, as the change that moves it sees it before and after. Pure: the store turns a delta into ADD updates of
// the same transaction (functions/store/pipeline.ts), so the counters never need a scan to be right.
import type { ApplicationRecord, HistoryEntry } from './application.js';
import { decidingLevelNames, decidingLevels, type DecidingLevel } from './chain.js';

/** What of an application the pipeline counts. `overdueLevel`: the overdue timer fired for its waiting task there. */
export type PipelineState = Pick<ApplicationRecord, 'status' | 'currentLevel' | 'awaitingRecord'> & {
  overdueLevel?: DecidingLevel | null;
  /** Stored before the pipeline and never counted in progress: its change adds where it goes, takes off nothing. */
  uncounted?: boolean;
};

/** The counters' names (one attribute each on a scope's item). */
export const pipelineCounter = {
  pending: (level: DecidingLevel) => `pending#${level}`,
  returned: 'returned',
  overdue: (level: DecidingLevel) => `overdue#${level}`,
  days: (level: DecidingLevel, bucket: string) => `days#${level}#${bucket}`,
  returns: (type: string) => `returns#${type}`,
};

/**
 * The histogram of working days a decision took, per level: one bucket per day up to 20 (a level's limit is at most
 * 20 working days), then 21–30, 31–60 and over 60. A bucket's name is its upper bound; the last is `61+`.
 */
export const DAY_BUCKETS = [...Array.from({ length: 21 }, (_, day) => String(day)), '30', '60', '61+'] as const;

export function dayBucket(days: number): string {
  if (days <= 20) return String(Math.max(0, Math.floor(days)));
  if (days <= 30) return '30';
  if (days <= 60) return '60';
  return '61+';
}

/** The one in-progress counter an application in this state stands in, if any: awaiting an office, or the applicant's correction. */
export function inProgressCounter(app: PipelineState): string | null {
  if (app.status === 'PENDING' && !app.awaitingRecord) return pipelineCounter.pending(app.currentLevel);
  if (app.status === 'RETURNED') return pipelineCounter.returned;
  return null;
}

/** A decision's place in the pipeline: at which level, what, and the working days its task took. */
export interface DecisionTaken {
  level: DecidingLevel;
  action: 'approve' | 'return' | 'reject';
  days: number;
  type: string;
}

/** The decision an entry records, if it is one (approve, return, reject by an office). */
export function decisionOf(entry: HistoryEntry, type: string, days: number): DecisionTaken | undefined {
  if ((entry.action === 'approve' || entry.action === 'return' || entry.action === 'reject') && entry.level) {
    return { level: entry.level, action: entry.action, days, type };
  }
  return undefined;
}

/**
 * What a change adds to the counters: −1 where the application stood before (if it was counted there) and +1 where it
 * stands after (nothing when both are the same), −1 overdue if its task was marked overdue (the change settles that task), and a decision's
 * day bucket and, for a return, its type's returns. `before` null: a new application.
 */
export function pipelineDelta(before: PipelineState | null, after: PipelineState, decision?: DecisionTaken): Record<string, number> {
  const delta: Record<string, number> = {};
  const add = (counter: string | null, n: number) => {
    if (counter) delta[counter] = (delta[counter] ?? 0) + n;
  };
  add(before && !before.uncounted ? inProgressCounter(before) : null, -1);
  add(inProgressCounter(after), 1);
  if (before?.overdueLevel) add(pipelineCounter.overdue(before.overdueLevel), -1);
  if (decision) {
    add(pipelineCounter.days(decision.level, dayBucket(decision.days)), 1);
    if (decision.action === 'return') add(pipelineCounter.returns(decision.type), 1);
  }
  return Object.fromEntries(Object.entries(delta).filter(([, n]) => n !== 0));
}

/** A level's histogram read back: how many decisions took each bucket's days. */
export type DayHistogram = Partial<Record<string, number>>;

/**
 * The median and 90th percentile of a histogram, as bucket upper bounds (exact up to 20 days; 30 or 60 stand for
 * 21–30 or 31–60, 61 for more than 60), and how many decisions it holds; null figures for none.
 */
export function histogramSummary(histogram: DayHistogram): { decided: number; median: number | null; p90: number | null } {
  const counts = DAY_BUCKETS.map((bucket) => Math.max(0, Number(histogram[bucket] ?? 0)));
  const decided = counts.reduce((sum, n) => sum + n, 0);
  const quantile = (q: number): number | null => {
    if (!decided) return null;
    const rank = Math.ceil(q * decided);
    let seen = 0;
    for (const [i, n] of counts.entries()) {
      seen += n;
      if (seen >= rank) return Number.parseInt(DAY_BUCKETS[i], 10);
    }
    return null;
  };
  return { decided, median: quantile(0.5), p90: quantile(0.9) };
}

export const pipelineLevels = decidingLevels;

export type LevelCounts = Record<DecidingLevel, number>;

export interface PipelineRow {
  code: string;
  name: string;
  /** Awaiting a decision at each level. */
  pending: LevelCounts;
  /** Returned, awaiting the applicant's correction. */
  returned: number;
  /** Of those pending, past the level's soft limit (the working-day due date). */
  overdue: LevelCounts;
}

export interface PipelineFigures {
  levels: { level: DecidingLevel; name: string; pending: number; overdue: number; decided: number; medianDays: number | null; p90Days: number | null }[];
  returned: number;
  inProgress: number;
  returnsByType: { type: string; name: string; count: number }[];
}

export interface PipelineReport extends PipelineFigures {
  byCity: PipelineRow[];
  byCounty: (PipelineRow & { city: string })[];
}

/** One scope's pipeline (GET /v1/stats/pipeline): its own figures and a row for each region under it that is counted. */
export interface ScopePipeline extends PipelineFigures {
  regionCode: string;
  name: string;
  children: PipelineRow[];
}

type Counters = ReadonlyMap<string, Record<string, number>>;

const counterOf = (counters: Counters) => (scope: string, counter: string) => Math.max(0, counters.get(scope)?.[counter] ?? 0);

function rowOf(counters: Counters, code: string, name: string): PipelineRow {
  const n = counterOf(counters);
  const levelCounts = (counter: (level: DecidingLevel) => string) => Object.fromEntries(decidingLevels.map((level) => [level, n(code, counter(level))])) as LevelCounts;
  return { code, name, pending: levelCounts(pipelineCounter.pending), returned: n(code, pipelineCounter.returned), overdue: levelCounts(pipelineCounter.overdue) };
}

/** A scope's own figures: each level's work in hand and the days its decisions took, the returned, the returns by type. */
function figuresOf(counters: Counters, scope: string, typeNames: Record<string, string>): PipelineFigures {
  const n = counterOf(counters);
  const levels = decidingLevels.map((level) => {
    const histogram = Object.fromEntries(DAY_BUCKETS.map((bucket) => [bucket, n(scope, pipelineCounter.days(level, bucket))]));
    const { decided, median, p90 } = histogramSummary(histogram);
    return { level, name: decidingLevelNames[level], pending: n(scope, pipelineCounter.pending(level)), overdue: n(scope, pipelineCounter.overdue(level)), decided, medianDays: median, p90Days: p90 };
  });
  const returned = n(scope, pipelineCounter.returned);
  return {
    levels,
    returned,
    inProgress: levels.reduce((sum, level) => sum + level.pending, returned),
    returnsByType: Object.entries(typeNames).map(([type, name]) => ({ type, name, count: n(scope, pipelineCounter.returns(type)) })),
  };
}

/** The pipeline as read from its scopes' counters (functions/store/pipeline.ts): the province's figures and every city's and county's. */
export function pipelineReport(counters: Counters, typeNames: Record<string, string>, regions: { province: string; children: (code: string) => { code: string; name: string }[] }): PipelineReport {
  const cities = regions.children(regions.province);
  return {
    ...figuresOf(counters, regions.province, typeNames),
    byCity: cities.map((city) => rowOf(counters, city.code, city.name)),
    byCounty: cities.flatMap((city) => regions.children(city.code).map((county) => ({ ...rowOf(counters, county.code, county.name), city: city.code }))),
  };
}

/** One scope's pipeline: its figures, and a row for each of `children` (a county's townships are not counted: none). */
export function scopePipeline(counters: Counters, typeNames: Record<string, string>, scope: { code: string; name: string }, children: { code: string; name: string }[]): ScopePipeline {
  return { regionCode: scope.code, name: scope.name, ...figuresOf(counters, scope.code, typeNames), children: children.map((child) => rowOf(counters, child.code, child.name)) };
}
