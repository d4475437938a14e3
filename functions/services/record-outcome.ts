// What the workflow's Lambda task does: record an approval (certificate and registry) or an expiry. It validates no
// form: nothing here imports the catalogue's schemas (forms/catalogue.ts), only the types' basics.
import { DomainError, finalStatuses, type WorkflowStep } from '../domain/application.js';
import { decidingLevelNames, type DecidingLevel } from '../domain/chain.js';
import { cstYear } from '../domain/china-time.js';
import { formatCertificateNo, registryRecordOf } from '../domain/registry.js';
import { isApplicationType, typeBasics } from '#forms/entry.js';
import type { OutcomeServices } from './context.js';
import { deadlinesFrom } from '../domain/deadlines.js';
import { approvedNotice, ccNotices, escalatedNotices, escalationOf, expiredNotices, officesThatApproved, taskNotice } from '../domain/notifications.js';
import { noticeItems, waitTimerItem } from './notices.js';
import { firstReportDueItem, recordProcessApproval, subjectItems } from './process-records.js';

export type OutcomeEvent =
  | { id: string; outcome: 'approve'; level: DecidingLevel }
  /** `since`: the time of the change that started the wait that timed out (its step's `at`). */
  | { id: string; outcome: 'expire'; level: DecidingLevel; since: string };

export type OutcomeResult = { status: string; certificateNo: string | null } | { status: string; next: WorkflowStep | null };

export async function recordOutcome(s: OutcomeServices, event: OutcomeEvent): Promise<OutcomeResult> {
  switch (event.outcome) {
    case 'approve':
      return recordApproval(s, event.id);
    case 'expire':
      return expireApplication(s, event.id, event.level, event.since);
    default:
      throw new DomainError('validation', `unknown outcome ${(event as { outcome: string }).outcome}`);
  }
}

/** How often an approval is tried again after losing a race (for its certificate number, or a counter). */
const APPROVAL_ATTEMPTS = 50;

/**
 * Makes an application whose last level approved it APPROVED: gives it the next certificate number of the (CST) year
 * and records it with the certificate, the registry entries and the plan's progress counters at once. A lost race
 * (the number given to another meanwhile, a counter marker written) reads again and retries, backing off a little.
 * Idempotent: an application already approved answers its certificate again.
 */
export async function recordApproval(s: OutcomeServices, id: string): Promise<{ status: 'APPROVED'; certificateNo: string }> {
  for (let attempt = 0; attempt < APPROVAL_ATTEMPTS; attempt++) {
    const found = await s.applications.getWithHistory(id);
    if (!found) throw new DomainError('not_found', `申请 ${id} 不存在`);
    const { app, history } = found;
    // An annual report or a change: recorded on the certificate it is about, which keeps its number.
    if (app.subject) return recordProcessApproval(s, app, history);
    if (app.status === 'APPROVED' && app.certificateNo) return { status: 'APPROVED', certificateNo: app.certificateNo };
    if (!app.awaitingRecord || app.status !== 'PENDING') {
      throw new DomainError('conflict', `申请 ${id} 未经最后一级批准（状态 ${app.status}），不能登记`);
    }
    const at = s.now();
    const year = cstYear(at);
    const last = await s.registry.lastCertificateNumber(year);
    const record = registryRecordOf(app, formatCertificateNo(year, last + 1), at.toISOString(), s.config.terms);
    // The applicant told, the outcome copied to the offices that approved before (抄送), the wait's timer gone.
    const notices = [
      approvedNotice(app, record.certificateNo),
      ...ccNotices(app, officesThatApproved(app, history, app.currentLevel), { approved: true, certificateNo: record.certificateNo }),
    ];
    const effects = [...noticeItems(s, app, notices, at), s.notifications.clearWaitTimerItem(app.id), firstReportDueItem(s, record.certificateNo, record.approvedAt)];
    if ((await s.registry.recordApproval(app, record, { year, last }, effects)) === 'recorded') return { status: 'APPROVED', certificateNo: record.certificateNo };
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(attempt + 1, 10)));
  }
  throw new DomainError('unavailable', '证书编号分配繁忙，请稍后重试');
}

/**
 * Called by the workflow when a wait timed out: the level's decision (PENDING) or the applicant's correction
 * (RETURNED). It acts only if the application is still in that wait: the same level, and no change recorded since the
 * one that started it (`since` is that change's time, the application's `updatedAt` until the next).
 *
 * The applicant's correction not sent in time expires the application. An office's delay does what its level's rule
 * says (config ESCALATION): `escalate` passes the application up to the level above, which decides in its place (超期
 * 上报, in the history as `escalate`); `hold` keeps it with the same office, its limits started again, and tells the
 * administrators; `expire` ends it EXPIRED. Each is one conditional write with its notices and the next wait's
 * timer; `next` is the step the workflow takes (AwaitDecision at that level), also kept in the outbox until then.
 *
 * A decision recorded before the limit, whose callback came too late for the timed-out task, wins: the application is
 * left as decided and the answer carries the step that decision recorded, for the workflow to take. An expired holder
 * releases its plan rule's guard.
 */
export async function expireApplication(s: OutcomeServices, id: string, level: DecidingLevel, since: string): Promise<{ status: string; next: WorkflowStep | null }> {
  for (let attempt = 0; ; attempt++) {
    const app = await s.applications.get(id);
    if (!app) throw new DomainError('not_found', `申请 ${id} 不存在`);
    const stillWaiting =
      (app.status === 'PENDING' || app.status === 'RETURNED') && !app.awaitingRecord && app.currentLevel === level && app.updatedAt === since;
    if (!stillWaiting) {
      const next = !finalStatuses.has(app.status) && app.outbox?.kind === 'callback' ? app.outbox.step : null;
      return { status: app.status, next };
    }
    const now = s.now();
    const at = now.toISOString();
    const byApplicant = app.status === 'RETURNED';
    const escalation = byApplicant ? ({ rule: 'expire' } as const) : escalationOf(app, level, s.config.escalation);
    const system = { sub: 'system', name: '系统', role: 'system' as const };
    if (escalation.rule === 'expire') {
      const recorded = await s.applications.recordChange({
        app,
        expected: { version: app.version },
        set: { status: 'EXPIRED', updatedAt: at, awaitingRecord: false },
        entry: { at, action: 'expire', level, actor: system, comment: byApplicant ? '申请单位未在期限内修改重新提交' : `${decidingLevelNames[level]}级未在期限内作出决定` },
        outbox: null,
        releaseGuard: isApplicationType(app.type) && typeBasics[app.type].unique,
        effects: [...noticeItems(s, app, expiredNotices(app, level, byApplicant), now), s.notifications.clearWaitTimerItem(app.id)],
        guarded: await subjectItems(s, app, 'EXPIRED'),
      });
      if (recorded === 'recorded') return { status: 'EXPIRED', next: null };
    } else {
      const { to } = escalation;
      const held = escalation.rule === 'hold';
      const step: WorkflowStep = { id, action: 'escalate', final: false, level: to.level, region: to.region, at, ...deadlinesFrom(now, s.config.timeLimits[to.level], s.config.calendar) };
      const notices = held ? escalatedNotices(app, level, null) : [taskNotice(app, to, 'escalate', step.dueAt, level), ...escalatedNotices(app, level, to)];
      const recorded = await s.applications.recordChange({
        app,
        expected: { version: app.version },
        set: { currentLevel: to.level, updatedAt: at },
        entry: {
          at,
          action: 'escalate',
          level,
          actor: system,
          comment: held
            ? `${decidingLevelNames[level]}级未在期限内作出决定，审批期限重新计算，已报管理员督办`
            : `${decidingLevelNames[level]}级未在期限内作出决定，超期上报至${decidingLevelNames[to.level]}级审批`,
        },
        // The timed-out task's token is settled: the reconciler finds the step here and starts the workflow again
        // from it should this execution end before its AwaitDecision takes it.
        outbox: { kind: 'callback', token: app.taskToken ?? '', step },
        effects: [...noticeItems(s, app, notices, now), waitTimerItem(s, step, 'decision')],
      });
      if (recorded === 'recorded') return { status: 'PENDING', next: step };
    }
    // A change won the race for this version (a decision just before the limit): read again and see which.
    if (attempt >= 5) throw new DomainError('unavailable', `申请 ${id} 一直在变化，稍后再处理其超期`);
  }
}
