// Who may see, list and act on what: decided here and nowhere else. Routes and services ask these
// functions; none of them compares roles or regions itself. Pure: no AWS, no HTTP.
//
// The rules (shared/api.md, issue 6):
// - An application is seen by its owner (the applicant organisation, by credit code), by the officials
//   whose region contains its host region (a township's office sees what is hosted in the township and
//   its villages, a county's what is in the county, the province's everything), and by administrators.
//   Anyone else is told it does not exist (404), so ids cannot be probed.
// - Lists are the same rule read through an index: an organisation's own, a region prefix, or all.
// - Only the owner resubmits or withdraws; only an official decides, and only when the application is
//   awaiting that official's office (otherwise 409, as the chain has moved on or not arrived yet).
// - Personal data in an application (mobiles, e-mail addresses, credit codes, contact persons' names)
//   is shown to the owner, to administrators, and to the offices the application has reached; an office
//   further up the chain sees it masked until the application gets there.
import type { Principal } from './auth.js';
import { DomainError, type Application } from './domain/application.js';
import { chainOf } from './domain/chain.js';
import { regionWithin } from './domain/registry.js';
import { PROVINCE } from './domain/region-codes.js';
import { maskPersonalData } from './personal-data.js';
import { recipients, type Recipient } from './domain/notifications.js';
import { publicDemandStatuses, type DemandStatus } from './domain/demand.js';

type Visible = Pick<Application, 'regionCode' | 'applicant'>;
type Deciding = Visible & Pick<Application, 'status' | 'task'>;

const roleNames: Record<Principal['role'], string> = { applicant: '申请单位', official: '审批人员', admin: '管理员', village: '村委会' };

const forbidden = (message: string) => new DomainError('forbidden', message);
const notFound = (id: string) => new DomainError('not_found', `申请 ${id} 不存在`);

function isOwner(principal: Principal, app: Pick<Application, 'applicant'>): boolean {
  return principal.role === 'applicant' && !!principal.org && principal.org === app.applicant.org;
}

/** Owner, officials whose region contains the host region, and administrators. */
function mayView(principal: Principal, app: Visible): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'applicant':
      return isOwner(principal, app);
    case 'official':
      // Codes carry their ancestors as prefixes and each level has its own length (2, 6, 9, 12 digits).
      return !!principal.region && app.regionCode.startsWith(principal.region);
    case 'village':
      // A village account applies for nothing and decides nothing: applications are not its.
      return false;
  }
}

/** What a caller may not see answers exactly as if it did not exist. */
export function assertVisible<T extends Visible>(principal: Principal, app: T | undefined, id: string): T {
  if (!app || !mayView(principal, app)) throw notFound(id);
  return app;
}

function maySubmit(principal: Principal): boolean {
  return principal.role === 'applicant';
}

export function assertMaySubmit(principal: Principal): void {
  if (!maySubmit(principal)) throw forbidden(`仅限申请单位提交申请，${roleNames[principal.role]}不能提交`);
}

/** Whether the application awaits a decision of this official's office now. */
function mayDecide(principal: Principal, app: Deciding): boolean {
  return (
    principal.role === 'official' &&
    mayView(principal, app) &&
    app.status === 'PENDING' &&
    !!app.task &&
    app.task.level === principal.level &&
    app.task.region === principal.region
  );
}

/**
 * A decision: 404 when the caller may not see the application, 403 when the caller is no official,
 * 409 (with `whyNot`, which says whose decision is awaited) when it is not awaiting the caller's office.
 */
export function assertMayDecide<T extends Deciding>(principal: Principal, app: T | undefined, id: string, whyNot: (app: T) => string): T {
  const seen = assertVisible(principal, app, id);
  if (principal.role !== 'official') throw forbidden('仅限审批人员作出审批决定');
  if (!mayDecide(principal, seen)) throw new DomainError('conflict', whyNot(seen));
  return seen;
}

function mayResubmit(principal: Principal, app: Visible): boolean {
  return isOwner(principal, app);
}

/** 404 when the caller may not see the application, 403 when the caller sees it but is not its owner. */
export function assertMayResubmit<T extends Visible>(principal: Principal, app: T | undefined, id: string): T {
  const seen = assertVisible(principal, app, id);
  if (!mayResubmit(principal, seen)) throw forbidden('只有申请单位本身可以修改重新提交');
  return seen;
}

function mayWithdraw(principal: Principal, app: Visible): boolean {
  return isOwner(principal, app);
}

export function assertMayWithdraw<T extends Visible>(principal: Principal, app: T | undefined, id: string): T {
  const seen = assertVisible(principal, app, id);
  if (!mayWithdraw(principal, seen)) throw forbidden('只有申请单位本身可以撤回申请');
  return seen;
}

/** The scope of `GET /v1/applications` for a caller: the same rule as `mayView`, as an index can read it. */
export type ListScope = { kind: 'owner'; org: string } | { kind: 'region'; prefix: string };

export function listScope(principal: Principal): ListScope {
  switch (principal.role) {
    case 'village':
      throw forbidden('村账号没有申请：请在需求库中提交本村的需求');
    case 'applicant':
      return { kind: 'owner', org: principal.org! };
    case 'official':
      return { kind: 'region', prefix: principal.region! };
    case 'admin':
      return { kind: 'region', prefix: PROVINCE };
  }
}

/** Only officials have an inbox (403 for anyone else). */
export function assertMayListTasks(principal: Principal): void {
  inboxScope(principal);
}

/** 批量通过 (`POST /v1/tasks/approvals`): the offices that approve in numbers, the counties and the province (a township reads each file). */
export function assertMayBatchApprove(principal: Principal): void {
  if (principal.role !== 'official') throw forbidden('批量通过仅供审批人员使用');
  if (principal.level === 'township') throw forbidden('批量通过仅供县级、省级审批人员使用，乡镇请逐件审核');
}

/** `GET /v1/tasks` (and the office's 已办, `GET /v1/decisions`): an official's inbox is the office's region. */
export function inboxScope(principal: Principal, refusal = '待办事项仅限审批人员查看'): { region: string } {
  if (principal.role !== 'official') throw forbidden(refusal);
  return { region: principal.region! };
}

/** The registry (approved records, public fields only): administrators, and officials for their own region. */
function mayReadRegistry(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'official';
}

/**
 * The region a registry query may cover: what was asked, narrowed for an official to their own region
 * (403 for a region outside it). Undefined means the whole province.
 */
export function registryRegionFor(principal: Principal, asked: string | undefined): string | undefined {
  if (!mayReadRegistry(principal)) throw forbidden('备案登记仅限管理员和审批人员查询');
  return principal.role === 'official' ? regionWithin(principal.region!, asked) : asked;
}

/** Progress against the plan's targets: administrators. */
function mayReadStats(principal: Principal): boolean {
  return principal.role === 'admin';
}

export function assertMayReadStats(principal: Principal): void {
  if (!mayReadStats(principal)) throw forbidden('统计仅限管理员查看');
}

/** Whether the application has reached the official's level in its chain (is there now, or has been). */
function hasReached(principal: Principal, app: Pick<Application, 'regionCode' | 'currentLevel'> & { type?: string }): boolean {
  const chain = chainOf(app).map((step) => step.level);
  const mine = chain.indexOf(principal.level!);
  return mine >= 0 && mine <= chain.indexOf(app.currentLevel);
}

/** Whether the caller is shown the application's personal data unmasked (see the rules at the top). */
export function maySeePersonalData(principal: Principal, app: Visible & Pick<Application, 'currentLevel'> & { type?: string }): boolean {
  if (principal.role === 'admin' || isOwner(principal, app)) return true;
  return principal.role === 'official' && mayView(principal, app) && hasReached(principal, app);
}

/** The application as this caller is shown it: as is, or with its personal data masked. */
export function redactFor<T extends Visible & Pick<Application, 'currentLevel'> & { type?: string }>(principal: Principal, app: T): T {
  return maySeePersonalData(principal, app) ? app : maskPersonalData(app, { contactNames: true });
}

/**
 * Whose notices a caller reads: an official its office's (level and region), an applicant its organisation's, an
 * administrator the administrators'. A notice of anyone else's is not found (404).
 */
export function notificationRecipient(principal: Principal): Recipient {
  switch (principal.role) {
    case 'official':
      return recipients.office({ level: principal.level!, region: principal.region! });
    case 'applicant':
      return recipients.org(principal.org!);
    case 'admin':
      return recipients.admins;
    case 'village':
      return recipients.village(principal.region!);
  }
}

/** 催办: only the owner (404 to those who may not see the application, 403 to those who see it but do not own it). */
export function assertMayUrge<T extends Visible>(principal: Principal, app: T | undefined, id: string): T {
  const seen = assertVisible(principal, app, id);
  if (!isOwner(principal, seen)) throw forbidden('只有申请单位本身可以催办');
  return seen;
}

/** An office's delivery channels (e-mail addresses, its group robot) and the deliveries that failed: administrators. */
export function assertMayManageDelivery(principal: Principal): void {
  if (principal.role !== 'admin') throw forbidden('通知渠道与投递记录仅限管理员管理');
}

/** 撤销: the province's officials and the administrators. */
export function assertMayRevoke(principal: Principal): void {
  const province = principal.role === 'official' && principal.level === 'province';
  if (!province && principal.role !== 'admin') throw forbidden('只有省科协审批人员或管理员可以撤销证书');
}

/** 注销: only the organisation holding the certificate (its applicant accounts). */
export function assertMayDissolve(principal: Principal, app: Pick<Application, 'applicant'>): void {
  if (!isOwner(principal, app)) throw forbidden('只有持证的申请单位本身可以注销站点');
}

// --- the demand library (需求库) --------------------------------------------------------------------------------
// - A township's or county's office posts needs inside its own region (a need outside it: 403); the province and
//   applicants do not post. A village account (村委会) posts its own village's needs only (another region: 403); they
//   are PENDING until the office that confirms them (its township's; functions/domain/demand.ts confirmingOffice)
//   approves, returns (一次性告知) or rejects them. Only that office decides (others who see the need: 403); only the
//   village corrects a returned need or withdraws one not yet published.
// - Published, matched and closed needs are the library's public face: every signed-in caller sees them. A need in
//   any other status is seen by the officials whose region contains it, by its own village's accounts and by
//   administrators; to anyone else it does not exist (404).
// - Only an applicant organisation responds (and only with an ACTIVE certificate: the service checks that); only the
//   posting office (its level and region) picks responses and closes; responders' contacts are shown to it alone
//   (and to each responder its own).

type DemandSeen = { regionCode: string; status: string; postedBy: { level: string; region: string }; village?: { region: string } | null };

/** 403 unless a township or county office posts in its own region, or a village account in its own village. */
export function assertMayPostDemand(principal: Principal, regionCode: string): void {
  if (principal.role === 'village') {
    if (regionCode !== principal.region) throw forbidden(`村账号只能提交本村（${principal.region}）的需求：${regionCode} 不是本村`);
    return;
  }
  if (principal.role !== 'official' || (principal.level !== 'township' && principal.level !== 'county')) {
    throw forbidden('仅限乡镇、县（区）科协等办公室发布需求');
  }
  if (!regionCode.startsWith(principal.region!)) throw forbidden(`只能在本辖区（${principal.region}）内发布需求：${regionCode} 不在本辖区`);
}

export function mayViewDemand(principal: Principal, demand: DemandSeen): boolean {
  return publicDemandStatuses.has(demand.status as DemandStatus) || isDemandInsider(principal, demand);
}

/**
 * Who sees a need in any status, and reads its history whole: the officials whose region contains it, its own
 * village's accounts, administrators.
 */
export function isDemandInsider(principal: Principal, demand: Pick<DemandSeen, 'regionCode' | 'village'>): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role === 'village') return isPostingVillage(principal, demand);
  return principal.role === 'official' && !!principal.region && demand.regionCode.startsWith(principal.region);
}

/** Whether the caller is an account of the village that posted the need. */
export function isPostingVillage(principal: Principal, demand: Pick<DemandSeen, 'village'>): boolean {
  return principal.role === 'village' && !!demand.village && demand.village.region === principal.region;
}

/** Confirming a village's need: its office only (404 to those who may not see it, 403 to the others who do). */
export function assertMayConfirmDemand<T extends DemandSeen>(principal: Principal, demand: T | undefined, id: string): T {
  const seen = assertDemandVisible(principal, demand, id);
  if (!isPostingOffice(principal, seen)) throw forbidden(`只有需求所在地的${seen.postedBy.level === 'township' ? '乡镇' : '县（区）'}科协（${seen.postedBy.region}）可以确认该需求`);
  if (!seen.village) throw new DomainError('conflict', '该需求由本办公室直接发布，无需确认');
  return seen;
}

/** Correcting or withdrawing a village's need: its own village's accounts only (404 to those who may not see it, 403 to the others). */
export function assertPostingVillage<T extends DemandSeen>(principal: Principal, demand: T | undefined, id: string, what: string): T {
  const seen = assertDemandVisible(principal, demand, id);
  if (!isPostingVillage(principal, seen)) throw forbidden(`只有提交该需求的村账号可以${what}`);
  return seen;
}

export function assertDemandVisible<T extends DemandSeen>(principal: Principal, demand: T | undefined, id: string): T {
  if (!demand || !mayViewDemand(principal, demand)) throw new DomainError('not_found', `需求 ${id.slice(0, 40)} 不存在`);
  return demand;
}

/** Whether the caller is the office that posted the need. */
export function isPostingOffice(principal: Principal, demand: DemandSeen): boolean {
  return principal.role === 'official' && principal.level === demand.postedBy.level && principal.region === demand.postedBy.region;
}

/** Matching and closing: the posting office only (404 to those who may not see the need, 403 to the others). */
export function assertPostingOffice<T extends DemandSeen>(principal: Principal, demand: T | undefined, id: string, what: string): T {
  const seen = assertDemandVisible(principal, demand, id);
  if (!isPostingOffice(principal, seen)) throw forbidden(`只有发布该需求的办公室可以${what}`);
  return seen;
}

/** Responding: applicant organisations only (whether it holds an ACTIVE certificate is read by the service). */
export function assertMayRespond(principal: Principal): string {
  if (principal.role !== 'applicant' || !principal.org) throw forbidden('仅限持有有效证书的站点、协会所属单位响应需求');
  return principal.org;
}

/**
 * The region and statuses a demand list may cover: public statuses anywhere; any other status only inside an
 * official's own region (403 outside it), or anywhere for administrators. Undefined region: the province.
 */
export function demandListRegionFor(principal: Principal, asked: string | undefined, status: DemandStatus): string {
  if (publicDemandStatuses.has(status) || principal.role === 'admin') return asked ?? PROVINCE;
  if (principal.role === 'village') {
    // Its village's needs not yet (or never) published are the ones it posted: only a village account's need is ever in those statuses.
    if (asked !== undefined && asked !== principal.region) throw forbidden(`未发布的需求只能查看本村（${principal.region}）的`);
    return principal.region!;
  }
  if (principal.role !== 'official') throw forbidden('未发布的需求仅限所在地区的办公室查看');
  const own = principal.region!;
  if (asked === undefined) return own;
  if (own !== PROVINCE && !asked.startsWith(own)) throw forbidden(`未发布的需求只能查看本辖区（${own}）的`);
  return asked;
}
