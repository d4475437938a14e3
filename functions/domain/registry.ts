// The registry's rules: what a registry query may ask (type, region, approval period in China Standard
// Time) and what an exported row shows. Pure: no AWS, no HTTP.
// forms/entry.js, not the catalogue: names only, no form schemas (the workflow's task records approvals with this).
import { applicationTypes, isApplicationType, typeBasics } from '#forms/entry.js';
import { findRegion, regionContains, regionPath } from '../regions/index.js';
import { DomainError, type Application } from './application.js';
import { cstDateTime, cstStartOf } from './china-time.js';
import { PROVINCE } from './region-codes.js';
import { currentReportYear, evaluationGradeNames, renewalOpensAt, reportStatusNames, type ChangeableField, type Evaluation, type ReportDeadlineRule, type ReportMark, type ReportStatus } from './process.js';
import { certificateStatusNames, certificateStatuses, isCertificateStatus, statusAt, termOf, validUntilOf, validityText, type CertificateState, type CertificateStatus, type Terms } from './certificate.js';

export interface RegistryFilter {
  type?: string;
  /** Any region code (city, county, township, village) matching everything under it; absent or '44': the province. */
  region?: string;
  /** Inclusive bounds on `approvedAt`, as UTC ISO instants with milliseconds, which is how `approvedAt` is stored. */
  from?: string;
  to?: string;
  /** Only records of this status (absent: all). */
  status?: CertificateStatus;
}

/** A registry record: the public fields of an approved application, and where its certificate stands. */
export interface RegistryRecord extends CertificateState {
  certificateNo: string;
  id: string;
  type: string;
  name: string;
  organisation: string;
  regionCode: string;
  approvedAt: string;
  /** Current values (as approved, then as each change approved left them); absent on records written before changes. */
  address?: string;
  experts?: { name: string; title: string; affiliation?: string; specialty?: string }[];
  /** Personal data: on the certificate's own item only, never on the registry entries nor the public page. */
  contact?: { name: string; mobile: string; email?: string };
  /** When each field was last changed (变更), by an approved change. */
  changedAt?: Partial<Record<ChangeableField, string>>;
  /** Each year's annual report as it stands (functions/domain/process.ts ReportMark), by year. */
  reports?: Record<string, ReportMark>;
  /** A change under way (its application id): one at a time. */
  pendingChange?: string;
  /** A renewal under way (its application id): one at a time. */
  pendingRenewal?: string;
  /** Each term's evaluation (期满评估), oldest first. */
  evaluations?: Evaluation[];
}

/**
 * A record as stored, whatever its age: records written before certificates had a life carry no status and no term,
 * and read as ACTIVE with the catalogue's term from their approval (the registry's backfill then writes both).
 */
export function withLifeDefaults<T extends Omit<RegistryRecord, 'status' | 'validUntil'> & Partial<CertificateState>>(record: T): T & CertificateState {
  return {
    ...record,
    status: isCertificateStatus(record.status) ? record.status : 'ACTIVE',
    validUntil: record.validUntil === undefined ? validUntilOf(record.approvedAt, termOf(record.type)) : record.validUntil,
  };
}

export { PROVINCE } from './region-codes.js';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * `2026-11-29` is that whole day in China Standard Time (`from`: its first millisecond, `to`: its last);
 * a timestamp must carry its offset (`Z` or `+08:00`) and is taken as that instant. Undefined if neither.
 */
export function approvalBound(text: string, edge: 'from' | 'to'): string | undefined {
  const date = DATE.exec(text);
  if (date) {
    const [year, month, day] = date.slice(1, 4).map(Number);
    if (!isCalendarDate(year, month, day)) return undefined;
    const start = cstStartOf(date[0]).getTime();
    return new Date(edge === 'from' ? start : start + 24 * 3600_000 - 1).toISOString();
  }
  const at = TIMESTAMP.exec(text);
  if (!at) return undefined;
  const [year, month, day, hour, minute, second = 0] = at.slice(1, 7).map((part) => Number(part ?? 0));
  const [offsetHours, offsetMinutes] = [Number(at[9] ?? 0), Number(at[10] ?? 0)];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  let ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Stored times have milliseconds: a `from` with a finer fraction starts at the next whole millisecond.
  if (edge === 'from' && /[1-9]/.test((at[7] ?? '').slice(3))) ms += 1;
  return new Date(ms).toISOString();
}

/** Checks a registry query's parameters, reporting every problem at once. Empty parameters count as absent. */
export function parseRegistryFilter(query: Record<'type' | 'region' | 'from' | 'to', string | undefined> & { status?: string }): RegistryFilter {
  const issues: { path: string; message: string }[] = [];
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const filter: RegistryFilter = {};

  const type = given(query.type);
  if (type !== undefined) {
    if (isApplicationType(type)) filter.type = type;
    else issues.push({ path: 'type', message: `未知的类型 ${type}，可选：${applicationTypes.join('、')}` });
  }

  const region = given(query.region);
  if (region !== undefined) {
    if (!/^\d+$/.test(region) || !findRegion(region)) {
      issues.push({ path: 'region', message: `区划代码 ${region} 不存在或不在广东省内（市4位、县6位、乡镇9位、村12位）` });
    } else {
      filter.region = region;
    }
  }

  for (const edge of ['from', 'to'] as const) {
    const text = given(query[edge]);
    if (text === undefined) continue;
    const bound = approvalBound(text, edge);
    if (bound) filter[edge] = bound;
    else issues.push({ path: edge, message: `${edge === 'from' ? '起始' : '截止'}日期 ${text} 无效：请用 2026-11-29（北京时间当天）或带时区的时间 2026-11-29T08:00:00+08:00` });
  }
  const status = given(query.status);
  if (status !== undefined) {
    if (isCertificateStatus(status)) filter.status = status;
    else issues.push({ path: 'status', message: `未知的状态 ${status}，可选：${certificateStatuses.map((s) => `${s}（${certificateStatusNames[s]}）`).join('、')}` });
  }

  if (filter.from && filter.to && filter.from > filter.to) {
    issues.push({ path: 'from', message: '起始日期晚于截止日期' });
  }

  if (issues.length) throw new DomainError('validation', '查询条件有误', { issues });
  return filter;
}

/**
 * The region an official may query: their own, or any region inside it. Administrators may query any.
 * Undefined means the whole province.
 */
export function regionWithin(own: string, asked: string | undefined): string | undefined {
  if (asked === undefined) return own === PROVINCE ? undefined : own;
  if (own === PROVINCE || regionContains(own, asked)) return asked;
  throw new DomainError('forbidden', `只能查询本辖区（${regionPath(own) || own}）的备案登记`);
}

/** The registry's record of an approved application: public fields only, ACTIVE for its type's term from approval. */
export function registryRecordOf(app: Pick<Application, 'id' | 'type' | 'regionCode' | 'form'>, certificateNo: string, approvedAt: string, terms: Terms = {}): RegistryRecord {
  const form = app.form as { name?: string; organisation?: { name?: string }; address?: string; contact?: RegistryRecord['contact']; experts?: RegistryRecord['experts'] };
  return {
    status: 'ACTIVE',
    validUntil: validUntilOf(approvedAt, termOf(app.type, terms)),
    certificateNo,
    id: app.id,
    type: app.type,
    name: String(form.name ?? ''),
    organisation: String(form.organisation?.name ?? ''),
    regionCode: app.regionCode,
    approvedAt,
    ...(form.address ? { address: form.address } : {}),
    ...(Array.isArray(form.experts) ? { experts: form.experts } : {}),
    ...(form.contact ? { contact: form.contact } : {}),
  };
}

/** The report status the registry shows for a record: of the year now due, with its name. */
export function reportStatusView(record: Pick<RegistryRecord, 'approvedAt' | 'reports' | 'status'>, now: Date, rule: ReportDeadlineRule): { year: number; status: ReportStatus | 'DUE'; statusName: string; id: string | null } {
  const year = currentReportYear(record.approvedAt, now, rule);
  const mark = record.reports?.[String(year)];
  const status = mark?.status ?? 'DUE';
  return { year, status, statusName: reportStatusNames[status], id: mark?.id ?? null };
}

/** `2026-11-29 08:00:00`, China Standard Time: how people in Guangdong read a time. */
function cstTime(iso: string): string {
  return cstDateTime(new Date(iso));
}

/** `GDKX-2026-000123`: the canonical number, ASCII so it works in a URL and a QR code; sequential per CST year. */
export function formatCertificateNo(year: number, serial: number): string {
  return `GDKX-${year}-${String(serial).padStart(6, '0')}`;
}

/** `粤科协备〔2026〕000123号`, the printed form of `GDKX-2026-000123`. */
export function certificateTitle(certificateNo: string): string {
  const match = /^GDKX-(\d{4})-(\d{6})$/.exec(certificateNo);
  return match ? `粤科协备〔${match[1]}〕${match[2]}号` : certificateNo;
}

/**
 * The canonical number of what someone typed or scanned: the ASCII form in any case, or the printed form
 * (with 〔〕, [] or () around the year). Undefined when it is neither, so no lookup is made.
 */
export function normaliseCertificateNo(text: string): string | undefined {
  const trimmed = text.normalize('NFKC').replace(/\s+/g, '');
  const ascii = /^GDKX-(\d{4})-(\d{6})$/i.exec(trimmed);
  const printed = /^粤科协备[〔\[(](\d{4})[〕\])](\d{6})号$/.exec(trimmed);
  const match = ascii ?? printed;
  return match ? formatCertificateNo(Number(match[1]), Number(match[2])) : undefined;
}


export const exportHeader = ['证书编号', '证书文号', '名称', '类型', '申请单位', '所在地区', '区划代码', '批准时间（北京时间）', '状态', '服务期至（北京时间）', '撤销或注销原因'] as const;

export function exportRow(record: RegistryRecord): string[] {
  const typeName = isApplicationType(record.type) ? typeBasics[record.type].name : record.type;
  return [
    record.certificateNo,
    certificateTitle(record.certificateNo),
    record.name,
    typeName,
    record.organisation,
    regionPath(record.regionCode) || record.regionCode,
    record.regionCode,
    cstTime(record.approvedAt),
    certificateStatusNames[record.status],
    record.validUntil ? cstTime(record.validUntil) : '长期',
    record.reason ?? '',
  ];
}

/**
 * The public face of a certificate: what anyone may verify, never contacts or credit codes. Valid only while ACTIVE
 * and inside its term; `validity` says in one sentence why not (revoked on a date for a reason, the term ended).
 */
export function certificateView(record: RegistryRecord, now: Date, rule: ReportDeadlineRule = { monthDay: '03-31' }) {
  const status = statusAt(record, now);
  return {
    valid: status === 'ACTIVE',
    status,
    statusName: certificateStatusNames[status],
    validity: validityText(record, now),
    validUntil: record.validUntil,
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    ...(record.dissolvedAt ? { dissolvedAt: record.dissolvedAt } : {}),
    ...(status === 'EXPIRED' ? { expiredAt: record.expiredAt ?? record.validUntil ?? undefined } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    certificateNo: record.certificateNo,
    title: certificateTitle(record.certificateNo),
    type: record.type,
    typeName: isApplicationType(record.type) ? typeBasics[record.type].name : record.type,
    name: record.name,
    organisation: record.organisation,
    regionCode: record.regionCode,
    regionName: regionPath(record.regionCode),
    approvedAt: record.approvedAt,
    ...(record.address ? { address: record.address } : {}),
    ...(record.experts ? { experts: record.experts } : {}),
    ...(record.changedAt && Object.keys(record.changedAt).length ? { changedAt: record.changedAt } : {}),
    report: reportStatusView(record, now, rule),
    reports: Object.entries(record.reports ?? {})
      .map(([year, mark]) => ({ year: Number(year), status: mark.status, statusName: reportStatusNames[mark.status] }))
      .sort((a, b) => a.year - b.year),
    evaluations: (record.evaluations ?? []).map((e) => ({ at: e.at, grade: e.grade, gradeName: evaluationGradeNames[e.grade], validUntil: e.validUntil })),
    renewal: record.validUntil && status === 'ACTIVE' ? { opensAt: renewalOpensAt(record.validUntil), pending: !!record.pendingRenewal } : null,
  };
}
