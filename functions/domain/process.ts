// What happens to a certified station through the approval workflow after its certificate: its annual report (年度报告,
// decided by its county alone) and its change (变更, decided by its host level and the province). Each is an
// application of its own process type about a certificate (its `subject`), run by the same workflow definition over
// its own chain. Pure: no AWS, no HTTP.
import { DomainError } from './application.js';
import { validUntilOf, type Term } from './certificate.js';
import { cstDate, cstStartOf, cstYear } from './china-time.js';

export const processTypes = ['annual-report', 'certificate-change', 'certificate-renewal'] as const;
export type ProcessType = (typeof processTypes)[number];

export const processNames: Record<ProcessType, string> = { 'annual-report': '年度报告', 'certificate-change': '变更申请', 'certificate-renewal': '期满评估与续期' };

export function isProcessType(value: unknown): value is ProcessType {
  return processTypes.includes(value as ProcessType);
}

/** The certificate a process is about, and how its notices and lists name it. */
export interface Subject {
  certificateNo: string;
  /** The station's type (the catalogue's) and the application that established it (the plan rule's holder). */
  stationType: string;
  stationId: string;
  /** `连州市…工作站 2026年度报告`. */
  title: string;
  /** The year an annual report is about. */
  year?: number;
  /** An annual report's or a renewal's: the needs of the demand library the station took on in its period, as filed. */
  demands?: DemandRecord;
}

// ---- The demand library's record of a station (需求对接), in its annual report and its evaluation ----

/** What the reviewing office reads of a station's needs (需求库) in a report's year or an evaluation's term. */
export interface DemandRecord {
  /** The period counted: [from, to), UTC instants. */
  from: string;
  to: string;
  /** Needs the station was matched with in the period, and of them (or matched before) those closed in it. */
  matched: number;
  closed: number;
  /** The closed ones' mean rating (1–5, one decimal), and how many were rated 1 or 2 (差评). */
  averageRating: number | null;
  poorRatings: number;
  /** Each need counted, newest first, at most DEMAND_RECORD_ITEMS. */
  needs: { demandId: string; title: string; status: 'MATCHED' | 'CLOSED'; matchedAt: string; closedAt: string | null; rating: number | null }[];
}

export const DEMAND_RECORD_ITEMS = 20;

type DemandLink = { demandId: string; title: string; status: 'MATCHED' | 'CLOSED'; matchedAt: string; closedAt: string | null; rating: number | null };

/** A station's needs in a period: matched in it, or closed in it (rated then); from its certificate's links. */
export function demandRecordOf(links: DemandLink[], period: { from: string; to: string }): DemandRecord {
  const within = (at: string | null) => !!at && at >= period.from && at < period.to;
  const counted = links.filter((l) => within(l.matchedAt) || within(l.closedAt)).sort((a, b) => (b.closedAt ?? b.matchedAt).localeCompare(a.closedAt ?? a.matchedAt));
  const closed = counted.filter((l) => l.status === 'CLOSED' && within(l.closedAt));
  const ratings = closed.map((l) => l.rating).filter((r): r is number => typeof r === 'number');
  return {
    ...period,
    matched: counted.filter((l) => within(l.matchedAt)).length,
    closed: closed.length,
    averageRating: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null,
    poorRatings: ratings.filter((r) => r <= 2).length,
    needs: counted.slice(0, DEMAND_RECORD_ITEMS).map(({ demandId, title, status, matchedAt, closedAt, rating }) => ({ demandId, title, status, matchedAt, closedAt, rating })),
  };
}

/** An annual report's period: its year, in China Standard Time. */
export function reportPeriod(year: number): { from: string; to: string } {
  return { from: cstStartOf(`${year}-01-01`).toISOString(), to: cstStartOf(`${year + 1}-01-01`).toISOString() };
}

// ---- Changes ----

/** What a change (变更) may change; what it leaves out stays as it is. */
export const changeableFields = ['name', 'contact', 'address', 'regionCode', 'experts'] as const;
export type ChangeableField = (typeof changeableFields)[number];

export const changeFieldNames: Record<ChangeableField, string> = {
  name: '名称',
  contact: '联系人',
  address: '详细地址',
  regionCode: '所在地区',
  experts: '专家名单',
};

/** The fields a change's form really changes, compared with the values the station has now. */
export function changedFields(current: Partial<Record<ChangeableField, unknown>>, change: Partial<Record<ChangeableField, unknown>>): ChangeableField[] {
  return changeableFields.filter((field) => change[field] !== undefined && JSON.stringify(change[field]) !== JSON.stringify(current[field]));
}

// ---- Annual reports ----

/**
 * Where a year's report stands on its certificate: filed and awaiting the county (PENDING, RETURNED for correction),
 * accepted (APPROVED), not accepted (REJECTED, WITHDRAWN, EXPIRED: the year may be filed again), or not filed by its
 * deadline (OVERDUE, until it is filed).
 */
export const reportStatuses = ['PENDING', 'RETURNED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'OVERDUE'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export const reportStatusNames: Record<ReportStatus | 'DUE', string> = {
  PENDING: '已报送，待县级审核',
  RETURNED: '已退回修改',
  APPROVED: '已通过',
  REJECTED: '未通过',
  WITHDRAWN: '已撤回',
  EXPIRED: '已超期',
  OVERDUE: '逾期未报',
  DUE: '未报送',
};

export interface ReportMark {
  status: ReportStatus;
  /** The report (an application id); absent for a year never filed (OVERDUE). */
  id?: string;
  at: string;
}

/** A year's report is taken (another may not be filed for it) while it awaits the county or once accepted. */
export function reportTaken(mark: ReportMark | undefined): boolean {
  return !!mark && (mark.status === 'PENDING' || mark.status === 'RETURNED' || mark.status === 'APPROVED');
}

/**
 * The deadline of a year's reports: `{ monthDay: '03-31' }` the end of that day (CST) in the year after; for
 * demonstrations and tests `{ seconds }`: the approval year's due that long after approval, each later year's that
 * long after the one before, but never before that year has begun (a year to come cannot be overdue).
 */
export type ReportDeadlineRule = { monthDay: string } | { seconds: number };

export function parseReportDeadline(text: string | undefined): ReportDeadlineRule {
  const value = (text ?? '03-31').trim();
  const seconds = /^(\d+)s$/.exec(value);
  if (seconds && Number(seconds[1]) >= 1) return { seconds: Number(seconds[1]) };
  const day = /^(\d{2})-(\d{2})$/.exec(value);
  if (day && !Number.isNaN(Date.parse(`2027-${value}T00:00:00Z`)) && cstDate(cstStartOf(`2027-${value}`)) === `2027-${value}`) return { monthDay: value };
  throw new Error(`REPORT_DEADLINE: cannot read "${value}" (expected a month and day of the year after, e.g. 03-31, or seconds for demonstrations, e.g. 30s)`);
}

/** When the report of `year` is due for a station approved at `approvedAt`. */
export function reportDeadline(year: number, approvedAt: string, rule: ReportDeadlineRule): string {
  if ('seconds' in rule) {
    const first = cstYear(new Date(approvedAt));
    const chained = Date.parse(approvedAt) + (year - first + 1) * rule.seconds * 1000;
    return new Date(Math.max(chained, cstStartOf(`${year}-01-01`).getTime() + rule.seconds * 1000)).toISOString();
  }
  return new Date(cstStartOf(`${year + 1}-${rule.monthDay}`).getTime() + 24 * 3600_000 - 1).toISOString();
}

/** The year a station's first report is for: the (CST) year it was approved. */
export function firstReportYear(approvedAt: string): number {
  return cstYear(new Date(approvedAt));
}

/** The year whose report status the registry shows: the one now due or being filed (the last year once in seconds). */
export function currentReportYear(approvedAt: string, now: Date, rule: ReportDeadlineRule): number {
  let year = firstReportYear(approvedAt);
  // The earliest year whose deadline has not passed, but never after this year.
  while (year < cstYear(now) && reportDeadline(year, approvedAt, rule) <= now.toISOString()) year += 1;
  return year;
}

/**
 * Whether `year` may be reported on for a station approved at `approvedAt`, by `now`: not before the station existed,
 * not a year still to come, not a year reported already. Throws 400 or 409 in Chinese.
 */
export function assertReportableYear(year: number, record: { approvedAt: string; reports?: Record<string, ReportMark> }, now: Date): void {
  const first = firstReportYear(record.approvedAt);
  if (year < first) {
    throw new DomainError('validation', '报告年度有误', { issues: [{ path: 'year', message: `站点于 ${first} 年设立，不能报送 ${year} 年度的报告` }] });
  }
  if (year > cstYear(now)) {
    throw new DomainError('validation', '报告年度有误', { issues: [{ path: 'year', message: `${year} 年度尚未开始，不能报送` }] });
  }
  const mark = record.reports?.[String(year)];
  if (reportTaken(mark)) {
    throw new DomainError('duplicate', `${year} 年度报告已报送（${reportStatusNames[mark!.status]}），不能重复报送`, { existing: { id: mark!.id ?? null, status: mark!.status } });
  }
}

export function reportTitle(stationName: string, year: number): string {
  return `${stationName} ${year}年度报告`;
}

export function changeTitle(stationName: string): string {
  return `${stationName} 变更申请`;
}

export function renewalTitle(stationName: string, validUntil: string): string {
  return `${stationName} 期满评估与续期（服务期至 ${cstDate(new Date(validUntil))}）`;
}

// ---- Evaluation and renewal (期满评估与续期) ----

/** The grade the province gives a station's term (the county may propose one first): 优秀, 合格, 不合格. */
export const evaluationGrades = ['excellent', 'qualified', 'unqualified'] as const;
export type EvaluationGrade = (typeof evaluationGrades)[number];

export const evaluationGradeNames: Record<EvaluationGrade, string> = { excellent: '优秀', qualified: '合格', unqualified: '不合格' };

/** A term's evaluation as its certificate keeps it: the grade, when, by which renewal, and the term it left. */
export interface Evaluation {
  at: string;
  grade: EvaluationGrade;
  applicationId: string;
  /** The term's end before and after the evaluation. */
  from: string;
  validUntil: string;
}

/**
 * When a term ending at `validUntil` opens to renewal: a renewal may be filed in the last 180 days of a term (all of
 * a shorter one's, as set for demonstrations).
 */
export function renewalOpensAt(validUntil: string): string {
  return new Date(Date.parse(validUntil) - 180 * 24 * 3600_000).toISOString();
}

/**
 * The term's end after its evaluation: 优秀 or 合格 renew it for a whole term from its end; 不合格 leaves a sixth of a
 * term (six months of three years) from now or its end, whichever is later, to put things right and be evaluated
 * again (限期整改). Two 不合格 in a row propose revocation to the province.
 */
export function renewedValidUntil(validUntil: string, term: NonNullable<Term>, grade: EvaluationGrade, now: Date): string {
  const renewed = validUntilOf(validUntil, term)!;
  if (grade !== 'unqualified') return renewed;
  const sixth = Math.round((Date.parse(renewed) - Date.parse(validUntil)) / 6);
  return new Date(Math.max(Date.parse(validUntil), now.getTime()) + sixth).toISOString();
}

/** Whether this grade, after the evaluations before it, is the second 不合格 in a row. */
export function secondFailure(before: Evaluation[] | undefined, grade: EvaluationGrade): boolean {
  return grade === 'unqualified' && before?.at(-1)?.grade === 'unqualified';
}

/** A process's application status as its certificate's mark of the year shows it. */
export function reportStatusOf(status: string): ReportStatus {
  return (reportStatuses as readonly string[]).includes(status) ? (status as ReportStatus) : 'PENDING';
}
