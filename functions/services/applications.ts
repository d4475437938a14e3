// The use cases of an application: submit, list, read, decide, resubmit, withdraw. Routes call these; these call
// the pure domain, the policy, the store and the workflow.
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import {
  DomainError,
  decisionOutcome,
  endsWorkflow,
  finalStatuses,
  newApplication,
  type Actor,
  type Application,
  type ApplicationRecord,
  type DecisionAction,
  type HistoryEntry,
  type WorkflowStep,
} from '../domain/application.js';
import { chainFor, decidingLevelNames, nextStepOf, stepOf, type ChainStep } from '../domain/chain.js';
import type { EvaluationGrade } from '../domain/process.js';
import { deadlinesFrom } from '../domain/deadlines.js';
import { isCaseNumber, newCaseNumber, normalizeCaseNumber } from '../domain/case-number.js';
import { progressView, type ProgressView } from '../domain/progress-lookup.js';
import { isValidCreditCode } from '#forms/credit-code.js';
import { parseListFilter, type ListQuery, type ParsedListFilter } from '../domain/list-filter.js';
import { catalogue, checkPlacement, isApplicationType, validateSubmission, type ApplicationType } from '#forms/catalogue.js';
import { findRegion } from '../regions/index.js';
import type { Principal } from '../auth.js';
import {
  assertMayDecide,
  assertMayResubmit,
  assertMaySubmit,
  assertMayWithdraw,
  assertVisible,
  inboxScope,
  listScope,
  redactFor,
} from '../policy.js';
import { fieldIssues } from '#forms/fields.js';
import { resubmittedMaterials, submittedMaterials } from '#forms/material-references.js';
import { askedMaterials, type MaterialPlan } from '../domain/materials.js';
import { findMaterial } from '#forms/materials.js';
import { afterChange, type ApplicationChange, type PageRequest } from '../store/applications.js';
import type { DecidedEntry } from '../store/application-lists.js';
import type { Page } from '../store/cursor.js';
import type { Services } from './context.js';
import { workingDaysLeft, type Calendar } from '../domain/working-days.js';
import { attachments, planSubmittedMaterials, shownMaterials, takenError } from './materials.js';
import { noticeItems, waitTimerItem } from './notices.js';
import { subjectItems } from './process-records.js';
import { checkResubmittedProcess } from './processes.js';
import { ccNotices, officesThatApproved, rejectedNotice, returnedNotice, taskNotice, urgeAllowedFrom, type UrgeWait } from '../domain/notifications.js';

export interface ApplicationView extends Application {
  history: HistoryEntry[];
  /** `workingDaysLeft`: the countdown to `dueAt` (domain/working-days.ts). */
  task: (Application['task'] & { overdue: boolean; workingDaysLeft: number }) | null;
  /** 催办: from when the owner may urge the office awaited (null when none is); on the application read alone, with its history. */
  urge?: { from: string; wait: UrgeWait } | null;
}

export function actorOf(principal: Principal): Actor {
  const actor: Actor = { sub: principal.sub, name: principal.name, role: principal.role };
  if (principal.level) actor.level = principal.level;
  if (principal.region) actor.region = principal.region;
  return actor;
}

/** The application as callers see it: never the task token, the outbox, or where its materials' bytes are. */
function viewOf(app: ApplicationRecord, history: HistoryEntry[], now: Date, calendar: Calendar): ApplicationView {
  const { taskToken: _token, outbox: _outbox, awaitingRecord: _awaiting, paused: _paused, overdueLevel: _overdue, uncounted: _uncounted, ...visible } = app;
  const unplaced = <M extends { object?: string }>({ object: _object, ...m }: M) => m;
  return {
    ...visible,
    materials: app.materials.map(unplaced),
    replacedMaterials: app.replacedMaterials.map(unplaced),
    task: app.task ? { ...app.task, overdue: now.toISOString() > app.task.dueAt, workingDaysLeft: workingDaysLeft(now, new Date(app.task.dueAt), calendar) } : null,
    history,
  };
}

export function stepFor(s: Pick<Services, 'config'>, id: string, action: WorkflowStep['action'], step: ChainStep, at: Date, final = false): WorkflowStep {
  const limit = action === 'return' ? s.config.timeLimits.resubmission : s.config.timeLimits[step.level];
  return { id, action, final, level: step.level, region: step.region, at: at.toISOString(), ...deadlinesFrom(at, limit, s.config.calendar) };
}

/** The level's clock running on after a resubmission with what was left when it was returned. */
function resumedStep(id: string, step: ChainStep, now: Date, paused: { dueInMs: number; expiresInMs: number }): WorkflowStep {
  const expiresInMs = Math.max(1000, paused.expiresInMs);
  return {
    id,
    action: 'resubmit',
    final: false,
    level: step.level,
    region: step.region,
    at: now.toISOString(),
    dueAt: new Date(now.getTime() + paused.dueInMs).toISOString(),
    expiresAt: new Date(now.getTime() + expiresInMs).toISOString(),
    timeoutSeconds: Math.ceil(expiresInMs / 1000),
  };
}

/** The region checks that need the region data: exists, in Guangdong, of a level the type takes. */
function regionIssues(type: ApplicationType, regionCode: string, form: unknown) {
  const region = findRegion(regionCode);
  if (!region) return [{ path: 'regionCode', message: `区划代码 ${regionCode} 不存在或不在广东省内` }];
  return checkPlacement(type, region.level, form);
}

/** Adds the problems whose field has none listed yet (the form's own check may have named it already). */
function addNew(issues: { path?: string; message: string }[], more: { path?: string; message: string }[]): void {
  for (const issue of more) if (!issues.some((known) => known.path === issue.path)) issues.push(issue);
}

/** Case numbers drawn for one submission at most (each a one-in-ten-million chance of another's number in its year). */
const CASE_NUMBER_DRAWS = 5;

export interface SubmitOptions {
  /** The `Idempotency-Key` header: the same key with the same body answers the first answer again. */
  idempotencyKey?: string;
}

/** The answer a submission gave, kept with its idempotency key. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function submitApplication(s: Services, principal: Principal, body: unknown, options: SubmitOptions = {}): Promise<StoredAnswer> {
  assertMaySubmit(principal);
  const key = options.idempotencyKey;
  if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new DomainError('validation', 'Idempotency-Key 须为 1 到 128 个可见 ASCII 字符', { issues: [{ path: 'Idempotency-Key', message: 'Idempotency-Key 格式不正确' }] });
  }
  const requestHash = createHash('sha256').update(canonicalJson(body)).digest('base64url');
  // A retry of an answered request is answered from the store before anything is checked again.
  if (key) {
    const earlier = await s.applications.getIdempotent(principal.sub, key);
    if (earlier) return replay(earlier, requestHash);
  }
  const checked = validateSubmission(body);
  const issues = checked.ok ? [] : [...checked.issues];
  // Every problem at once: the host region and the caller's organisation are checked whatever else is wrong.
  const raw = (typeof body === 'object' && body !== null ? body : {}) as { type?: unknown; regionCode?: unknown; form?: unknown; materials?: unknown };
  if (isApplicationType(raw.type) && typeof raw.regionCode === 'string') addNew(issues, regionIssues(raw.type, raw.regionCode, raw.form));
  const creditCode = (raw.form as { organisation?: { creditCode?: unknown } } | undefined)?.organisation?.creditCode;
  if (typeof creditCode === 'string' && creditCode !== principal.org) {
    addNew(issues, [{ path: 'form.organisation.creditCode', message: '申请单位的统一社会信用代码须与登录账号所属单位一致' }]);
  }
  // The materials' problems come with the form's: planned whenever the type is known and the references are well formed.
  const refs = submittedMaterials.safeParse(raw.materials ?? []);
  const plan =
    isApplicationType(raw.type) && refs.success
      ? await planSubmittedMaterials(s, principal, { type: raw.type, refs: refs.data, mode: { kind: 'submit', required: s.config.materials.required } })
      : undefined;
  if (plan) addNew(issues, plan.issues);
  if (!checked.ok || issues.length) throw new DomainError('validation', '申请内容有误，请按提示逐项修改', { issues });
  const { type, regionCode, form } = checked.value;

  const now = s.now();
  const at = now.toISOString();
  const id = ulid(now.getTime());
  const attach = plan ? attachments(plan) : [];
  const step = stepFor(s, id, 'submit', chainFor(regionCode)[0], now);
  const entry: HistoryEntry = { at, action: 'submit', level: null, actor: actorOf(principal), comment: null };
  const first = chainFor(regionCode)[0];
  let app: ApplicationRecord;
  let answer: StoredAnswer;
  let outcome: Awaited<ReturnType<typeof s.applications.create>>;
  let draws = 0;
  do {
    // A case number drawn that another application holds is drawn again (the transaction's condition tells).
    app = newApplication({
      id,
      caseNo: newCaseNumber(now),
      type,
      regionCode,
      form: form as Record<string, unknown>,
      applicant: { org: principal.org!, sub: principal.sub, name: principal.name },
      at,
      step,
      materials: plan?.materials,
    });
    answer = { status: 201, body: viewOf(app, [entry], now, s.config.calendar) };
    outcome = await s.lists.indexed(
      { ...app, caseNo: app.caseNo! },
      (caseNumber) =>
        s.applications.create(app, entry, {
          idempotency: key ? { sub: principal.sub, key, record: { requestHash, answer }, at: now } : undefined,
          guard: catalogue[type].unique,
          attach,
          effects: [...noticeItems(s, app, [taskNotice(app, first, 'submit', step.dueAt)], now), waitTimerItem(s, step, 'decision')],
          caseNumber,
        }),
      (outcome) => outcome === 'created',
    );
  } while (outcome === 'caseTaken' && ++draws < CASE_NUMBER_DRAWS);
  if (outcome.startsWith('taken:')) throw takenError(plan!, outcome as `taken:${string}`);
  switch (outcome as Exclude<typeof outcome, `taken:${string}`>) {
    case 'caseTaken':
      throw new DomainError('conflict', '提交冲突，请重试');
    case 'created':
      await s.workflow.start(step);
      return answer;
    case 'replayed': {
      // The same key raced this request and won: answer as it was answered.
      const earlier = await s.applications.getIdempotent(principal.sub, key!);
      if (earlier) return replay(earlier, requestHash);
      throw new DomainError('conflict', '提交冲突，请重试');
    }
    case 'duplicate':
      throw await duplicateError(s, type, regionCode);
    case 'stale':
    case 'contended':
      throw new DomainError('conflict', '提交冲突，请重试');
  }
}

function replay(earlier: { requestHash: string; answer: StoredAnswer }, requestHash: string): StoredAnswer {
  if (earlier.requestHash !== requestHash) {
    throw new DomainError('idempotency_mismatch', '同一个 Idempotency-Key 已用于内容不同的另一次提交');
  }
  return earlier.answer;
}

export async function duplicateError(s: Pick<Services, 'applications'>, type: ApplicationType, regionCode: string): Promise<DomainError> {
  const holder = await s.applications.guardHolder(type, regionCode);
  const existing = holder ? await s.applications.get(holder) : undefined;
  const region = findRegion(regionCode);
  const what = `${region?.name ?? regionCode}已有${catalogue[type].name}`;
  const detail = existing?.certificateNo ? `（证书编号 ${existing.certificateNo}）` : existing ? `在审批中（申请编号 ${existing.id}）` : '';
  return new DomainError('duplicate', `${what}${detail}，按行动方案每个${region?.level === 'village' ? '村' : region?.level === 'county' ? '县（区）' : '地区'}只能设立一个`, {
    existing: existing ? { id: existing.id, status: existing.status, certificateNo: existing.certificateNo } : null,
  });
}

/** JSON with object keys sorted, so that equal bodies hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function getApplication(s: Services, principal: Principal, id: string): Promise<ApplicationView> {
  const found = await s.applications.getWithHistory(id);
  assertVisible(principal, found?.app, id);
  return shown(s, principal, found!.app, found!.history);
}

/** The application and its history as `principal` may see them. */
function shown(s: Services, principal: Principal, app: ApplicationRecord, history: HistoryEntry[]): ApplicationView {
  const urge = app.status === 'PENDING' && app.task ? urgeAllowedFrom(app.task, history.findLast((e) => e.action === 'urge')?.at, s.config.calendar) : null;
  const view = viewOf(app, history, s.now(), s.config.calendar);
  return { ...redactFor(principal, { ...view, urge }), ...shownMaterials(principal, app, view) };
}

/** An application in a list: as its reader may see it, without its history. */
export type ListedApplication = Omit<ApplicationView, 'history'>;

function listed(s: Services, principal: Principal, page: Page<ApplicationRecord>): Page<ListedApplication> {
  const now = s.now();
  const items = page.items.map((app) => {
    const view = viewOf(app, [], now, s.config.calendar);
    const { history: _history, ...rest } = redactFor(principal, view);
    return { ...rest, ...shownMaterials(principal, app, view) };
  });
  return { items, cursor: page.cursor };
}

/** `GET /v1/applications`: the caller's own (an organisation), its region's (an office), or all (an administrator). */
export async function listApplications(s: Services, principal: Principal, page: PageRequest, query: ListQuery = {}): Promise<Page<ListedApplication>> {
  const filter = parseListFilter(query);
  const scope = listScope(principal);
  const byNumber = await foundByCaseNumber(s, filter, (app) => (scope.kind === 'owner' ? app.applicant.org === scope.org : app.regionCode.startsWith(scope.prefix)));
  if (byNumber) return listed(s, principal, byNumber);
  const creditCode = filter.q?.toUpperCase();
  const found =
    scope.kind === 'owner'
      ? await s.lists.listByOwner(scope.org, page, filter)
      : creditCode && isValidCreditCode(creditCode)
        ? // A whole credit code: that organisation's own list, narrowed to the region.
          await s.lists.listByOwner(creditCode, page, { ...filter, q: undefined, regionPrefix: scope.prefix })
        : await s.lists.listByRegion(scope.prefix, page, filter);
  return listed(s, principal, found);
}

/** `GET /v1/tasks`: what awaits the caller's office, oldest first. */
export async function listTasks(s: Services, principal: Principal, page: PageRequest, query: Omit<ListQuery, 'status'> = {}): Promise<Page<ListedApplication>> {
  const { region } = inboxScope(principal);
  const filter = parseListFilter(query);
  const byNumber = await foundByCaseNumber(s, filter, (app) => app.task?.region === region && app.taskToken !== null);
  if (byNumber) return listed(s, principal, byNumber);
  return listed(s, principal, await s.lists.listInbox(region, page, filter));
}

/**
 * A whole case number searched for is read by its key: the one application, if the list would hold it (`inList`)
 * and it passes the other filters. Undefined when `q` is no case number (the lists search the fragment).
 */
async function foundByCaseNumber(s: Services, filter: ParsedListFilter, inList: (app: ApplicationRecord) => boolean): Promise<Page<ApplicationRecord> | undefined> {
  if (!filter.q || !isCaseNumber(filter.q)) return undefined;
  const holder = await s.lists.getCaseNumber(filter.q);
  const app = holder ? await s.applications.get(holder.id) : undefined;
  const passes =
    app &&
    inList(app) &&
    (!filter.status || app.status === filter.status) &&
    (!filter.type || app.type === filter.type) &&
    (!filter.from || app.submittedAt >= filter.from) &&
    (!filter.to || app.submittedAt <= filter.to);
  return { items: passes ? [app] : [], cursor: null };
}

/** `GET /v1/decisions`: what the caller's office decided (已办), newest first. */
export async function listDecided(s: Services, principal: Principal, page: PageRequest): Promise<Page<DecidedEntry>> {
  const { region } = inboxScope(principal, '已办事项仅限审批人员查看');
  return s.lists.listDecided(region, page);
}

export interface DecisionInput {
  action: DecisionAction;
  comment?: string;
  issues?: { path?: string; message: string }[];
  /** A renewal's grade: required with the province's approval, a proposal with the county's. */
  grade?: EvaluationGrade;
}

export async function decideApplication(s: Services, principal: Principal, id: string, input: DecisionInput): Promise<ApplicationView> {
  const found = await s.applications.getWithHistory(id);
  const app = assertMayDecide(principal, found?.app, id, awaitingText);
  if (!app.task || !app.taskToken) throw new DomainError('conflict', awaitingText(app));
  if (input.action === 'return') {
    const returns = found!.history.filter((e) => e.action === 'return').length;
    if (returns >= s.config.maxReturns) {
      throw new DomainError('conflict', `该申请已退回修改 ${returns} 次，达到上限，只能通过或不予通过`);
    }
  }
  if (input.action === 'return') assertNamedMaterials(app, input.issues ?? []);
  assertGrade({ ...app, task: app.task }, input);
  const outcome = decisionOutcome(app, input.action);
  const now = s.now();
  const at = now.toISOString();
  assertWithinLimit(app.task, now, `${decidingLevelNames[app.task.level]}级审批期限已过，不能再作决定，该申请将按超期处理`);
  const step: WorkflowStep = outcome.next
    ? stepFor(s, id, input.action, outcome.next, now)
    : { ...stepFor(s, id, input.action, { level: app.task.level, region: app.task.region }, now), final: outcome.final };
  const entry: HistoryEntry = {
    at,
    action: input.action,
    level: app.task.level,
    actor: actorOf(principal),
    comment: input.comment ?? null,
    ...(input.issues?.length ? { issues: input.issues } : {}),
    ...(input.grade ? { grade: input.grade } : {}),
  };
  const change: ApplicationChange = {
    app,
    expected: { version: app.version, token: app.taskToken, openAt: at },
    set: {
      status: outcome.status,
      currentLevel: outcome.currentLevel,
      updatedAt: at,
      awaitingRecord: outcome.final,
      // Returned: the level's clock stops with what was left, and runs on from the resubmission.
      paused:
        input.action === 'return'
          ? { dueInMs: Date.parse(app.task.dueAt) - now.getTime(), expiresInMs: Date.parse(app.task.expiresAt) - now.getTime() }
          : null,
    },
    entry,
    outbox: { kind: 'callback', token: app.taskToken, step },
    releaseGuard: outcome.status === 'REJECTED' && holdsGuard(app),
    effects: [
      ...decisionEffects(s, { ...app, task: app.task }, found!.history, entry, step, outcome, now),
      s.lists.decidedItem(app.task.region, app, entry),
    ],
    // A report's mark of the year, a change no longer under way, on the certificate they are about.
    guarded: input.action === 'approve' ? [] : await subjectItems(s, app, outcome.status),
  };
  await record(s, change);
  await deliver(s, app.taskToken, step, at);
  // Answered as recorded, not read back: the next level's task is the workflow's to set, and the page follows it.
  const recorded = afterChange(change);
  return shown(s, principal, endsWorkflow(step) ? { ...recorded, outbox: null } : recorded, [...found!.history, entry]);
}

/** A grade goes with a renewal's approval only, and the province's must carry one (400 at `grade`). */
function assertGrade(app: ApplicationRecord & { task: NonNullable<ApplicationRecord['task']> }, input: DecisionInput): void {
  const renewal = app.type === 'certificate-renewal';
  const last = !nextStepOf(app, app.task.level);
  const problem =
    input.grade && !renewal
      ? '只有期满评估与续期申请的决定才给出评估等级'
      : renewal && input.action === 'approve' && last && !input.grade
        ? '省级通过期满评估须给出评估等级（优秀、合格或不合格）'
        : undefined;
  if (problem) throw new DomainError('validation', '审批决定有误', { issues: [{ path: 'grade', message: problem }] });
}

/**
 * A return's problem at `materials.<key>` must name a material of the type's list (required or not) or one the
 * application carries: the resubmission must then bring a new file for it, which it could not for a key that is none.
 */
function assertNamedMaterials(app: ApplicationRecord, issues: { path?: string }[]): void {
  const wrong = issues.flatMap((issue, i) => {
    const key = issue.path?.startsWith('materials.') ? issue.path.slice('materials.'.length) : undefined;
    if (key === undefined) return [];
    const known = (isApplicationType(app.type) && findMaterial(app.type, key)) || app.materials.some((m) => m.key === key);
    return known ? [] : [{ path: `issues.${i}.path`, message: `本类申请的材料清单中没有 ${key}，请从材料清单中选择` }];
  });
  if (wrong.length) throw new DomainError('validation', '审批决定有误', { issues: wrong });
}

/**
 * What a decision causes: approved on, a task for the next office (with its wait's timer); returned, the notice to
 * the applicant (with the correction's timer); rejected, the notice and the outcome copied to the offices that
 * approved before; the last approval ends the wait (the workflow's recordApproval tells the applicant).
 */
function decisionEffects(
  s: Services,
  app: ApplicationRecord & { task: NonNullable<ApplicationRecord['task']> },
  history: HistoryEntry[],
  entry: HistoryEntry,
  step: WorkflowStep,
  outcome: ReturnType<typeof decisionOutcome>,
  now: Date,
) {
  if (entry.action === 'approve' && outcome.next) {
    return [...noticeItems(s, app, [taskNotice(app, outcome.next, 'approve', step.dueAt, app.task.level)], now), waitTimerItem(s, step, 'decision')];
  }
  if (entry.action === 'return') return [...noticeItems(s, app, [returnedNotice(app, entry, step.expiresAt)], now), waitTimerItem(s, step, 'correction')];
  if (entry.action === 'reject') {
    const cc = ccNotices(app, officesThatApproved(app, history, app.task.level), { approved: false, level: app.task.level });
    return [...noticeItems(s, app, [rejectedNotice(app, entry), ...cc], now), s.notifications.clearWaitTimerItem(app.id)];
  }
  return [s.notifications.clearWaitTimerItem(app.id)];
}

/** A plan rule's guard is held while pending or approved; an application that ends otherwise gives it up. */
function holdsGuard(app: ApplicationRecord): boolean {
  return isApplicationType(app.type) && catalogue[app.type].unique;
}

/**
 * Records a change read at its version; a change recorded meanwhile by someone else wins, and this one is a conflict.
 * An upload it attaches that another application took meanwhile is that material's problem (`plan` names it).
 */
async function record(s: Services, change: ApplicationChange, plan?: MaterialPlan): Promise<void> {
  const outcome = await s.applications.recordChange(change);
  if (outcome === 'stale') throw new DomainError('conflict', '该申请已被处理或状态已变化，请刷新后重试');
  if (outcome !== 'recorded') throw takenError(plan!, outcome);
}

/** Hands a recorded change to the workflow; a step that ends the workflow leaves nothing for a next state to acknowledge. */
async function deliver(s: Services, token: string, step: WorkflowStep, at: string): Promise<void> {
  await s.workflow.complete(token, step);
  // A step that ends the workflow is taken once delivered; any other is taken by the workflow's next state, and
  // stays in the outbox until then: if the task was gone (its execution ended), the reconciler starts it again.
  if (endsWorkflow(step)) await s.applications.clearOutbox(step.id, at);
}

/**
 * A task past its hard limit takes no decision or correction: the workflow's timeout expires it. The store's
 * condition (`openAt`) settles the race with the timeout; this says why to the caller who came too late.
 */
function assertWithinLimit(task: { expiresAt: string }, now: Date, message: string): void {
  if (now.getTime() >= Date.parse(task.expiresAt)) throw new DomainError('conflict', message);
}

function awaitingText(app: ApplicationRecord): string {
  if (finalStatuses.has(app.status)) return `该申请已办结（${app.status}），不能再作决定`;
  if (app.status === 'RETURNED') return '该申请已退回申请单位修改，尚未重新提交';
  if (!app.task) return '该申请正在流转到下一级，请稍后再试';
  return `该申请正在等待${decidingLevelNames[app.task.level]}级审批，不是您所在层级`;
}

export async function withdrawApplication(s: Services, principal: Principal, id: string): Promise<ApplicationView> {
  const found = await s.applications.getWithHistory(id);
  const app = assertMayWithdraw(principal, found?.app, id);
  if (finalStatuses.has(app.status) || app.awaitingRecord) throw new DomainError('conflict', `该申请已办结（${app.status}），不能撤回`);
  const now = s.now();
  const at = now.toISOString();
  const step: WorkflowStep = { ...stepFor(s, id, 'withdraw', { level: app.currentLevel, region: app.task?.region ?? '' }, now) };
  await record(s, {
    app,
    expected: { version: app.version },
    set: { status: 'WITHDRAWN', updatedAt: at },
    entry: { at, action: 'withdraw', level: app.currentLevel, actor: actorOf(principal), comment: null },
    outbox: app.taskToken ? { kind: 'callback', token: app.taskToken, step } : null,
    releaseGuard: holdsGuard(app),
    effects: [s.notifications.clearWaitTimerItem(app.id)],
    guarded: await subjectItems(s, app, 'WITHDRAWN'),
  });
  // Between levels no token waits: the workflow's next state finds the application withdrawn and ends.
  if (app.taskToken) await deliver(s, app.taskToken, step, at);
  return getApplication(s, principal, id);
}

export async function resubmitApplication(s: Services, principal: Principal, id: string, body: unknown): Promise<ApplicationView> {
  const found = await s.applications.getWithHistory(id);
  const app = assertMayResubmit(principal, found?.app, id);
  if (app.status !== 'RETURNED') throw new DomainError('conflict', '只有被退回修改的申请可以重新提交');
  // The return is answered before the workflow has opened the correction: that takes a moment.
  if (!app.taskToken) throw new DomainError('conflict', '退回正在送达，请稍后几秒再重新提交');
  const given = (body && typeof body === 'object' ? body : {}) as { form?: unknown; materials?: unknown };
  if (app.subject) return resubmitProcess(s, principal, app, body, given.form);
  const checked = validateSubmission({ type: app.type, regionCode: app.regionCode, form: given.form });
  const bodyKeys = body && typeof body === 'object' ? Object.keys(body) : [];
  const extraKeys = bodyKeys.filter((k) => k !== 'form' && k !== 'materials').map((k) => ({ path: k, message: `不允许的字段：${k}` }));
  const issues = [...(checked.ok ? [] : checked.issues), ...extraKeys];
  addNew(issues, regionIssues(app.type as ApplicationType, app.regionCode, given.form));
  // The materials the return named must come back as new files; the others may be replaced or kept.
  const lastReturn = [...found!.history].reverse().find((e) => e.action === 'return');
  const refs = resubmittedMaterials.safeParse(given.materials ?? []);
  let plan: MaterialPlan | undefined;
  if (!refs.success) addNew(issues, fieldIssues(refs.error, 'materials'));
  else if (isApplicationType(app.type)) {
    const mode = { kind: 'resubmit', current: app.materials, asked: askedMaterials(lastReturn?.issues) } as const;
    plan = await planSubmittedMaterials(s, principal, { type: app.type, refs: refs.data, mode });
    addNew(issues, plan.issues);
  }
  if (!checked.ok || issues.length) throw new DomainError('validation', '修改后的申请内容仍有问题，请按提示逐项修改', { issues });
  const form = checked.value.form as Record<string, unknown>;
  const now = s.now();
  const at = now.toISOString();
  if (app.task) assertWithinLimit(app.task, now, '修改重新提交的期限已过，该申请将按超期处理');
  const region = stepOf(app, app.currentLevel)!.region;
  const step = app.paused
    ? resumedStep(id, { level: app.currentLevel, region }, now, app.paused)
    : stepFor(s, id, 'resubmit', { level: app.currentLevel, region }, now);
  const attach = plan ? attachments(plan) : [];
  const changesMaterials = plan && (plan.attach.length > 0 || plan.replaced.length > 0);
  await record(
    s,
    {
      app,
      expected: { version: app.version, token: app.taskToken, openAt: at },
      set: {
        status: 'PENDING',
        form,
        updatedAt: at,
        paused: null,
        ...(changesMaterials
          ? { materials: plan!.materials, replacedMaterials: [...app.replacedMaterials, ...plan!.replaced.map((m) => ({ ...m, replacedAt: at }))] }
          : {}),
      },
      entry: {
        at,
        action: 'resubmit',
        level: app.currentLevel,
        actor: actorOf(principal),
        comment: null,
        changes: [...changedPaths(app.form, form), ...(plan?.changes ?? [])],
        ...(plan?.replaced.length ? { replaced: plan.replaced.map((m) => m.id) } : {}),
      },
      outbox: { kind: 'callback', token: app.taskToken, step },
      attach,
      effects: [...noticeItems(s, app, [taskNotice(app, { level: app.currentLevel, region }, 'resubmit', step.dueAt)], now), waitTimerItem(s, step, 'decision')],
      reindex: s.lists.reindex(app, form),
    },
    plan,
  );
  await deliver(s, app.taskToken, step, at);
  return getApplication(s, principal, id);
}

/** A returned annual report or change sent again: its form checked as at its filing, back to the level that returned it. */
async function resubmitProcess(s: Services, principal: Principal, app: ApplicationRecord, body: unknown, given: unknown): Promise<ApplicationView> {
  const extraKeys = (body && typeof body === 'object' ? Object.keys(body) : []).filter((k) => k !== 'form').map((k) => ({ path: k, message: `不允许的字段：${k}` }));
  const checked = await checkResubmittedProcess(s, app, given);
  const issues = [...checked.issues, ...extraKeys];
  if (!checked.form || issues.length) throw new DomainError('validation', '修改后的内容仍有问题，请按提示逐项修改', { issues });
  const now = s.now();
  const at = now.toISOString();
  if (app.task) assertWithinLimit(app.task, now, '修改重新提交的期限已过，该申请将按超期处理');
  const region = stepOf(app, app.currentLevel)!.region;
  const step = app.paused ? resumedStep(app.id, { level: app.currentLevel, region }, now, app.paused) : stepFor(s, app.id, 'resubmit', { level: app.currentLevel, region }, now);
  await record(s, {
    app,
    expected: { version: app.version, token: app.taskToken!, openAt: at },
    set: { status: 'PENDING', form: checked.form, updatedAt: at, paused: null },
    entry: { at, action: 'resubmit', level: app.currentLevel, actor: actorOf(principal), comment: null, changes: changedPaths(app.form, checked.form) },
    outbox: { kind: 'callback', token: app.taskToken!, step },
    effects: [...noticeItems(s, app, [taskNotice(app, { level: app.currentLevel, region }, 'resubmit', step.dueAt)], now), waitTimerItem(s, step, 'decision')],
    guarded: await subjectItems(s, app, 'PENDING'),
  });
  await deliver(s, app.taskToken!, step, at);
  return getApplication(s, principal, app.id);
}

/** Dotted paths of the leaves that differ between two forms, so the official sees what changed. */
function changedPaths(before: unknown, after: unknown, path = 'form'): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object';
  if (!isObject(before) || !isObject(after)) return [path];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].flatMap((name) => changedPaths(before[name], after[name], `${path}.${name}`));
}

/**
 * 办件查询 (`GET /v1/progress`, no sign-in): an application's status and levels by its case number and its
 * organisation's credit code. A number unknown and a credit code that is not its organisation's answer alike (404), so
 * the lookup tells nothing of numbers it was not given the code of.
 */
export async function lookUpProgress(s: Pick<Services, 'applications' | 'lists'>, query: { caseNo?: string; creditCode?: string }): Promise<ProgressView> {
  const caseNo = normalizeCaseNumber(query.caseNo ?? '');
  const creditCode = (query.creditCode ?? '').trim().toUpperCase();
  const issues: { path: string; message: string }[] = [];
  if (!caseNo) issues.push({ path: 'caseNo', message: '请输入受理号' });
  else if (!isCaseNumber(caseNo)) issues.push({ path: 'caseNo', message: '受理号应为 12 位数字（如 2026 0483 1295），请核对' });
  if (!creditCode) issues.push({ path: 'creditCode', message: '请输入申请单位的统一社会信用代码' });
  else if (!isValidCreditCode(creditCode)) issues.push({ path: 'creditCode', message: '统一社会信用代码格式不正确（18 位，末位为校验码）' });
  if (issues.length) throw new DomainError('validation', '查询条件有误', { issues });
  const holder = await s.lists.getCaseNumber(caseNo);
  const found = holder && holder.org === creditCode ? await s.applications.getWithHistory(holder.id) : undefined;
  if (!found || !found.app.caseNo) throw new DomainError('not_found', '未找到该办件：请核对受理号和统一社会信用代码');
  return progressView({ ...found.app, caseNo: found.app.caseNo }, found.history);
}
