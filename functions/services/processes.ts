// The API's side of a station's annual report (年度报告) and change (变更): filed by the organisation holding the
// certificate, checked whole (every problem at once), stored with the certificate's mark in one transaction, and then
// decided through the approval workflow like any application (GET /v1/tasks, POST /v1/applications/{id}/decision,
// PUT /v1/applications/{id} for a returned one).
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { annualReportForm, annualReportSubmission } from '#forms/annual-report.js';
import { certificateChangeForm, certificateChangeSubmission } from '#forms/certificate-change.js';
import { catalogue, isApplicationType, validateSubmission } from '#forms/catalogue.js';
import { fieldIssues, zhError } from '#forms/fields.js';
import type { Principal } from '../auth.js';
import { DomainError, newApplication, type ApplicationRecord, type HistoryEntry } from '../domain/application.js';
import { certificateStatusNames, statusAt } from '../domain/certificate.js';
import { chainOf } from '../domain/chain.js';
import { assertReportableYear, changedFields, changeTitle, demandRecordOf, renewalOpensAt, renewalTitle, reportPeriod, reportTitle, type ProcessType } from '../domain/process.js';
import { certificateRenewalForm, certificateRenewalSubmission } from '#forms/certificate-renewal.js';
import { cstDate } from '../domain/china-time.js';
import { taskNotice } from '../domain/notifications.js';
import { findRegion } from '../regions/index.js';
import { assertMaySubmit, assertVisible } from '../policy.js';
import type { StoredCertificate } from '../store/registry.js';
import { takeGuardItem } from '../store/applications.js';
import { actorOf, getApplication, stepFor, type ApplicationView } from './applications.js';
import type { Services } from './context.js';
import { noticeItems, waitTimerItem } from './notices.js';
import { currentValues, withReportMark } from './process-records.js';

type Issue = { path: string; message: string };

const ATTEMPTS = 5;

function parsed<S extends z.ZodMiniType>(schema: S, body: unknown): { value?: z.output<S>; issues: Issue[] } {
  const result = schema.safeParse(body, { error: zhError });
  return result.success ? { value: result.data, issues: [] } : { issues: fieldIssues(result.error) };
}

/** The certificate, held by the caller's organisation and still valid: 404, 403 or 409 in Chinese otherwise. */
async function ownActiveCertificate(s: Services, principal: Principal, certificateNo: string, what: string): Promise<{ stored: StoredCertificate; station: ApplicationRecord }> {
  assertMaySubmit(principal);
  const stored = await s.registry.getStoredCertificate(certificateNo);
  if (!stored) throw new DomainError('not_found', `证书编号 ${certificateNo.slice(0, 64)} 不存在`);
  const station = await s.applications.get(stored.record.id);
  if (!station) throw new DomainError('unavailable', `证书 ${stored.record.certificateNo} 的申请记录暂时读不到，请稍后重试`);
  if (station.applicant.org !== principal.org) throw new DomainError('forbidden', `证书 ${stored.record.certificateNo} 不属于本单位，只有持证的申请单位可以报送${what}`);
  const status = statusAt(stored.record, s.now());
  if (status !== 'ACTIVE') throw new DomainError('conflict', `证书 ${stored.record.certificateNo} ${certificateStatusNames[status]}，不能再报送${what}`, { status });
  return { stored, station };
}

/**
 * What the reviewing office reads of the station's needs (需求库, issue 17): an annual report's year, a renewal's term
 * (since its last evaluation or its approval); a change has none. From the certificate's links (one Query).
 */
async function demandRecordFor(s: Services, record: StoredCertificate['record'], type: ProcessType, year: number | undefined, now: Date) {
  if (type === 'certificate-change') return undefined;
  const period = type === 'annual-report' && year ? reportPeriod(year) : { from: record.evaluations?.at(-1)?.at ?? record.approvedAt, to: now.toISOString() };
  return demandRecordOf(await s.demands.certificateDemands(record.certificateNo, 200), period);
}

/** Stores a new report or change with its certificate's write; the workflow starts it at its chain's first level. */
async function fileProcess(
  s: Services,
  principal: Principal,
  fields: { type: ProcessType; stored: StoredCertificate; station: ApplicationRecord; form: Record<string, unknown>; year?: number; changes?: string[] },
  certificateWrite: (app: ApplicationRecord) => ReturnType<Services['registry']['certificateWrite']>,
  extra: (app: ApplicationRecord) => ReturnType<Services['registry']['certificateWrite']> = () => [],
): Promise<{ id: string } | 'stale'> {
  const { stored, type } = fields;
  const record = stored.record;
  const now = s.now();
  const at = now.toISOString();
  const id = ulid(now.getTime());
  const title = type === 'annual-report' ? reportTitle(record.name, fields.year!) : type === 'certificate-renewal' ? renewalTitle(record.name, record.validUntil!) : changeTitle(record.name);
  const demands = await demandRecordFor(s, record, type, fields.year, now);
  const subject = { certificateNo: record.certificateNo, stationType: record.type, stationId: record.id, title, ...(fields.year ? { year: fields.year } : {}), ...(demands ? { demands } : {}) };
  const first = chainOf({ type, regionCode: record.regionCode })[0];
  const step = stepFor(s, id, 'submit', first, now);
  const app = newApplication({ id, type, regionCode: record.regionCode, form: fields.form, applicant: { org: principal.org!, sub: principal.sub, name: principal.name }, at, step, subject });
  const entry: HistoryEntry = { at, action: 'submit', level: null, actor: actorOf(principal), comment: null, ...(fields.changes ? { changes: fields.changes } : {}) };
  const outcome = await s.applications.create(app, entry, {
    effects: [...noticeItems(s, app, [taskNotice(app, first, 'submit', step.dueAt)], now), waitTimerItem(s, step, 'decision')],
    guarded: [...certificateWrite(app), ...extra(app)],
  });
  if (outcome === 'created') {
    await s.workflow.start(step);
    return { id };
  }
  if (outcome === 'stale' || outcome === 'contended') return 'stale';
  throw new DomainError('conflict', '提交冲突，请重试');
}

/** `POST /v1/certificates/{no}/reports`: `{ year, form }`; 201 with the report, awaiting its county. */
export async function submitReport(s: Services, principal: Principal, certificateNo: string, body: unknown): Promise<ApplicationView> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { stored, station } = await ownActiveCertificate(s, principal, certificateNo, '年度报告');
    const { value, issues } = parsed(annualReportSubmission, body);
    const year = (body as { year?: unknown } | null)?.year;
    // The year's problems with the form's, every one at once.
    if (typeof year === 'number' && Number.isInteger(year)) {
      try {
        assertReportableYear(year, stored.record, s.now());
      } catch (error) {
        if (error instanceof DomainError && error.code === 'validation' && Array.isArray(error.details.issues)) issues.push(...(error.details.issues as Issue[]));
        else throw error;
      }
    }
    if (!value || issues.length) throw new DomainError('validation', '年度报告内容有误，请按提示逐项修改', { issues });
    const outcome = await fileProcess(
      s,
      principal,
      { type: 'annual-report', stored, station, form: value.form as Record<string, unknown>, year: value.year },
      (app) => s.registry.certificateWrite(stored, withReportMark(stored.record, app, 'PENDING', app.submittedAt)),
      // A year flagged overdue, filed now, leaves the statistics' 逾期未报.
      () => (stored.record.reports?.[String(value.year)]?.status === 'OVERDUE' ? [s.registry.stats.reportsOverdueItem(-1)] : []),
    );
    if (outcome !== 'stale') return getApplication(s, principal, outcome.id);
    // The certificate changed meanwhile (another report, a revocation): read again and see where it stands.
  }
  throw new DomainError('unavailable', `证书 ${certificateNo.slice(0, 64)} 正在被其他操作修改，请稍后重试`);
}

/**
 * A change's problems beyond its own form: the values after the change must still make a valid application of the
 * station's type (experts a station requires, a region its type may be hosted in), and a region to move to must
 * exist. Only the changed fields' problems are told (the station's other values were approved as they are).
 */
function changeProblems(station: ApplicationRecord, stored: StoredCertificate, form: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const current = currentValues(stored.record, station.form);
  const fields = changedFields(current, form);
  if (!fields.length) return [{ path: 'form', message: '填写的内容与现有信息相同，没有需要变更的事项' }];
  const regionCode = typeof form.regionCode === 'string' ? form.regionCode : stored.record.regionCode;
  if (fields.includes('regionCode') && !findRegion(regionCode)) return [{ path: 'form.regionCode', message: `区划代码 ${regionCode} 不存在或不在广东省内` }];
  if (!isApplicationType(station.type)) return issues;
  const after = { ...station.form, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== 'regionCode')), ...Object.fromEntries(fields.map((f) => [f, form[f]])) };
  delete (after as Record<string, unknown>).regionCode;
  const checked = validateSubmission({ type: station.type, regionCode, form: after });
  const region = findRegion(regionCode);
  if (region && !catalogue[station.type].hostLevels.includes(region.level)) issues.push({ path: 'form.regionCode', message: `${catalogue[station.type].name}不能设在该级地区` });
  if (!checked.ok) {
    for (const issue of checked.issues) {
      const field = fields.find((f) => issue.path === `form.${f}` || issue.path.startsWith(`form.${f}.`) || (f === 'regionCode' && issue.path === 'regionCode'));
      if (field) issues.push({ path: issue.path === 'regionCode' ? 'form.regionCode' : issue.path, message: issue.message });
    }
  }
  return issues;
}

/** `POST /v1/certificates/{no}/changes`: `{ form }`; 201 with the change, awaiting its host level. */
export async function submitChange(s: Services, principal: Principal, certificateNo: string, body: unknown): Promise<ApplicationView> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { stored, station } = await ownActiveCertificate(s, principal, certificateNo, '变更申请');
    const { value, issues } = parsed(certificateChangeSubmission, body);
    if (value) issues.push(...changeProblems(station, stored, value.form as Record<string, unknown>));
    if (!value || issues.length) throw new DomainError('validation', '变更内容有误，请按提示逐项修改', { issues });
    if (stored.record.pendingChange) {
      throw new DomainError('conflict', `证书 ${stored.record.certificateNo} 已有一项变更申请在审批中，请待其办结后再申请`, { existing: await underWay(s, stored.record.pendingChange) });
    }
    const form = value.form as Record<string, unknown>;
    const moveTo = typeof form.regionCode === 'string' && form.regionCode !== stored.record.regionCode ? form.regionCode : undefined;
    const unique = isApplicationType(station.type) && catalogue[station.type].unique;
    if (moveTo && unique) await assertPlaceFree(s, station.type, moveTo);
    const outcome = await fileProcess(
      s,
      principal,
      { type: 'certificate-change', stored, station, form, changes: changedFields(currentValues(stored.record, station.form), form).map((f) => `form.${f}`) },
      (app) => s.registry.certificateWrite(stored, { ...stored.record, pendingChange: app.id }),
      // The place in the region it moves to is held for the change until it is decided.
      (app) => (moveTo && unique ? [takeGuardItem(s.applications.table, { type: station.type, regionCode: moveTo }, app.id)] : []),
    );
    if (outcome !== 'stale') return getApplication(s, principal, outcome.id);
    if (moveTo && unique) await assertPlaceFree(s, station.type, moveTo);
  }
  throw new DomainError('unavailable', `证书 ${certificateNo.slice(0, 64)} 正在被其他操作修改，请稍后重试`);
}

/**
 * `GET /v1/certificates/{no}/history`: what happened to a certificate after approval (changes with the fields they
 * changed, its end), for the organisation holding it, the offices of its region and the administrators.
 */
export async function certificateHistory(s: Services, principal: Principal, certificateNo: string) {
  const stored = await s.registry.getStoredCertificate(certificateNo, false);
  const station = stored ? await s.applications.get(stored.record.id) : undefined;
  const notFound = new DomainError('not_found', `证书编号 ${certificateNo.slice(0, 64)} 不存在`);
  if (!stored || !station) throw notFound;
  assertVisible(principal, { regionCode: stored.record.regionCode, applicant: station.applicant }, certificateNo);
  return { certificateNo: stored.record.certificateNo, items: await s.registry.certificateHistory(stored.record.certificateNo) };
}

/**
 * `POST /v1/certificates/{no}/renewals`: `{ form }` (the term's self-assessment) in the last 180 days of a term, or
 * any time after a 不合格 (its time to put things right); 201
 * with the renewal, awaiting the county's review and then the province's grade. One at a time per certificate.
 */
export async function submitRenewal(s: Services, principal: Principal, certificateNo: string, body: unknown): Promise<ApplicationView> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { stored, station } = await ownActiveCertificate(s, principal, certificateNo, '续期申请');
    const record = stored.record;
    if (!record.validUntil) throw new DomainError('conflict', `证书 ${record.certificateNo} 没有服务期限，无需评估续期`);
    const opens = renewalOpensAt(record.validUntil);
    // After a 不合格 the station may ask to be evaluated again as soon as it has put things right (限期整改).
    const rectifying = record.evaluations?.at(-1)?.grade === 'unqualified';
    if (!rectifying && s.now().toISOString() < opens) {
      throw new DomainError('conflict', `证书 ${record.certificateNo} 的服务期至 ${cstDate(new Date(record.validUntil))}，期满前 180 天（${cstDate(new Date(opens))} 起）方可申请评估续期`, { opensAt: opens });
    }
    const { value, issues } = parsed(certificateRenewalSubmission, body);
    if (!value || issues.length) throw new DomainError('validation', '续期申请内容有误，请按提示逐项修改', { issues });
    if (record.pendingRenewal) {
      throw new DomainError('conflict', `证书 ${record.certificateNo} 已有一项续期申请在审批中，请待其办结`, { existing: await underWay(s, record.pendingRenewal) });
    }
    const outcome = await fileProcess(
      s,
      principal,
      { type: 'certificate-renewal', stored, station, form: value.form as Record<string, unknown> },
      (app) => s.registry.certificateWrite(stored, { ...record, pendingRenewal: app.id }),
    );
    if (outcome !== 'stale') return getApplication(s, principal, outcome.id);
  }
  throw new DomainError('unavailable', `证书 ${certificateNo.slice(0, 64)} 正在被其他操作修改，请稍后重试`);
}

/** The change or renewal under way that a second one is refused for, as a 409's `existing` names it. */
async function underWay(s: Services, id: string) {
  const app = await s.applications.get(id);
  return { id, status: app?.status ?? 'PENDING', certificateNo: null };
}

/** A region's one-per-region place held by another: 409 naming the holder. */
async function assertPlaceFree(s: Services, type: string, regionCode: string): Promise<void> {
  const holder = await s.applications.guardHolder(type, regionCode);
  if (!holder) return;
  const existing = await s.applications.get(holder);
  const region = findRegion(regionCode);
  const name = existing?.subject?.title ?? String((existing?.form as { name?: unknown } | undefined)?.name ?? holder);
  const detail = existing?.certificateNo ? `（证书编号 ${existing.certificateNo}）` : existing ? `（申请编号 ${existing.id}，${existing.status === 'APPROVED' ? '已批准' : '审批中'}）` : '';
  throw new DomainError('duplicate', `${region?.name ?? regionCode}已有${isApplicationType(type) ? catalogue[type].name : type}“${name}”${detail}，按行动方案每个地区只能设立一个，不能迁至该地区`, {
    existing: existing ? { id: existing.id, status: existing.status, certificateNo: existing.certificateNo } : null,
  });
}

/** A resubmitted report's or change's form, checked as its first submission was (every problem at once). */
export async function checkResubmittedProcess(s: Services, app: ApplicationRecord, form: unknown): Promise<{ form?: Record<string, unknown>; issues: Issue[] }> {
  if (app.type === 'annual-report' || app.type === 'certificate-renewal') {
    const { value, issues } = parsed(app.type === 'annual-report' ? annualReportForm : certificateRenewalForm, form);
    return { form: value as Record<string, unknown> | undefined, issues: issues.map((i) => ({ ...i, path: i.path ? `form.${i.path}` : 'form' })) };
  }
  const { value, issues } = parsed(certificateChangeForm, form);
  const prefixed = issues.map((i) => ({ ...i, path: i.path ? `form.${i.path}` : 'form' }));
  if (!value) return { issues: prefixed };
  const stored = await s.registry.getStoredCertificate(app.subject!.certificateNo);
  const station = await s.applications.get(app.subject!.stationId);
  if (!stored || !station) throw new DomainError('unavailable', '证书记录暂时读不到，请稍后重试');
  const given = value as Record<string, unknown>;
  // A resubmitted change may not move to another region than its first submission reserved.
  if (given.regionCode !== (app.form as { regionCode?: unknown }).regionCode) return { issues: [{ path: 'form.regionCode', message: '重新提交时不能更改迁入地区，如需迁往其他地区请撤回后重新申请' }] };
  return { form: given, issues: changeProblems(station, stored, given) };
}
