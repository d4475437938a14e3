// Who is told what, and when: the recipients of each change, the notices' texts, the timed notices of a wait, the
// escalation rules and the urge rules. Pure: no AWS, no HTTP (the store writes what these return).
import type { Application, HistoryEntry } from './application.js';
import { decidingLevelNames, nextStepOf, type ChainStep, type DecidingLevel } from './chain.js';
import { cstDate, cstDateTime, cstStartOf } from './china-time.js';
import type { Limit } from './deadlines.js';
import { isWorkingDay, type Calendar } from './working-days.js';

export const notificationKinds = [
  'task',
  'returned',
  'approved',
  'rejected',
  'expired',
  'reminder',
  'overdue',
  'urge',
  'cc',
  /** The level above is told before a level's hard limit passes (超期预警). */
  'escalating',
  /** A level's hard limit passed: the application went up to the level above (超期上报), or the province was told to act. */
  'escalated',
  /** The province revoked the organisation's certificate (撤销), with its reason. */
  'revoked',
  /** A certificate's term (服务期) ended without renewal. */
  'term-ended',
  /** A year's annual report not filed by its deadline: the county is told (逾期未报). */
  'report-overdue',
  /** An organisation dissolved its own station (注销): the county and the province are told. */
  'dissolved',
  /** A station graded 不合格 at two evaluations in a row: the province is asked to consider revoking it. */
  'revocation-proposed',
  /** The demand library: a station responded to an office's need; the office picked a response; it closed the match with a rating. */
  'demand-response',
  'demand-matched',
  'demand-closed',
  /** A need the office posted has waited DEMAND_RESPONSE_DAYS without a response. */
  'demand-unanswered',
  /** A village account's need awaits its office's confirmation (the office is told); the office's decision (the village is told). */
  'demand-pending',
  'demand-approved',
  'demand-returned',
  'demand-rejected',
  /** A village's need still unconfirmed at its office's limit: the office reminded, the county over a township told (督办). */
  'demand-confirm-overdue',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * Whom a notice is for: an office (every official of that level and region), an organisation (its applicant
 * accounts) or the administrators. Read state is each user's own; the notices are the recipient's.
 */
export type Recipient = `office:${DecidingLevel}:${string}` | `org:${string}` | `village:${string}` | 'admins';

export const recipients = {
  office: (step: ChainStep): Recipient => `office:${step.level}:${step.region}`,
  org: (creditCode: string): Recipient => `org:${creditCode}`,
  /** A village's accounts (村委会): the needs they posted. */
  village: (villageCode: string): Recipient => `village:${villageCode}`,
  admins: 'admins' as Recipient,
};

/** The office a recipient names, or undefined for an organisation or the administrators. */
export function officeOf(recipient: Recipient): ChainStep | undefined {
  const match = /^office:(township|county|province):(\d+)$/.exec(recipient);
  return match ? { level: match[1] as DecidingLevel, region: match[2] } : undefined;
}

/** A notice before it is stored (the store gives it its id and time). */
export interface NoticeDraft {
  recipient: Recipient;
  kind: NotificationKind;
  /** The application it is about; absent for a notice of the demand library, which names its need instead. */
  applicationId?: string;
  demandId?: string;
  title: string;
  body: string;
}

export interface Notification extends NoticeDraft {
  id: string;
  at: string;
}

type Named = Pick<Application, 'id' | 'regionCode' | 'form' | 'applicant' | 'subject'>;

const nameOf = (app: Named) => app.subject?.title ?? String((app.form as { name?: unknown }).name ?? app.id);
const levelName = (level: DecidingLevel) => `${decidingLevelNames[level]}级`;
/** A deadline as people read it: Beijing time to the minute. */
/** `2026-12-02 15:34` in Beijing time; with its seconds when it has any (limits set in seconds, as tests and demos set them). */
export const shownTime = (iso: string) => {
  const text = cstDateTime(new Date(iso));
  return text.slice(16, 19) === ':00' ? text.slice(0, 16) : text.slice(0, 19);
};

/** Whoever supervises an office: the office above it in the application's chain; the administrators above the province. */
export function supervisorOf(app: Pick<Application, 'regionCode'> & { type?: string }, level: DecidingLevel): Recipient {
  const above = nextStepOf(app, level);
  return above ? recipients.office(above) : recipients.admins;
}

/** Why a task reached an office. */
export type TaskReason = 'submit' | 'approve' | 'resubmit' | 'escalate';

/** A new task in an office's inbox. `from`: the level that approved (or let its limit pass) before. */
export function taskNotice(app: Named, to: ChainStep, reason: TaskReason, dueAt: string, from?: DecidingLevel): NoticeDraft {
  const by: Record<TaskReason, string> = {
    submit: '申请单位提交了申请',
    approve: `${from ? levelName(from) : '下级'}已审核通过`,
    resubmit: '申请单位已按要求修改并重新提交',
    escalate: `${from ? levelName(from) : '下级'}未在期限内作出决定，已超期上报至本级`,
  };
  return {
    recipient: recipients.office(to),
    kind: 'task',
    applicationId: app.id,
    title: `${reason === 'escalate' ? '超期上报待审批' : '待审批'}：${nameOf(app)}`,
    body: `${by[reason]}，请在 ${shownTime(dueAt)} 前审批。`,
  };
}

export function returnedNotice(app: Named, entry: Pick<HistoryEntry, 'level' | 'comment' | 'issues'>, correctBy: string): NoticeDraft {
  const issues = (entry.issues ?? []).map((issue, i) => `${i + 1}. ${issue.message}`).join(' ');
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'returned',
    applicationId: app.id,
    title: `退回修改：${nameOf(app)}`,
    body: `${entry.level ? levelName(entry.level) : ''}退回修改：${entry.comment ?? ''}${issues ? `。需修改：${issues}` : ''}。请在 ${shownTime(correctBy)} 前修改并重新提交。`,
  };
}

export function rejectedNotice(app: Named, entry: Pick<HistoryEntry, 'level' | 'comment'>): NoticeDraft {
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'rejected',
    applicationId: app.id,
    title: `不予通过：${nameOf(app)}`,
    body: `${entry.level ? levelName(entry.level) : ''}决定不予通过：${entry.comment ?? ''}`,
  };
}

export function approvedNotice(app: Named, certificateNo: string): NoticeDraft {
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'approved',
    applicationId: app.id,
    title: `已批准：${nameOf(app)}`,
    body: `申请已获批准，证书编号 ${certificateNo}。`,
  };
}

/** 撤销: the organisation is told, with the reason and that the station left the registry's active list. */
export function revokedNotice(app: Named, certificateNo: string, reason: string): NoticeDraft {
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'revoked',
    applicationId: app.id,
    title: `证书已撤销：${nameOf(app)}`,
    body: `省科协已撤销证书 ${certificateNo}，原因：${reason}。如有异议，请与省科协联系。`,
  };
}

/** A term ended: the organisation is told its certificate is no longer valid. */
export function termEndedNotice(app: Named, certificateNo: string, validUntil: string): NoticeDraft {
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'term-ended',
    applicationId: app.id,
    title: `服务期届满：${nameOf(app)}`,
    body: `证书 ${certificateNo} 的服务期已于 ${shownTime(validUntil)} 届满，证书已到期。`,
  };
}

/** An annual report or a change accepted: the organisation is told; a change says the certificate shows it now. */
export function processApprovedNotice(app: Named & { type: string }, certificateNo: string, renewal?: { gradeName: string; validUntil: string; failed: boolean }): NoticeDraft {
  const report = app.type === 'annual-report';
  if (renewal) {
    return {
      recipient: recipients.org(app.applicant.org),
      kind: 'approved',
      applicationId: app.id,
      title: `期满评估${renewal.gradeName}：${nameOf(app)}`,
      body: renewal.failed
        ? `证书 ${certificateNo} 的期满评估为不合格，请于 ${shownTime(renewal.validUntil)} 前完成整改并重新申请评估；连续两次不合格的将提请撤销。`
        : `证书 ${certificateNo} 的期满评估为${renewal.gradeName}，服务期续至 ${shownTime(renewal.validUntil)}，证书编号不变。`,
    };
  }
  return {
    recipient: recipients.org(app.applicant.org),
    kind: 'approved',
    applicationId: app.id,
    title: `${report ? '年度报告已通过' : '变更已批准'}：${nameOf(app)}`,
    body: report ? `证书 ${certificateNo} 的年度报告已经县级审核通过。` : `变更已获批准，证书 ${certificateNo} 及备案登记已显示变更后的内容，证书编号不变。`,
  };
}

/** A year's report not filed by its deadline: the county's office is told, to follow it up. */
export function reportOverdueNotice(station: Named, county: ChainStep, certificateNo: string, year: number, deadline: string): NoticeDraft {
  return {
    recipient: recipients.office(county),
    kind: 'report-overdue',
    applicationId: station.id,
    title: `年度报告逾期未报：${nameOf(station)}`,
    body: `证书 ${certificateNo} 的 ${year} 年度报告应于 ${shownTime(deadline)} 前报送，至今未报送，请督促。`,
  };
}

/** Two 不合格 in a row: the province is asked to consider revoking the certificate (it revokes through 撤销). */
export function revocationProposedNotice(station: Named, province: ChainStep, certificateNo: string): NoticeDraft {
  return {
    recipient: recipients.office(province),
    kind: 'revocation-proposed',
    applicationId: station.id,
    title: `连续两次评估不合格，提请撤销：${nameOf(station)}`,
    body: `证书 ${certificateNo} 连续两次期满评估不合格，按评估办法提请撤销，请审核后决定是否撤销。`,
  };
}

/** 注销: the county and the province are told the station is gone from the active registry. */
export function dissolvedNotices(station: Named, offices: ChainStep[], certificateNo: string, reason: string): NoticeDraft[] {
  return offices.map((office) => ({
    recipient: recipients.office(office),
    kind: 'dissolved' as const,
    applicationId: station.id,
    title: `站点已注销：${nameOf(station)}`,
    body: `申请单位已自行注销证书 ${certificateNo}，原因：${reason}。该站点不再计入统计，其所在地区的名额已释放。`,
  }));
}

/** The offices that approved the application before the one that decided it for good (抄送), each once. */
export function officesThatApproved(app: Pick<Application, 'regionCode'>, history: Pick<HistoryEntry, 'action' | 'level'>[], finalLevel: DecidingLevel): ChainStep[] {
  const levels = new Set(history.filter((e) => e.action === 'approve' && e.level && e.level !== finalLevel).map((e) => e.level!));
  return [...levels].map((level) => ({ level, region: regionOfLevel(app.regionCode, level) }));
}

function regionOfLevel(regionCode: string, level: DecidingLevel): string {
  const lengths: Record<DecidingLevel, number> = { township: 9, county: 6, province: 2 };
  return regionCode.slice(0, lengths[level]);
}

/** The outcome copied to the offices that approved earlier. */
export function ccNotices(app: Named, offices: ChainStep[], outcome: { approved: true; certificateNo: string } | { approved: false; level: DecidingLevel }): NoticeDraft[] {
  return offices.map((office) => ({
    recipient: recipients.office(office),
    kind: 'cc' as const,
    applicationId: app.id,
    title: `抄送：${nameOf(app)}${outcome.approved ? '已获批准' : '不予通过'}`,
    body: outcome.approved ? `经逐级审批，申请已获批准，证书编号 ${outcome.certificateNo}。` : `${levelName(outcome.level)}决定不予通过。`,
  }));
}

/** An application that expired: for the applicant's delay (a correction never sent) or, configured so, an office's. */
export function expiredNotices(app: Named, level: DecidingLevel, byApplicant: boolean): NoticeDraft[] {
  const title = `已超期：${nameOf(app)}`;
  if (byApplicant) {
    return [{ recipient: recipients.org(app.applicant.org), kind: 'expired', applicationId: app.id, title, body: '申请单位未在期限内修改重新提交，申请已按超期处理。' }];
  }
  const body = `${levelName(level)}未在期限内作出决定，申请已按超期处理。`;
  return [
    { recipient: recipients.org(app.applicant.org), kind: 'expired', applicationId: app.id, title, body },
    { recipient: recipients.office({ level, region: regionOfLevel(app.regionCode, level) }), kind: 'expired', applicationId: app.id, title, body },
  ];
}

/**
 * A level's hard limit passed and the application went up (`to` the office above) or stayed with the province
 * (`to` null: its limits start again and the administrators are told to act).
 */
export function escalatedNotices(app: Named, from: DecidingLevel, to: ChainStep | null): NoticeDraft[] {
  const name = nameOf(app);
  const here = recipients.office({ level: from, region: regionOfLevel(app.regionCode, from) });
  if (!to) {
    const body = `${levelName(from)}未在期限内作出决定，审批期限已重新计算，请督办。`;
    return [
      { recipient: recipients.admins, kind: 'escalated', applicationId: app.id, title: `超期未决：${name}`, body },
      { recipient: here, kind: 'escalated', applicationId: app.id, title: `超期未决：${name}`, body: `${levelName(from)}审批期限已过，期限已重新计算并报管理员督办，请尽快审批。` },
    ];
  }
  const body = `${levelName(from)}未在期限内作出决定，申请已超期上报至${levelName(to.level)}审批。`;
  return [
    { recipient: recipients.org(app.applicant.org), kind: 'escalated', applicationId: app.id, title: `超期上报：${name}`, body },
    { recipient: here, kind: 'escalated', applicationId: app.id, title: `超期上报：${name}`, body },
  ];
}

export function urgeNotice(app: Named, task: ChainStep & { dueAt: string }): NoticeDraft {
  return {
    recipient: recipients.office(task),
    kind: 'urge',
    applicationId: app.id,
    title: `催办：${nameOf(app)}`,
    body: `申请单位催促办理，本级审批期限为 ${shownTime(task.dueAt)}。`,
  };
}

// --- the demand library (需求库) --------------------------------------------------------------------------------

type NamedDemand = { id: string; title: string; postedBy: ChainStep };

/** A station's organisation responded: the posting office is told (the proposal and contacts are on the need's page). */
export function demandResponseNotice(demand: NamedDemand, stationName: string): NoticeDraft {
  return {
    recipient: recipients.office(demand.postedBy),
    kind: 'demand-response',
    demandId: demand.id,
    title: `需求有新响应：${demand.title}`,
    body: `${stationName}响应了本办公室发布的需求，请查看其方案并选定对接单位。`,
  };
}

/** The office's need has had no response for `waited`: the office might reword it, or ask a station near it. */
export function demandUnansweredNotice(demand: NamedDemand, waited: string): NoticeDraft {
  return {
    recipient: recipients.office(demand.postedBy),
    kind: 'demand-unanswered',
    demandId: demand.id,
    title: `需求超期无响应：${demand.title}`,
    body: `本办公室发布的需求已满${waited}仍无站点响应，可补充完善需求描述，或联系需求详情中列出的附近站点。`,
  };
}

/** The posting office picked the organisation's response: the match is recorded with both parties. */
export function demandMatchedNotice(demand: NamedDemand, org: string, stationName: string): NoticeDraft {
  return {
    recipient: recipients.org(org),
    kind: 'demand-matched',
    demandId: demand.id,
    title: `需求对接成功：${demand.title}`,
    body: `${levelName(demand.postedBy.level)}已选定${stationName}承接该需求，请与发布需求的办公室联系开展服务。`,
  };
}

/** A village account posted (or corrected) a need: its office is asked to confirm it. */
export function demandPendingNotice(demand: NamedDemand & { village: { name: string } | null }, resubmitted: boolean, confirmBy: string): NoticeDraft {
  return {
    recipient: recipients.office(demand.postedBy),
    kind: 'demand-pending',
    demandId: demand.id,
    title: `需求待确认：${demand.title}`,
    body: `${demand.village?.name ?? '村'}${resubmitted ? '修改后重新提交了' : '提交了'}需求，请于 ${cstDate(new Date(confirmBy))} 前确认：通过后发布到需求库，或退回修改（一次性告知全部问题）、不予发布。`,
  };
}

/**
 * A village's need still unconfirmed when its office's limit passed: the office is reminded, and the county over a
 * township's office is told (督办), as an application's overdue task is.
 */
export function demandConfirmOverdueNotices(demand: NamedDemand & { village: { name: string } | null }): NoticeDraft[] {
  const office = demand.postedBy;
  const drafts: NoticeDraft[] = [
    {
      recipient: recipients.office(office),
      kind: 'demand-confirm-overdue',
      demandId: demand.id,
      title: `需求确认已超期：${demand.title}`,
      body: `${demand.village?.name ?? '村'}提交的需求已过确认期限仍未确认，请尽快确认发布，或退回修改、不予发布。`,
    },
  ];
  if (office.level === 'township') {
    drafts.push({
      recipient: recipients.office({ level: 'county', region: office.region.slice(0, 6) }),
      kind: 'demand-confirm-overdue',
      demandId: demand.id,
      title: `督办：${demand.title}`,
      body: `${demand.village?.name ?? '村'}提交的需求已过乡镇科协的确认期限仍未确认，请督促办理。`,
    });
  }
  return drafts;
}

const decisionWords = { approve: '已通过确认，发布到需求库', return: '被退回修改', reject: '未通过确认，不予发布' } as const;
const decisionKinds = { approve: 'demand-approved', return: 'demand-returned', reject: 'demand-rejected' } as const;

/** The office decided on a village's need: the village is told (a return names every problem at once). */
export function demandDecidedNotice(demand: NamedDemand & { village: { region: string } | null }, action: 'approve' | 'return' | 'reject', comment: string | null, issues: { message: string }[] = []): NoticeDraft {
  const reasons = [comment, ...issues.map((issue, i) => `${i + 1}. ${issue.message}`)].filter(Boolean).join('；');
  return {
    recipient: recipients.village(demand.village!.region),
    kind: decisionKinds[action],
    demandId: demand.id,
    title: `需求${decisionWords[action]}：${demand.title}`,
    body: `${decidingLevelNames[demand.postedBy.level]}科协${action === 'approve' ? '确认了本村提交的需求，持证站点现可响应。' : action === 'return' ? `退回了本村提交的需求，请按意见一次修改后重新提交${reasons ? `：${reasons}` : '。'}` : `未通过本村提交的需求${reasons ? `：${reasons}` : '。'}`}`,
  };
}

/** The posting office closed the match with its rating (好差评). */
export function demandClosedNotice(demand: NamedDemand, org: string, rating: number, comment: string | null): NoticeDraft {
  return {
    recipient: recipients.org(org),
    kind: 'demand-closed',
    demandId: demand.id,
    title: `需求已办结：${demand.title}`,
    body: `发布需求的办公室已办结该需求，评价 ${rating} 星${comment ? `：${comment}` : '。'}`,
  };
}

// --- timed notices ------------------------------------------------------------------------------------------------

/** A timed notice of a wait: due at `at`. */
export interface TimedStep {
  at: string;
  kind: 'reminder' | 'overdue' | 'escalating';
}

/** The wait a timer belongs to: an office's decision, or the applicant's correction after a return. */
export type WaitKind = 'decision' | 'correction';

/**
 * The instant one working day before `deadline`, at 09:00 Beijing time: the morning of the last working day before it
 * (a limit ending at 24:00 of a working day is reminded that morning). For limits in seconds (tests, demonstrations)
 * the midpoint of `from` and `deadline`. Undefined when that is not after `start`.
 */
export function oneWorkingDayBefore(start: string, deadline: string, span: Limit['soft'], calendar: Calendar, from = start): string | undefined {
  const [s, d] = [Date.parse(start), Date.parse(deadline)];
  let at: number;
  if ('seconds' in span) at = Date.parse(from) + (d - Date.parse(from)) / 2;
  else {
    let day = cstDate(new Date(d - 1));
    const morning = (date: string) => cstStartOf(date).getTime() + 9 * 3600_000;
    const back = (date: string) => {
      let prev = date;
      do prev = new Date(Date.parse(`${prev}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      while (!isWorkingDay(prev, calendar));
      return prev;
    };
    if (!isWorkingDay(day, calendar)) day = back(day);
    at = morning(day);
    if (at >= d) at = morning(back(day));
  }
  return at > s && at < d ? new Date(Math.round(at)).toISOString() : undefined;
}

/**
 * The timed notices of a wait that starts at `step.at`, soonest first: for an office's decision a reminder one working
 * day before the soft limit, `overdue` at it, and the warning to the level above one working day before the hard
 * limit; for the applicant's correction a reminder one working day before its hard limit (when it would expire).
 */
export function waitSchedule(wait: WaitKind, step: { at: string; dueAt: string; expiresAt: string }, limit: Limit, calendar: Calendar): TimedStep[] {
  const steps: TimedStep[] = [];
  if (wait === 'correction') {
    const reminder = oneWorkingDayBefore(step.at, step.expiresAt, limit.hard, calendar);
    if (reminder) steps.push({ at: reminder, kind: 'reminder' });
    return steps;
  }
  const reminder = oneWorkingDayBefore(step.at, step.dueAt, limit.soft, calendar);
  if (reminder) steps.push({ at: reminder, kind: 'reminder' });
  if (step.dueAt > step.at && step.dueAt < step.expiresAt) steps.push({ at: step.dueAt, kind: 'overdue' });
  const warning = oneWorkingDayBefore(step.at, step.expiresAt, limit.hard, calendar, step.dueAt < step.expiresAt ? step.dueAt : step.at);
  if (warning) steps.push({ at: warning, kind: 'escalating' });
  return steps.sort((a, b) => a.at.localeCompare(b.at));
}

/** What a timed notice of an office's wait (or the applicant's correction) says, and to whom. */
export function timedNotices(
  app: Named,
  wait: { kind: WaitKind; level: DecidingLevel; dueAt: string; expiresAt: string },
  step: TimedStep['kind'],
  rule: EscalationRule,
): NoticeDraft[] {
  const name = nameOf(app);
  const office = recipients.office({ level: wait.level, region: regionOfLevel(app.regionCode, wait.level) });
  const supervisor = supervisorOf(app, wait.level);
  if (wait.kind === 'correction') {
    return [
      {
        recipient: recipients.org(app.applicant.org),
        kind: 'reminder',
        applicationId: app.id,
        title: `请尽快修改：${name}`,
        body: `修改重新提交的期限为 ${shownTime(wait.expiresAt)}，逾期申请将按超期处理。`,
      },
    ];
  }
  switch (step) {
    case 'reminder':
      return [{ recipient: office, kind: 'reminder', applicationId: app.id, title: `即将到期：${name}`, body: `本级审批期限为 ${shownTime(wait.dueAt)}，请尽快办理。` }];
    case 'overdue':
      return [
        { recipient: office, kind: 'overdue', applicationId: app.id, title: `已超期未办：${name}`, body: `已超过本级审批期限（${shownTime(wait.dueAt)}），请尽快办理。` },
        { recipient: supervisor, kind: 'overdue', applicationId: app.id, title: `督办：${name}`, body: `${levelName(wait.level)}已超过审批期限（${shownTime(wait.dueAt)}）仍未办理，请督办。` },
      ];
    case 'escalating': {
      const then: Record<EscalationRule, string> = {
        escalate: '届时将超期上报，由贵单位审批',
        expire: '届时申请将按超期处理',
        hold: '届时将报管理员督办',
      };
      return [
        {
          recipient: supervisor,
          kind: 'escalating',
          applicationId: app.id,
          title: `即将超期：${name}`,
          body: `${levelName(wait.level)}审批最终期限为 ${shownTime(wait.expiresAt)}，${then[rule]}。`,
        },
      ];
    }
  }
}

// --- escalation ---------------------------------------------------------------------------------------------------

/**
 * What happens when an office lets its hard limit pass: `escalate` (the level above decides in its place, 超期上报),
 * `expire` (the application ends EXPIRED: the applicant loses for the office's delay), or `hold` (it stays with that
 * office, its limits start again, and the administrators are told; the province's only choice besides expire, as
 * nothing is above it).
 */
export type EscalationRule = 'escalate' | 'expire' | 'hold';
export type EscalationRules = Record<DecidingLevel, EscalationRule>;

/** The defaults: an applicant never loses for an office's delay. */
export const defaultEscalation: EscalationRules = { township: 'escalate', county: 'escalate', province: 'hold' };

/** Parses `township=escalate,county=escalate,province=hold` over the defaults. */
export function parseEscalation(text: string | undefined): EscalationRules {
  const rules: EscalationRules = { ...defaultEscalation };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(township|county|province)=(escalate|expire|hold)$/.exec(part);
    if (!match) throw new Error(`configuration: ESCALATION: cannot read "${part}" (expected e.g. township=escalate, county=expire or province=hold)`);
    const [, level, rule] = match as unknown as [string, DecidingLevel, EscalationRule];
    if (level === 'province' && rule === 'escalate') throw new Error('configuration: ESCALATION: province=escalate: nothing is above the province (hold or expire)');
    rules[level] = rule;
  }
  return rules;
}

/**
 * Where an application goes when `level`'s hard limit passes: up to the next office of its chain (`escalate`), stays
 * (`hold`: the same office again, or a county or township whose chain has nothing above), or nowhere (`expire`).
 */
export function escalationOf(app: Pick<Application, 'regionCode'> & { type?: string }, level: DecidingLevel, rules: EscalationRules): { rule: 'expire' } | { rule: 'escalate' | 'hold'; to: ChainStep } {
  const rule = rules[level];
  if (rule === 'expire') return { rule };
  const above = rule === 'escalate' ? nextStepOf(app, level) : null;
  return above ? { rule: 'escalate', to: above } : { rule: 'hold', to: { level, region: regionOfLevel(app.regionCode, level) } };
}

// --- urge (催办) --------------------------------------------------------------------------------------------------

/** From when the applicant may urge an office: half of its soft limit after the task reached it. */
export function urgeOpensAt(task: { since: string; dueAt: string }): string {
  const since = Date.parse(task.since);
  return new Date(since + Math.max(0, Date.parse(task.dueAt) - since) / 2).toISOString();
}

/** The working day an urge at `at` counts for (a weekend's or holiday's counts for the next working day), and when the next may be sent. */
export function urgeDay(at: Date, calendar: Calendar): { day: string; nextAt: string } {
  const next = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  let day = cstDate(at);
  while (!isWorkingDay(day, calendar)) day = next(day);
  let after = next(day);
  while (!isWorkingDay(after, calendar)) after = next(after);
  return { day, nextAt: cstStartOf(after).toISOString() };
}

/** What decides when the owner may next urge: the office has not yet held it half its soft limit, or it was urged that working day. */
export type UrgeWait = 'half-limit' | 'once-a-day';

/**
 * From when the owner may urge the office that holds the application (the same rules `urgeApplication` checks): half
 * its soft limit after the task reached it, and not again on the working day of the last urge (`lastUrgeAt`).
 * `wait` names the rule that sets `from`.
 */
export function urgeAllowedFrom(task: { since: string; dueAt: string }, lastUrgeAt: string | undefined, calendar: Calendar): { from: string; wait: UrgeWait } {
  const opens = urgeOpensAt(task);
  const again = lastUrgeAt ? urgeDay(new Date(lastUrgeAt), calendar).nextAt : undefined;
  return again && again > opens ? { from: again, wait: 'once-a-day' } : { from: opens, wait: 'half-limit' };
}

// --- delivery beyond the page ---------------------------------------------------------------------------------------

/** What an e-mail or a robot says of a notice: its title and a link, nothing else (no comments, no personal data). */
export function deliveryText(notice: Pick<Notification, 'title'>, link: string | undefined): { subject: string; text: string } {
  const subject = `【科技工作者上山下乡申报】${notice.title}`;
  return { subject, text: `${subject}\n${link ? `查看：${link}` : '请登录申报审批平台查看。'}` };
}

/** Robot platforms an office may set: 企业微信 group robots and 钉钉 custom robots. */
export const robotPlatforms = ['wecom', 'dingtalk'] as const;
export type RobotPlatform = (typeof robotPlatforms)[number];

/** The query parameter each platform's webhook carries its robot's key in. */
const robotKeyParameter: Record<RobotPlatform, string> = { wecom: 'key', dingtalk: 'access_token' };

/**
 * Why a webhook URL cannot be used, or null. https only (http only to this machine, and only where `loopbackHttp`
 * is allowed: the local stack); no user name or password in it; no address literal of a private, loopback or
 * link-local network (a robot's service has a name); and the platform's key parameter (key=, access_token=).
 */
export function webhookUrlProblem(text: string, platform: RobotPlatform, options: { loopbackHttp: boolean }): string | null {
  if (text.length > 2048) return 'Webhook 地址不超过 2048 个字符';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Webhook 地址不是有效的网址';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (url.protocol === 'http:') {
    if (!(loopback && options.loopbackHttp)) return 'Webhook 地址须以 https:// 开头';
  } else if (url.protocol !== 'https:') return 'Webhook 地址须以 https:// 开头';
  if (url.username || url.password) return 'Webhook 地址不能包含用户名或密码';
  if (url.hash) return 'Webhook 地址不能包含 # 片段';
  if (!(loopback && options.loopbackHttp) && (loopback || isPrivateAddress(host))) return 'Webhook 地址不能指向内网或本机地址';
  if (!url.searchParams.get(robotKeyParameter[platform])) {
    return `${platform === 'wecom' ? '企业微信' : '钉钉'}机器人的 Webhook 地址须含 ${robotKeyParameter[platform]}= 参数（从群机器人设置中复制完整地址）`;
  }
  return null;
}

function isPrivateAddress(host: string): boolean {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return !isPublicAddress(host);
  // Any IPv6 literal: a robot service is reached by its name.
  return host.includes(':');
}

/**
 * Whether an address (v4 or v6, as DNS answers it) is on the public internet: not private, loopback, link-local,
 * CGNAT or multicast. The webhook check above refuses such literals; the robot sender (functions/delivery/robot.ts)
 * refuses a name that resolves to one.
 */
export function isPublicAddress(ip: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return !(a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224);
  }
  const v6 = ip.toLowerCase();
  return !(v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6));
}

/** A webhook URL as it may be shown again: its address, and of its key only the last four characters. */
export function maskWebhookUrl(text: string): string {
  try {
    const url = new URL(text);
    const masked = [...url.searchParams].map(([name, value]) => `${name}=${value.length > 4 ? `****${value.slice(-4)}` : '****'}`).join('&');
    return `${url.origin}${url.pathname}${masked ? `?${masked}` : ''}`;
  } catch {
    return '****';
  }
}
