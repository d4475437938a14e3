// What an annual report's or a change's steps write on their certificate, in the same transaction as the step: the
// year's report status (the registry and the certificate show it), the change under way, and, once the last level
// approves, the change's new values with their dates (the certificate number stays). Also the sweeper's report
// deadline: a year not filed by then is marked OVERDUE and its county told. Nothing here reads a form's schema (the
// workflow's task and the sweeper run this).
import { isApplicationType, typeBasics } from '#forms/entry.js';
import { DomainError, type Actor, type ApplicationRecord, type HistoryEntry, type Status } from '../domain/application.js';
import { regionAtLevel } from '../domain/chain.js';
import { statusAt } from '../domain/certificate.js';
import {
  changedFields,
  changeableFields,
  evaluationGradeNames,
  firstReportYear,
  renewedValidUntil,
  reportDeadline,
  reportTaken,
  secondFailure,
  type ChangeableField,
  type Evaluation,
  type EvaluationGrade,
} from '../domain/process.js';
import { termOf } from '../domain/certificate.js';
import { PROVINCE } from '../domain/region-codes.js';
import type { RegistryRecord } from '../domain/registry.js';
import { processApprovedNotice, reportOverdueNotice, revocationProposedNotice } from '../domain/notifications.js';
import type { CertificateEvent, StoredCertificate } from '../store/registry.js';
import type { DueItem } from '../store/notifications.js';
import { releaseGuardItem, takeGuardItem } from '../store/applications.js';
import type { DocTransactItem } from '../store/transactions.js';
import type { OutcomeServices, Services } from './context.js';
import { noticeItems } from './notices.js';

type RecordServices = Pick<Services, 'config' | 'registry' | 'applications' | 'now' | 'log'>;

/** The values a change may change, as the station has them now (its record, or its application's form before any change). */
export function currentValues(record: RegistryRecord, form: Record<string, unknown> = {}): Record<ChangeableField, unknown> {
  return {
    name: record.name,
    contact: record.contact ?? form.contact,
    address: record.address ?? form.address,
    regionCode: record.regionCode,
    experts: record.experts ?? form.experts,
  };
}

/** The certificate with the year's report mark of `report` as `status`. */
export function withReportMark(record: RegistryRecord, report: Pick<ApplicationRecord, 'id' | 'subject'>, status: Status | 'OVERDUE', at: string): RegistryRecord {
  const year = String(report.subject!.year);
  return { ...record, reports: { ...(record.reports ?? {}), [year]: { status, ...(report.id ? { id: report.id } : {}), at } } };
}

/**
 * The certificate's writes when a report or a change moves to `status` (submitted again, returned, rejected,
 * withdrawn, expired): the year's mark of a report; a change that ends unapproved no longer under way, and the place it
 * reserved in another region given up. Conditional on the certificate's version, read here.
 */
export async function subjectItems(s: RecordServices, app: ApplicationRecord, status: Status): Promise<DocTransactItem[]> {
  if (!app.subject) return [];
  const stored = await s.registry.getStoredCertificate(app.subject.certificateNo);
  if (!stored) throw new DomainError('unavailable', `证书 ${app.subject.certificateNo} 暂时读不到，请稍后重试`);
  const at = s.now().toISOString();
  if (app.type === 'annual-report') {
    const mark = stored.record.reports?.[String(app.subject.year)];
    // Only the year's own report moves its mark (another filed after this one was rejected keeps its own).
    if (mark && mark.id !== app.id) return [];
    return s.registry.certificateWrite(stored, withReportMark(stored.record, app, status, at));
  }
  if (status === 'PENDING' || status === 'RETURNED') return [];
  if (app.type === 'certificate-renewal') {
    const { pendingRenewal: _renewal, ...kept } = stored.record;
    return stored.record.pendingRenewal === app.id ? s.registry.certificateWrite(stored, kept) : [];
  }
  const { pendingChange: _pending, ...rest } = stored.record;
  const items = stored.record.pendingChange === app.id ? s.registry.certificateWrite(stored, rest) : [];
  const moveTo = (app.form as { regionCode?: string }).regionCode;
  if (moveTo && moveTo !== app.regionCode) items.push(releaseGuardItem(s.applications.table, { id: app.id, type: app.subject.stationType, regionCode: moveTo }));
  return items;
}

/**
 * The workflow's record of an annual report or a change its last level approved: the application APPROVED, and on its
 * certificate the year's report accepted, or the change's values with their dates (moving the station's registry
 * entries and its plan rule's place when it moved region). Idempotent: an application already approved answers again.
 */
export async function recordProcessApproval(s: OutcomeServices, app: ApplicationRecord, history: HistoryEntry[] = []): Promise<{ status: 'APPROVED'; certificateNo: string }> {
  const subject = app.subject!;
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = attempt === 0 ? app : await s.applications.get(app.id);
    if (!current) throw new DomainError('not_found', `申请 ${app.id} 不存在`);
    if (current.status === 'APPROVED') return { status: 'APPROVED', certificateNo: subject.certificateNo };
    if (!current.awaitingRecord || current.status !== 'PENDING') throw new DomainError('conflict', `申请 ${app.id} 未经最后一级批准（状态 ${current.status}），不能登记`);
    const stored = await s.registry.getStoredCertificate(subject.certificateNo);
    if (!stored) throw new DomainError('unavailable', `证书 ${subject.certificateNo} 暂时读不到，请稍后重试`);
    const now = s.now();
    const at = now.toISOString();
    const approval = history.findLast((e) => e.action === 'approve');
    const renewal = current.type === 'certificate-renewal' ? renewalOutcome(s, current, stored, approval, now) : undefined;
    const guarded =
      current.type === 'annual-report'
        ? s.registry.certificateWrite(stored, withReportMark(stored.record, current, 'APPROVED', at))
        : renewal
          ? renewal.items
          : await changeItems(s, current, stored, at, approval?.actor);
    const effects = [...noticeItems(s, current, [processApprovedNotice(current, subject.certificateNo, renewal?.told), ...(renewal?.notices ?? [])], now), s.notifications.clearWaitTimerItem(current.id)];
    const outcome = await s.registry.recordProcessApproval(current, at, guarded, effects);
    if (outcome === 'recorded') return { status: 'APPROVED', certificateNo: subject.certificateNo };
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
  }
  throw new DomainError('unavailable', `证书 ${subject.certificateNo} 正在被其他操作修改，请稍后重试`);
}

/** A change's writes on its certificate: the new values and their dates, its history entry, its region's move. */
async function changeItems(s: OutcomeServices, app: ApplicationRecord, stored: StoredCertificate, at: string, approver?: Actor): Promise<DocTransactItem[]> {
  const subject = app.subject!;
  const station = await s.applications.get(subject.stationId);
  const form = app.form as Partial<Record<ChangeableField, unknown>> & { reason?: string };
  const before = stored.record;
  const fields = changedFields(currentValues(before, station?.form), form);
  const { pendingChange: _pending, ...record } = before;
  const changed: RegistryRecord = { ...record, changedAt: { ...(before.changedAt ?? {}) } };
  for (const field of fields) {
    (changed as unknown as Record<string, unknown>)[field] = form[field];
    changed.changedAt![field] = at;
  }
  // The other values as they are now, so the record carries every current value from its first change on.
  for (const field of changeableFields) if ((changed as unknown as Record<string, unknown>)[field] === undefined) (changed as unknown as Record<string, unknown>)[field] = currentValues(before, station?.form)[field];
  const event: CertificateEvent = {
    at,
    action: 'change',
    // The office whose approval made it take effect (the province's).
    actor: approver ?? { sub: 'system', name: '系统', role: 'system' },
    reason: form.reason ?? null,
    changes: fields,
    applicationId: app.id,
  };
  const moved = changed.regionCode !== before.regionCode;
  const items = s.registry.certificateWrite(stored, changed, { event, ...(moved ? { moved: before } : {}) });
  if (moved && isUnique(subject.stationType) && before.status !== 'ACTIVE') {
    // The certificate ended while the change was decided: it holds no place any more, and the reserved one is given back.
    items.push(releaseGuardItem(s.applications.table, { id: app.id, type: subject.stationType, regionCode: changed.regionCode }));
  } else if (moved && isUnique(subject.stationType)) {
    // The place reserved in the new region passes from the change to the station; the old region's is freed.
    items.push(takeGuardItem(s.applications.table, { type: subject.stationType, regionCode: changed.regionCode }, subject.stationId, app.id));
    items.push(releaseGuardItem(s.applications.table, { id: subject.stationId, type: subject.stationType, regionCode: before.regionCode }));
  }
  return items;
}

/**
 * A renewal the province graded: the evaluation on its certificate and the term's new end (a whole term more for
 * 优秀 or 合格, a time to put things right for 不合格), its history entry; after a second 不合格 in a row the province
 * is asked to consider revoking. A certificate that ended meanwhile keeps the evaluation and is not revived.
 */
function renewalOutcome(s: OutcomeServices, app: ApplicationRecord, stored: StoredCertificate, approval: HistoryEntry | undefined, now: Date) {
  const record = stored.record;
  const grade: EvaluationGrade = approval?.grade ?? 'qualified';
  const at = now.toISOString();
  const { pendingRenewal: _renewal, ...rest } = record;
  const active = statusAt(record, now) === 'ACTIVE' && record.validUntil !== null;
  const term = termOf(record.type, s.config.terms);
  const validUntil = active && term ? renewedValidUntil(record.validUntil!, term, grade, now) : (record.validUntil ?? at);
  const evaluation: Evaluation = { at, grade, applicationId: app.id, from: record.validUntil ?? at, validUntil };
  const renewed: RegistryRecord = { ...rest, ...(active ? { validUntil } : {}), evaluations: [...(record.evaluations ?? []), evaluation] };
  const event: CertificateEvent = {
    at,
    action: 'renew',
    actor: approval?.actor ?? { sub: 'system', name: '系统', role: 'system' },
    reason: approval?.comment ?? null,
    applicationId: app.id,
    grade,
    validUntil,
  };
  const province = { level: 'province' as const, region: PROVINCE };
  const notices = active && secondFailure(record.evaluations, grade) ? [revocationProposedNotice({ ...app, id: record.id, form: { name: record.name } }, province, record.certificateNo)] : [];
  return {
    items: s.registry.certificateWrite(stored, renewed, { event }),
    told: { gradeName: evaluationGradeNames[grade], validUntil, failed: grade === 'unqualified' },
    notices,
  };
}

/** Whether the station's type has a one-per-region rule. */
export function isUnique(type: string): boolean {
  return isApplicationType(type) && typeBasics[type].unique;
}

/** The first report deadline of a certificate approved at `approvedAt`, for its approval's transaction. */
export function firstReportDueItem(s: Pick<Services, 'config' | 'registry'>, certificateNo: string, approvedAt: string): DocTransactItem {
  const year = firstReportYear(approvedAt);
  return s.registry.reportDueItem(certificateNo, year, reportDeadline(year, approvedAt, s.config.reportDeadline));
}

/**
 * The sweeper's: a year's report deadline passed (its due turn read as `due`). A year not filed (or filed and not
 * accepted, and not filed again) is marked OVERDUE and the county told; either way the deadline moves on to the next
 * year's. All conditional on the turn read and on the certificate's version: a second sweeper, or a restart, does
 * nothing more. A certificate no longer active has no more deadlines.
 */
export async function takeReportDeadline(s: RecordServices & Pick<Services, 'notifications'>, due: DueItem): Promise<'flagged' | 'moved' | 'dropped' | 'stale'> {
  const certificateNo = String(due.item.certificateNo);
  const year = Number(due.item.year);
  const stored = await s.registry.getStoredCertificate(certificateNo);
  const now = s.now();
  if (!stored || statusAt(stored.record, now) !== 'ACTIVE') {
    await s.notifications.removeAtTurn(due, 'delete');
    return 'dropped';
  }
  const record = stored.record;
  const deadline = reportDeadline(year, record.approvedAt, s.config.reportDeadline);
  const next = { year: year + 1, dueAt: reportDeadline(year + 1, record.approvedAt, s.config.reportDeadline) };
  const filed = reportTaken(record.reports?.[String(year)]);
  const items: DocTransactItem[] = [];
  if (!filed) {
    const station = await s.applications.get(record.id);
    const county = { level: 'county' as const, region: regionAtLevel(record.regionCode, 'county')! };
    const marked: RegistryRecord = { ...record, reports: { ...(record.reports ?? {}), [String(year)]: { status: 'OVERDUE', at: now.toISOString() } } };
    items.push(...s.registry.certificateWrite(stored, marked), s.registry.stats.reportsOverdueItem(1));
    if (station) items.push(...noticeItems(s, station, [reportOverdueNotice({ ...station, form: { ...station.form, name: record.name } }, county, certificateNo, year, deadline)], now));
  }
  const outcome = await s.registry.moveReportDeadline(due, certificateNo, next, items);
  if (outcome !== 'moved') return 'stale';
  if (!filed) s.log.info('annual report overdue', { certificateNo, year });
  return filed ? 'moved' : 'flagged';
}
