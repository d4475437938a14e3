// The demand library's use cases (需求库): post a need, list and search them, read one, respond, match, close; and a
// village account's need confirmed by its office (approve, return with every problem at once, reject), corrected and
// withdrawn by the village. Each change is one transaction conditional on the need's version, with its history entry,
// its list entries, and its notices (and certificate links, and search postings when it is published).
import { ulid } from 'ulid';
import { typeBasics, type ApplicationType } from '#forms/entry.js';
import { industries } from '#forms/industries.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { statusAt } from '../domain/certificate.js';
import type { DecidingLevel } from '../domain/chain.js';
import {
  demandKindNames,
  demandStatusNames,
  demandStatuses,
  demandKinds,
  awaitsConfirmation,
  confirmingOffice,
  isDemandRegionLevel,
  matchesQuery,
  newDemand,
  normaliseQuery,
  publicDemandStatuses,
  queryGram,
  searchGrams,
  type CertificateDemand,
  type Closure,
  type Demand,
  type DemandDecision,
  type DemandEvent,
  type DemandIssue,
  type DemandKind,
  type DemandResponse,
  type DemandStatus,
} from '../domain/demand.js';
import { demandClosedNotice, demandDecidedNotice, demandMatchedNotice, demandPendingNotice, demandResponseNotice } from '../domain/notifications.js';
import { deadlinesFrom, spanEnd } from '../domain/deadlines.js';
import { workingDaysLeft, type Calendar } from '../domain/working-days.js';
import { noticeItemsOf, spanText } from './demand-aging.js';
import { PROVINCE } from '../domain/region-codes.js';
import { cityOf, isPrdCity, pairedCitiesOf, prdCities, prdPartnerOf } from '../domain/pairing.js';
import { childrenOf, findRegion, regionPath } from '../regions/index.js';
import {
  assertDemandVisible,
  assertMayConfirmDemand,
  assertMayPostDemand,
  assertPostingVillage,
  assertMayRespond,
  assertPostingOffice,
  demandListRegionFor,
  isDemandInsider,
  isPostingOffice,
  isPostingVillage,
} from '../policy.js';
import type { PageRequest } from '../store/applications.js';
import type { Page } from '../store/cursor.js';
import type { DemandChange } from '../store/demands.js';
import { actorOf } from './applications.js';
import { planDemandMaterials, type DemandMaterial, type DemandMaterialPlan, type DemandMaterialRef } from '../domain/demand-materials.js';
import { previewable, type UploadRecord } from '../domain/materials.js';
import { attachItem } from '../store/uploads.js';
import { uploadKeys, type PresignedDownload } from '../uploads.js';
import { uploadOwnerOf } from './uploads.js';
import type { Services } from './context.js';

export type DemandServices = Pick<Services, 'applications' | 'lists' | 'registry' | 'notifications' | 'demands' | 'uploads' | 'bucket' | 'now' | 'log'> & {
  config: Pick<Services['config'], 'demandResponseLimit' | 'calendar' | 'timeLimits' | 'materials'>;
};

export interface DemandInput {
  kind: DemandKind;
  industry: string;
  regionCode: string;
  title: string;
  description: string;
  expectedOutcome?: string;
  wantedBy?: string;
  /** Its files: uploads of the poster's (and, correcting, files the need has, kept by id). Correcting without it keeps them all. */
  materials?: DemandMaterialRef[];
}

export interface ResponseInput {
  proposal: string;
  startBy?: string;
  certificateNo?: string;
}

export interface CloseInput {
  outcome: string;
  rating: number;
  comment?: string;
  daysOnSite?: number;
  peopleTrained?: number;
}

const ATTEMPTS = 8;
const validation = (message: string, issues: { path: string; message: string }[]) => new DomainError('validation', message, { issues });

/** A need as callers read it in lists: with the names people read beside the codes. */
function listView(demand: Demand, clock: Clock) {
  const { version, responseCount: _count, matchedResponseIds: _matched, postedBy, overdueAt: _overdue, village, materials, ...rest } = demand;
  return {
    ...rest,
    // Where the bytes are is never said: a link of minutes reaches them (GET /v1/demands/{id}/materials/{materialId}).
    materials: materials.map(({ object: _object, ...file }) => file),
    version,
    kindName: demandKindNames[demand.kind],
    industryName: industries[demand.industry as keyof typeof industries] ?? demand.industry,
    regionName: regionPath(demand.regionCode),
    // 珠三角带粤东西北: the PRD city its region pairs with (functions/domain/pairing.ts), or null.
    pairedCity: cityView(prdPartnerOf(demand.regionCode)),
    statusName: demandStatusNames[demand.status],
    postedBy: { level: postedBy.level, region: postedBy.region, name: postedBy.name },
    village: village ? { region: village.region, name: village.name } : null,
    // A PENDING village need's countdown to its office's limit, as an application's task shows it (不计当天的工作日).
    confirmCountdown:
      demand.status === 'PENDING' && demand.confirmBy
        ? { overdue: clock.now.toISOString() > demand.confirmBy, workingDaysLeft: workingDaysLeft(clock.now, new Date(demand.confirmBy), clock.calendar) }
        : null,
  };
}

/** A city as views name it: its code and name (null for none). */
function cityView(code: string | undefined) {
  return code ? { code, name: findRegion(code)?.name ?? code } : null;
}

/** What a view's countdown is read against. */
type Clock = { now: Date; calendar: Calendar };
const clockOf = (s: DemandServices): Clock => ({ now: s.now(), calendar: s.config.calendar });

/** A response as `principal` is shown it: with its contact to the posting office and to the responder itself. */
function responseView(principal: Principal, demand: Demand, response: DemandResponse) {
  const { demandId: _demand, org: _org, respondedBy: _by, contact, ...rest } = response;
  const seesContact = isPostingOffice(principal, demand) || (principal.role === 'applicant' && principal.org === response.org);
  return seesContact ? { ...rest, contact } : rest;
}

function detailView(s: DemandServices, principal: Principal, demand: Demand, history: DemandEvent[], responses: DemandResponse[]) {
  const poster = isPostingOffice(principal, demand);
  const shown = poster || principal.role === 'admin' ? responses : responses.filter((r) => principal.role === 'applicant' && r.org === principal.org);
  return {
    ...listView(demand, clockOf(s)),
    responseCount: demand.responseCount,
    overdueAt: demand.overdueAt,
    mine: poster,
    ownVillage: isPostingVillage(principal, demand),
    history: isDemandInsider(principal, demand) ? history : history.map(publicEvent),
    responses: shown.map((response) => responseView(principal, demand, response)),
  };
}

/**
 * A history entry as everyone else reads it (a published need is the library's public face): who by name and office,
 * never an account's id; the confirmation's return and refusal without their comments and problems (the village's
 * and its office's business).
 */
function publicEvent(event: DemandEvent): DemandEvent {
  const { issues: _issues, ...rest } = event as DemandEvent & { issues?: unknown };
  const { sub: _sub, ...actor } = event.actor as DemandEvent['actor'] & { sub?: string };
  return { ...rest, actor: actor as DemandEvent['actor'], comment: event.action === 'return' || event.action === 'reject' ? null : event.comment };
}

/** Retries a change that lost to another (a response arriving at the same instant): read again, decide again. */
async function changeDemand(
  s: DemandServices,
  id: string,
  change: (whole: NonNullable<Awaited<ReturnType<DemandServices['demands']['getWhole']>>>, now: Date) => DemandChange | Promise<DemandChange>,
  onDuplicate?: () => never,
  onTaken?: (uploadId: string) => never,
) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const whole = await s.demands.getWhole(id);
    if (!whole) throw new DomainError('not_found', `需求 ${id.slice(0, 40)} 不存在`);
    const now = s.now();
    const planned = await change(whole, now);
    const outcome = await s.demands.recordChange(planned);
    if (outcome === 'recorded') return planned.next;
    if (outcome === 'duplicate') onDuplicate?.();
    if (outcome.startsWith('taken:')) onTaken?.(outcome.slice('taken:'.length));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
  }
  throw new DomainError('unavailable', `需求 ${id.slice(0, 40)} 正在被其他操作修改，请稍后重试`);
}

/** The fields of a need as the poster gave them. */
const fieldsOf = (input: DemandInput) => ({
  kind: input.kind,
  industry: input.industry,
  regionCode: input.regionCode,
  title: input.title,
  description: input.description,
  expectedOutcome: input.expectedOutcome ?? null,
  wantedBy: input.wantedBy ?? null,
});

/** When the confirming office's soft limit ends for a need sent to it now (TIME_LIMITS, its level's). */
const confirmByFrom = (s: DemandServices, level: DecidingLevel, now: Date) => deadlinesFrom(now, s.config.timeLimits[level], s.config.calendar).dueAt;

/**
 * The files a posting or a correction names, planned against the uploads as read now (the caller's, made for a need,
 * ready, attached nowhere) and the need's `current` files: 400 with every problem at `materials.<i>`, nothing stored.
 */
async function plannedFiles(s: DemandServices, principal: Principal, refs: readonly DemandMaterialRef[], current: readonly DemandMaterial[]) {
  const ids = refs.flatMap((ref) => ('uploadId' in ref ? [ref.uploadId] : []));
  const uploads = ids.length ? await s.uploads.getMany(ids, s.now()) : new Map<string, UploadRecord | undefined>();
  const plan = planDemandMaterials({ refs, uploads, owner: ids.length ? uploadOwnerOf(principal).owner : '', current, objectOf: (id) => uploadKeys.file(id), newId: () => ulid(s.now().getTime()) });
  if (plan.issues.length) throw validation('需求附件有误，请按提示逐项修改', plan.issues);
  return plan;
}

/** The attaches of a need's transaction: each upload, still as read (ready, attached nowhere, not swept), becomes the need's file. */
const attachesOf = (s: DemandServices, demandId: string, plan: DemandMaterialPlan, now: Date) =>
  plan.attach.map((a) => attachItem(s.demands.table, { uploadId: a.upload.id, demandId, materialId: a.material.id }, now));

/** An upload of the plan was attached elsewhere (or swept) between its reading and the need's write: 409, nothing stored. */
function takenConflict(refs: readonly DemandMaterialRef[], uploadId: string): never {
  const i = refs.findIndex((ref) => 'uploadId' in ref && ref.uploadId === uploadId);
  throw new DomainError('conflict', '需求附件已被占用，未保存', {
    issues: [{ path: `materials.${i}`, message: '该文件刚刚已用于另一条需求或申请（或已过期被清理），请重新上传' }],
  });
}

/** `POST /v1/demands`: an office posts a need inside its region, published at once; a village account in its village, PENDING until its office confirms it. */
export async function postDemand(s: DemandServices, principal: Principal, input: DemandInput) {
  if (principal.role === 'village') return postVillageDemand(s, principal, input);
  // Who may post, and where, first (403); then whether the region exists at a level a need is hosted at (400).
  assertMayPostDemand(principal, input.regionCode);
  if (!findRegion(input.regionCode) || !isDemandRegionLevel(input.regionCode)) {
    throw validation('需求内容有误', [{ path: 'regionCode', message: `区划代码 ${input.regionCode} 不存在，或不是县（区）、乡镇、村一级` }]);
  }
  const refs = input.materials ?? [];
  const plan = await plannedFiles(s, principal, refs, []);
  const now = s.now();
  const at = now.toISOString();
  const demand = newDemand(
    {
      id: ulid(now.getTime()),
      materials: plan.materials,
      ...fieldsOf(input),
      postedBy: { level: principal.level as DecidingLevel, region: principal.region!, sub: principal.sub, name: principal.name },
    },
    at,
  );
  const event: DemandEvent = { at, action: 'post', actor: actorOf(principal), comment: null };
  // Its wait for a first response: the sweeper flags it when DEMAND_RESPONSE_DAYS pass without one (flagUnansweredDemand).
  const answerBy = spanEnd(now, s.config.demandResponseLimit, s.config.calendar).toISOString();
  const outcome = await s.demands.create(
    demand,
    event,
    searchGrams(demand),
    [...s.demands.unansweredItems(demand.regionCode, 1), s.demands.agingItem(demand, answerBy)],
    attachesOf(s, demand.id, plan, now),
  );
  if (outcome.startsWith('taken:')) takenConflict(refs, outcome.slice('taken:'.length));
  if (outcome !== 'created') throw new DomainError('unavailable', '发布需求时存储繁忙，请稍后重试');
  s.log.info('demand posted', { demandId: demand.id, regionCode: demand.regionCode, kind: demand.kind });
  return detailView(s, principal, demand, [event], []);
}

export interface DemandQuery {
  region?: string;
  kind?: string;
  industry?: string;
  status?: string;
  q?: string;
  /** A PRD city's code: the needs of the 粤东西北 cities it pairs with. */
  pairedWith?: string;
  /** `mine`: the 粤东西北 cities paired with the caller's own city (its certified stations', or its office's). */
  pairing?: string;
  /** `mine`: the caller's own counties (its certified stations', or its office's or village's): "their own county first". */
  near?: string;
}

/** A village account's need: PENDING, on its office's to-confirm list (GET /v1/demands?status=PENDING), the office told. */
async function postVillageDemand(s: DemandServices, principal: Principal, input: DemandInput) {
  assertMayPostDemand(principal, input.regionCode);
  const refs = input.materials ?? [];
  const plan = await plannedFiles(s, principal, refs, []);
  const now = s.now();
  const at = now.toISOString();
  const office = confirmingOffice(input.regionCode, (code) => !!findRegion(code));
  const confirmBy = confirmByFrom(s, office.level, now);
  const demand = newDemand(
    // The office that confirms it then manages it as its own (picks responses, closes and rates), as the issue's journey has it.
    { id: ulid(now.getTime()), ...fieldsOf(input), materials: plan.materials, postedBy: { ...office, sub: principal.sub, name: `${findRegion(office.region)?.name ?? office.region}科协` } },
    at,
    { by: { region: principal.region!, sub: principal.sub, name: principal.name }, confirmBy },
  );
  const event: DemandEvent = { at, action: 'post', actor: actorOf(principal), comment: null };
  const outcome = await s.demands.create(demand, event, [], [...noticeItemsOf(s, [demandPendingNotice(demand, false, confirmBy)], now), s.demands.confirmWaitItem(demand, confirmBy)], attachesOf(s, demand.id, plan, now));
  if (outcome.startsWith('taken:')) takenConflict(refs, outcome.slice('taken:'.length));
  if (outcome !== 'created') throw new DomainError('unavailable', '提交需求时存储繁忙，请稍后重试');
  s.log.info('demand submitted by a village', { demandId: demand.id, regionCode: demand.regionCode, office: office.region });
  return detailView(s, principal, demand, [event], []);
}

/** The items a need's publishing writes beside its record (as an office's posting writes them): search postings, its region's unanswered count, its wait for a first response. */
function publishingItems(s: DemandServices, demand: Demand, now: Date) {
  const answerBy = spanEnd(now, s.config.demandResponseLimit, s.config.calendar).toISOString();
  return [...s.demands.gramItems(demand, searchGrams(demand)), ...s.demands.unansweredItems(demand.regionCode, 1), s.demands.agingItem(demand, answerBy)];
}

export interface DemandDecisionInput {
  action: DemandDecision;
  /** The version the office read (GET /v1/demands/{id}); left out, the need as it is now. */
  version?: number;
  comment?: string;
  issues?: DemandIssue[];
}

const decidedStatus = { approve: 'PUBLISHED', return: 'RETURNED', reject: 'REJECTED' } as const;

/**
 * `POST /v1/demands/{id}/decision`: the confirming office approves (PUBLISHED: its list entries, search postings,
 * counters and wait written as an office's posting writes them), returns (RETURNED, every problem at once) or rejects
 * (REJECTED) a village's PENDING need. One conditional write: of two decisions at once, one wins, the other is 409.
 */
export async function decideDemand(s: DemandServices, principal: Principal, id: string, input: DemandDecisionInput) {
  assertMayConfirmDemand(principal, await s.demands.get(id), id);
  // A decision that loses the race reads the need again and finds it decided: 409.
  await changeDemand(s, id, ({ demand }, now) => {
    if (demand.status !== 'PENDING') throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，不在待确认状态，不能再作决定`);
    // Decided over the version the office read: a correction arriving meanwhile is read before it is decided.
    if (input.version !== undefined && input.version !== demand.version) {
      throw new DomainError('conflict', '该需求在您审阅后已被修改，请刷新后重新审阅再作决定', { version: demand.version });
    }
    const at = now.toISOString();
    const status = decidedStatus[input.action];
    const issues = input.action === 'return' ? (input.issues ?? []) : [];
    const next: Demand = { ...demand, status, updatedAt: at, version: demand.version + 1, confirmBy: null, issues, publishedAt: status === 'PUBLISHED' ? at : null };
    return {
      expected: demand,
      next,
      event: { at, action: input.action, actor: actorOf(principal), comment: input.comment ?? null, ...(issues.length ? { issues } : {}) },
      effects: [
        ...(status === 'PUBLISHED' ? publishingItems(s, next, now) : []),
        ...noticeItemsOf(s, [demandDecidedNotice(demand, input.action, input.comment ?? null, issues)], now),
        s.demands.confirmWaitDone(demand.id),
      ],
    };
  });
  s.log.info('demand decided', { demandId: id, action: input.action });
  return getDemand(s, principal, id);
}

/** `PUT /v1/demands/{id}`: the village corrects its RETURNED need (checked as a posting is) and sends it back to its office, PENDING. */
export async function correctDemand(s: DemandServices, principal: Principal, id: string, input: DemandInput) {
  assertPostingVillage(principal, await s.demands.get(id), id, '修改重新提交');
  assertMayPostDemand(principal, input.regionCode);
  const refs = input.materials;
  await changeDemand(
    s,
    id,
    async ({ demand }, now) => {
      if (demand.status !== 'RETURNED') throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，只有被退回修改的需求可以修改重新提交`);
      // Named: the need's files become those listed (kept by id, new uploads attached); not named: they stay.
      const plan = refs ? await plannedFiles(s, principal, refs, demand.materials) : undefined;
      const at = now.toISOString();
      const confirmBy = confirmByFrom(s, demand.postedBy.level, now);
      const next: Demand = { ...demand, ...fieldsOf(input), materials: plan?.materials ?? demand.materials, status: 'PENDING', issues: [], confirmBy, updatedAt: at, version: demand.version + 1 };
      return {
        expected: demand,
        next,
        event: { at, action: 'resubmit', actor: actorOf(principal), comment: null },
        guarded: plan ? attachesOf(s, demand.id, plan, now) : [],
        effects: [...noticeItemsOf(s, [demandPendingNotice(next, true, confirmBy)], now), s.demands.confirmWaitItem(next, confirmBy)],
      };
    },
    undefined,
    (uploadId) => takenConflict(refs ?? [], uploadId),
  );
  s.log.info('demand resubmitted', { demandId: id });
  return getDemand(s, principal, id);
}

/** `POST /v1/demands/{id}/withdraw`: the village withdraws its need while it awaits its office or its own correction. */
export async function withdrawDemand(s: DemandServices, principal: Principal, id: string) {
  assertPostingVillage(principal, await s.demands.get(id), id, '撤回');
  await changeDemand(s, id, ({ demand }, now) => {
    if (!awaitsConfirmation(demand.status)) throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，只有待确认或被退回的需求可以撤回`);
    const at = now.toISOString();
    return {
      expected: demand,
      next: { ...demand, status: 'WITHDRAWN', confirmBy: null, updatedAt: at, version: demand.version + 1 },
      event: { at, action: 'withdraw', actor: actorOf(principal), comment: null },
      effects: [s.demands.confirmWaitDone(demand.id)],
    };
  });
  s.log.info('demand withdrawn', { demandId: id });
  return getDemand(s, principal, id);
}

/** `GET /v1/demands` with `pairedWith` or `pairing=mine`: the cities it covers, and the cities they were paired from. */
export interface PairingView {
  from: { code: string; name: string }[];
  cities: { code: string; name: string }[];
}

/**
 * `GET /v1/demands`: one list scope (or one gram's postings, for `q`), newest first; with `pairedWith` or
 * `pairing=mine`, the published needs of the paired cities: one Query per city merged (a region inside them: its own
 * scope; `q`: the gram's postings, kept to those cities). Every problem at once.
 */
export async function listDemands(
  s: DemandServices,
  principal: Principal,
  query: DemandQuery,
  page: PageRequest,
): Promise<Page<ReturnType<typeof listView>> & { pairing?: PairingView; near?: { counties: { code: string; name: string }[] } }> {
  const issues: { path: string; message: string }[] = [];
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const region = given(query.region);
  if (region !== undefined && (!/^\d+$/.test(region) || !findRegion(region))) issues.push({ path: 'region', message: `区划代码 ${region.slice(0, 20)} 不存在或不在广东省内` });
  const kind = given(query.kind);
  if (kind !== undefined && !(demandKinds as readonly string[]).includes(kind)) issues.push({ path: 'kind', message: `未知的需求类别 ${kind.slice(0, 20)}，可选：${demandKinds.join('、')}` });
  const industry = given(query.industry);
  if (industry !== undefined && !(industry in industries)) issues.push({ path: 'industry', message: `未知的产业 ${industry.slice(0, 20)}，可选：${Object.keys(industries).join('、')}` });
  const statusText = given(query.status);
  if (statusText !== undefined && !(demandStatuses as readonly string[]).includes(statusText)) issues.push({ path: 'status', message: `未知的状态 ${statusText.slice(0, 20)}，可选：${demandStatuses.join('、')}` });
  const q = given(query.q);
  const normalised = q === undefined ? undefined : normaliseQuery(q);
  if (q !== undefined && (q.length > 50 || !normalised || !queryGram(normalised))) {
    issues.push({ path: 'q', message: '搜索词须含至少两个相连的字（汉字、字母或数字），不超过 50 个字符' });
  }
  const pairing = await pairingOf(s, principal, given(query.pairedWith), given(query.pairing), issues);
  const near = await nearOf(s, principal, given(query.near), issues);
  if (near && (pairing || region !== undefined)) issues.push({ path: 'near', message: 'near=mine 不能与 region、pairedWith、pairing 同时给出' });
  if (near && statusText !== undefined && !publicDemandStatuses.has(statusText as DemandStatus) && (demandStatuses as readonly string[]).includes(statusText)) {
    issues.push({ path: 'status', message: '本县（区）的需求只列已发布的：状态可选 PUBLISHED、MATCHED、CLOSED' });
  }
  if (pairing) {
    if (statusText !== undefined && !publicDemandStatuses.has(statusText as DemandStatus) && (demandStatuses as readonly string[]).includes(statusText)) {
      issues.push({ path: 'status', message: '结对帮扶地区只列已发布的需求：状态可选 PUBLISHED、MATCHED、CLOSED' });
    }
    if (region !== undefined && findRegion(region) && !pairing.cities.some((city) => region.startsWith(city.code))) {
      issues.push({ path: 'region', message: `${regionPath(region)} 不在结对帮扶地区（${pairing.cities.map((c) => c.name).join('、') || '无'}）内` });
    }
  }
  if (issues.length) throw validation('查询条件有误', issues);
  const status = (statusText ?? 'PUBLISHED') as DemandStatus;
  const view = (found: Page<Demand>) => ({ items: found.items.map((d) => listView(d, clockOf(s))), cursor: found.cursor });
  if (near) {
    // The caller's own counties, one Query each merged (or a word's postings kept to them), as the paired cities are.
    const counties = new Set(near.map((c) => c.code));
    const found = normalised
      ? await s.demands.search(queryGram(normalised)!, { region: PROVINCE, kind, industry }, page, (d) => d.status === status && counties.has(d.regionCode.slice(0, 6)) && matchesQuery(d, normalised))
      : await s.demands.listMerged([...counties].map((county) => ({ status, region: county, kind, industry })), page);
    return { ...view(found), near: { counties: near } };
  }
  if (pairing) {
    const cities = new Set(pairing.cities.map((c) => c.code));
    const found = !cities.size
      ? { items: [], cursor: null }
      : region !== undefined
        ? normalised
          ? await s.demands.search(queryGram(normalised)!, { region, kind, industry }, page, (d) => d.status === status && matchesQuery(d, normalised))
          : await s.demands.list({ region, kind, industry, status }, page)
        : normalised
          ? // The gram's postings of the province, kept to the paired cities' (bounded reads, as every search).
            await s.demands.search(queryGram(normalised)!, { region: PROVINCE, kind, industry }, page, (d) => d.status === status && cities.has(d.regionCode.slice(0, 4)) && matchesQuery(d, normalised))
          : await s.demands.listMerged([...cities].map((city) => ({ status, region: city, kind, industry })), page);
    return { ...view(found), pairing };
  }
  const scope = demandListRegionFor(principal, region === PROVINCE ? undefined : region, status);
  const filter = { region: scope, kind, industry };
  if (normalised && !publicDemandStatuses.has(status)) {
    // Needs not published have no postings (a word's postings are written with the publishing): an office's to-confirm
    // list and a village's own are few, read as listed and kept to those holding the words (a page may come back short,
    // with its cursor).
    const listed = await s.demands.list({ ...filter, status }, page);
    return view({ items: listed.items.filter((d) => matchesQuery(d, normalised)), cursor: listed.cursor });
  }
  const found = normalised
    ? await s.demands.search(queryGram(normalised)!, filter, page, (d) => d.status === status && matchesQuery(d, normalised))
    : await s.demands.list({ ...filter, status }, page);
  return view(found);
}

const prdNames = () => prdCities.map((code) => `${findRegion(code)?.name ?? code}（${code}）`).join('、');

/**
 * The cities a paired list covers: `pairedWith`'s (a PRD city's code), or, for `pairing=mine`, those paired with the
 * caller's own city: an organisation's, where its ACTIVE stations are; an office's or a village's, its region's.
 * Undefined when neither is asked; each problem pushed to `issues` at its parameter.
 */
async function pairingOf(
  s: DemandServices,
  principal: Principal,
  pairedWith: string | undefined,
  mode: string | undefined,
  issues: { path: string; message: string }[],
): Promise<PairingView | undefined> {
  if (pairedWith === undefined && mode === undefined) return undefined;
  if (pairedWith !== undefined && mode !== undefined) {
    issues.push({ path: 'pairing', message: 'pairing 与 pairedWith 只能给出一个' });
    return undefined;
  }
  let from: string[] = [];
  if (pairedWith !== undefined) {
    const found = /^\d{4}$/.test(pairedWith) ? findRegion(pairedWith) : undefined;
    if (!found || found.level !== 'city') issues.push({ path: 'pairedWith', message: `${pairedWith.slice(0, 20)} 不是广东省地级市的区划代码（4 位），珠三角城市为：${prdNames()}` });
    else if (!isPrdCity(pairedWith)) issues.push({ path: 'pairedWith', message: `${found.name}（${pairedWith}）不是珠三角城市；结对帮扶由珠三角城市带粤东西北城市，可选：${prdNames()}` });
    else from = [pairedWith];
  } else if (mode !== 'mine') {
    issues.push({ path: 'pairing', message: 'pairing 只能为 mine（本单位所在城市的结对帮扶地区）' });
  } else {
    const own = await ownCitiesOf(s, principal);
    from = own.filter(isPrdCity);
    // Asked of an account without a city (the province, an administrator): bad input. An organisation without a
    // station yet, or one outside the delta, simply has no paired cities: an empty list, `pairing.cities` empty.
    if (!own.length && principal.role !== 'applicant') {
      issues.push({ path: 'pairing', message: '省级、管理员账号没有所在城市，请以 pairedWith 指定珠三角城市' });
    }
  }
  const cities = [...new Set(from.flatMap(pairedCitiesOf))];
  return { from: from.map((code) => cityView(code)!), cities: cities.map((code) => cityView(code)!) };
}

/**
 * `near=mine`: the caller's own counties (an organisation's ACTIVE stations', an office's or a village's), or
 * undefined when not asked; a problem pushed to `issues` at `near`.
 */
async function nearOf(s: DemandServices, principal: Principal, mode: string | undefined, issues: { path: string; message: string }[]) {
  if (mode === undefined) return undefined;
  if (mode !== 'mine') {
    issues.push({ path: 'near', message: 'near 只能为 mine（本单位所在县（区）的需求）' });
    return undefined;
  }
  const codes =
    principal.role === 'applicant' && principal.org
      ? (await activeStationsOf(s, principal.org, s.now())).flatMap((st) => (st.regionCode.length >= 6 ? [st.regionCode.slice(0, 6)] : []))
      : principal.region && principal.region.length >= 6
        ? [principal.region.slice(0, 6)]
        : [];
  if (!codes.length) {
    issues.push({ path: 'near', message: principal.role === 'applicant' ? '本单位没有有效证书的县级以下站点，无从确定所在县（区）' : '本账号的辖区不在一个县（区）之内，请以 region 指定地区' });
    return undefined;
  }
  return [...new Set(codes)].map((code) => cityView(code)!);
}

/** The caller's own cities: an organisation's ACTIVE stations', an office's or a village's region's (none for the province, admins). */
async function ownCitiesOf(s: DemandServices, principal: Principal): Promise<string[]> {
  if (principal.role === 'applicant' && principal.org) {
    const stations = await activeStationsOf(s, principal.org, s.now());
    return [...new Set(stations.flatMap((st) => cityOf(st.regionCode) ?? []))];
  }
  const city = principal.region ? cityOf(principal.region) : undefined;
  return city ? [city] : [];
}

/** How many stations a need shows as near it. */
export const NEARBY_STATIONS = 10;

/**
 * The ACTIVE stations already near a need (issue 17's 'each need shows the stations already near it'): those of its
 * township first, then the rest of its county, at most NEARBY_STATIONS, newest first in each. One registry Query per
 * level (the status index of the region's scope), the second only when the first leaves room.
 */
async function nearbyStations(s: Pick<DemandServices, 'registry'>, regionCode: string) {
  const scopes = [
    ...(regionCode.length >= 9 ? [{ scope: 'township' as const, code: regionCode.slice(0, 9) }] : []),
    ...(regionCode.length >= 6 ? [{ scope: 'county' as const, code: regionCode.slice(0, 6) }] : []),
  ];
  const near: { certificateNo: string; name: string; type: string; typeName: string; regionCode: string; regionName: string; scope: 'township' | 'county' }[] = [];
  for (const { scope, code } of scopes) {
    if (near.length >= NEARBY_STATIONS) break;
    // One more than the room left: the township's own appear again in the county's page.
    const page = await s.registry.query({ region: code, status: 'ACTIVE' }, { limit: NEARBY_STATIONS + near.length, cursor: null });
    for (const record of page.items) {
      if (near.length >= NEARBY_STATIONS || near.some((n) => n.certificateNo === record.certificateNo)) continue;
      near.push({
        certificateNo: record.certificateNo,
        name: record.name,
        type: record.type,
        typeName: typeBasics[record.type as ApplicationType]?.name ?? record.type,
        regionCode: record.regionCode,
        regionName: regionPath(record.regionCode),
        scope,
      });
    }
  }
  return near;
}

/** `GET /v1/demands/{id}`: the need, with the stations already near it. */
export async function getDemand(s: DemandServices, principal: Principal, id: string) {
  const whole = await s.demands.getWhole(id);
  const demand = assertDemandVisible(principal, whole?.demand, id);
  return { ...detailView(s, principal, demand, whole!.history, whole!.responses), nearby: await nearbyStations(s, demand.regionCode) };
}

/**
 * `GET /v1/demands/{id}/materials/{materialId}`: a presigned GET of that file for a few minutes, to whoever may see the
 * need (GET /v1/demands/{id}'s rule: a pending need's only to its village and the offices over it); 404 otherwise.
 */
export async function demandMaterialLink(s: DemandServices, principal: Principal, id: string, materialId: string): Promise<PresignedDownload> {
  const demand = assertDemandVisible(principal, await s.demands.get(id), id);
  const file = demand.materials.find((m) => m.id === materialId);
  if (!file) throw new DomainError('not_found', `需求 ${id.slice(0, 40)} 没有编号为 ${materialId.slice(0, 40)} 的附件`);
  return s.bucket.presignDownload(file.object, {
    fileName: file.fileName,
    contentType: file.contentType,
    inline: previewable(file.contentType),
    expiresIn: s.config.materials.downloadUrlSeconds,
    signingDate: s.now(),
  });
}

/** The organisation's ACTIVE certificates, newest first, each with its station's contact from the approved application. */
async function activeStationsOf(s: DemandServices, org: string, now: Date) {
  const stations: { certificateNo: string; name: string; organisation: string; regionCode: string; contact: DemandResponse['contact'] }[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<DemandServices['lists']['listByOwner']>> = await s.lists.listByOwner(org, { limit: 100, cursor }, { status: 'APPROVED' });
    for (const app of page.items) {
      if (!app.certificateNo) continue;
      const record = await s.registry.getCertificate(app.certificateNo);
      if (!record || statusAt(record, now) !== 'ACTIVE') continue;
      const contact = (app.form as { contact?: { name?: string; mobile?: string; email?: string } }).contact ?? {};
      stations.push({
        certificateNo: record.certificateNo,
        name: record.name,
        organisation: record.organisation,
        regionCode: record.regionCode,
        contact: { name: String(contact.name ?? ''), mobile: String(contact.mobile ?? ''), ...(contact.email ? { email: String(contact.email) } : {}) },
      });
    }
    cursor = page.cursor;
  } while (cursor);
  return stations;
}

/** `POST /v1/demands/{id}/responses`: an organisation with an ACTIVE certificate, once per need. */
export async function respondToDemand(s: DemandServices, principal: Principal, id: string, input: ResponseInput) {
  const org = assertMayRespond(principal);
  assertDemandVisible(principal, await s.demands.get(id), id);
  const stations = await activeStationsOf(s, org, s.now());
  if (!stations.length) throw new DomainError('forbidden', '本单位没有有效的站点或协会证书，不能响应需求（证书须已批准且在有效期内）');
  let station = stations[0];
  if (input.certificateNo) {
    const chosen = stations.find((st) => st.certificateNo === input.certificateNo);
    if (!chosen) throw validation('响应内容有误', [{ path: 'certificateNo', message: `${input.certificateNo} 不是本单位的有效证书，可选：${stations.map((st) => st.certificateNo).join('、')}` }]);
    station = chosen;
  } else if (stations.length > 1) {
    throw validation('响应内容有误', [{ path: 'certificateNo', message: `本单位有多个有效证书，请选择以哪个站点响应：${stations.map((st) => `${st.certificateNo}（${st.name}）`).join('、')}` }]);
  }
  const duplicate = (): never => {
    throw new DomainError('conflict', '本单位已响应过该需求，每个单位对同一需求只能响应一次');
  };
  let created: DemandResponse | undefined;
  const next = await changeDemand(
    s,
    id,
    ({ demand, responses }, now) => {
      if (responses.some((r) => r.org === org)) duplicate();
      if (demand.status !== 'PUBLISHED') throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，不再征集响应`);
      const at = now.toISOString();
      const response: DemandResponse = {
        id: ulid(now.getTime()),
        demandId: demand.id,
        org,
        certificateNo: station.certificateNo,
        stationName: station.name,
        organisationName: station.organisation,
        proposal: input.proposal,
        startBy: input.startBy ?? null,
        contact: station.contact,
        respondedAt: at,
        status: 'SUBMITTED',
        respondedBy: { sub: principal.sub, name: principal.name },
      };
      created = response;
      return {
        expected: demand,
        next: { ...demand, responseCount: demand.responseCount + 1, updatedAt: at, version: demand.version + 1 },
        event: { at, action: 'respond', actor: actorOf(principal), comment: `${station.name}响应` },
        guarded: [s.demands.responseItem(response)],
        effects: [
          ...noticeItemsOf(s, [demandResponseNotice(demand, station.name)], now),
          // Its first response: the need no longer counts among its region's unanswered ones (GET /v1/gaps), nor
          // among those unanswered too long if the sweeper had flagged it; its wait is over.
          ...(demand.responseCount === 0 ? [...s.demands.unansweredItems(demand.regionCode, -1), s.demands.agingDone(demand.id)] : []),
          ...(demand.responseCount === 0 && demand.overdueAt ? s.demands.overdueItems(demand.regionCode, -1) : []),
        ],
      };
    },
    duplicate,
  );
  s.log.info('demand response', { demandId: id, certificateNo: station.certificateNo });
  return responseView(principal, next, created!);
}

/** `POST /v1/demands/{id}/match`: the posting office picks one or more responses; each responder is told. */
export async function matchDemand(s: DemandServices, principal: Principal, id: string, responseIds: string[]) {
  assertPostingOffice(principal, await s.demands.get(id), id, '选定对接单位');
  const next = await changeDemand(s, id, ({ demand, responses }, now) => {
    if (demand.status !== 'PUBLISHED') throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，不能再选定对接单位`);
    const issues = responseIds.flatMap((rid, i) => (responses.some((r) => r.id === rid) ? [] : [{ path: `responseIds.${i}`, message: `${rid.slice(0, 40)} 不是该需求的响应` }]));
    if (issues.length) throw validation('选定的响应有误', issues);
    const picked = responses.filter((r) => responseIds.includes(r.id));
    const at = now.toISOString();
    const matched: Demand = { ...demand, status: 'MATCHED', matchedResponseIds: picked.map((r) => r.id), matchedAt: at, updatedAt: at, version: demand.version + 1 };
    return {
      expected: demand,
      next: matched,
      event: { at, action: 'match', actor: actorOf(principal), comment: `选定：${picked.map((r) => r.stationName).join('、')}`, responseIds: matched.matchedResponseIds },
      guarded: picked.map((r) => s.demands.matchedResponseItem(r)),
      effects: [
        ...picked.map((r) => s.demands.certificateLinkItem(r.certificateNo, linkOf(matched, null))),
        ...noticeItemsOf(s, picked.map((r) => demandMatchedNotice(demand, r.org, r.stationName)), now),
      ],
    };
  });
  s.log.info('demand matched', { demandId: id, responses: next.matchedResponseIds.length });
  return getDemand(s, principal, id);
}

function linkOf(demand: Demand, closure: Closure | null): CertificateDemand {
  return {
    demandId: demand.id,
    title: demand.title,
    kind: demand.kind,
    regionCode: demand.regionCode,
    matchedAt: demand.matchedAt!,
    status: closure ? 'CLOSED' : 'MATCHED',
    closedAt: closure?.closedAt ?? null,
    rating: closure?.rating ?? null,
    outcome: closure?.outcome ?? null,
  };
}

/** `POST /v1/demands/{id}/close`: the posting office closes a matched need with what was done and its rating, once. */
export async function closeDemand(s: DemandServices, principal: Principal, id: string, input: CloseInput) {
  assertPostingOffice(principal, await s.demands.get(id), id, '办结评价');
  await changeDemand(s, id, ({ demand, responses }, now) => {
    if (demand.status === 'CLOSED') throw new DomainError('conflict', '该需求已办结并评价，不能重复评价');
    if (demand.status !== 'MATCHED') throw new DomainError('conflict', `该需求${demandStatusNames[demand.status]}，选定对接单位后才能办结评价`);
    const at = now.toISOString();
    const closure: Closure = {
      outcome: input.outcome,
      rating: input.rating as Closure['rating'],
      comment: input.comment ?? null,
      daysOnSite: input.daysOnSite ?? null,
      peopleTrained: input.peopleTrained ?? null,
      closedAt: at,
    };
    const closed: Demand = { ...demand, status: 'CLOSED', closure, updatedAt: at, version: demand.version + 1 };
    const matched = responses.filter((r) => demand.matchedResponseIds.includes(r.id));
    return {
      expected: demand,
      next: closed,
      event: { at, action: 'close', actor: actorOf(principal), comment: `${input.rating} 星${input.comment ? `：${input.comment}` : ''}` },
      effects: [
        ...matched.map((r) => s.demands.certificateLinkItem(r.certificateNo, linkOf(closed, closure))),
        ...noticeItemsOf(s, matched.map((r) => demandClosedNotice(demand, r.org, input.rating, input.comment ?? null)), now),
      ],
    };
  });
  s.log.info('demand closed', { demandId: id, rating: input.rating });
  return getDemand(s, principal, id);
}

// --- the plan's gaps (GET /v1/gaps) -------------------------------------------------------------------------------

/** What a level's regions are checked for: the plan's station of that level (its coverage goal) and unanswered needs. */
const gapRules: Record<string, { goal?: string; kind?: string; name?: string }> = {
  county: { goal: 'county-consortium-stations', kind: 'consortium-station', name: '尚无乡村振兴学会联合体科技服务站' },
  township: { goal: 'township-associations', kind: 'township-association', name: '尚无乡镇科协' },
  village: { goal: 'village-rural-tech-associations', kind: 'rural-tech-association', name: '尚无农村专业技术协会（农技协）' },
};

export interface GapItem {
  regionCode: string;
  name: string;
  /**
   * A station's kind lacking in the region itself (a county, township or village); for a city in the province's list,
   * `count` says how many of its counties lack it.
   */
  missing: ({ kind: string; name: string; count?: number } | { kind: 'unanswered-demands' | 'overdue-demands'; name: string; count: number })[];
}

/**
 * `GET /v1/gaps?region=`: for each region directly under `region` (the province's cities, a city's counties, a county's
 * townships, a township's villages), what the plan still lacks there. Officials: their own region (the default) or
 * inside it; administrators: any. BatchGets of markers and counters kept by the approvals' and the needs' own
 * transactions.
 */
export async function listGaps(s: DemandServices, principal: Principal, asked: string | undefined): Promise<{ items: GapItem[]; cursor: null }> {
  if (principal.role !== 'official' && principal.role !== 'admin') throw new DomainError('forbidden', '缺口清单仅限各级办公室和管理员查看');
  const region = asked?.trim() || (principal.role === 'official' ? principal.region! : undefined);
  const found = region ? findRegion(region) : undefined;
  if (!region || !found || found.level === 'village') {
    throw validation('查询条件有误', [{ path: 'region', message: '请给出省（44）、市（4位）、县（6位）或乡镇（9位）区划代码：列出其下各市、县、乡镇或村的缺口' }]);
  }
  if (principal.role === 'official' && principal.region !== PROVINCE && !region.startsWith(principal.region!)) {
    throw new DomainError('forbidden', `只能查看本辖区（${principal.region}）的缺口`);
  }
  if (found.level === 'province') return { items: await provinceGaps(s), cursor: null };
  const children = childrenOf(region);
  const level = { city: 'county', county: 'township', township: 'village' }[found.level as 'city' | 'county' | 'township'];
  const rule = gapRules[level];
  const { covered, unanswered, overdue } = await s.demands.gapsOf(
    children.map((c) => c.code),
    rule.goal,
  );
  const items = children.map((child) => {
    const missing: GapItem['missing'] = [];
    if (rule.kind && !covered.has(child.code)) missing.push({ kind: rule.kind, name: rule.name! });
    if (level !== 'village') missing.push(...demandGaps(s, unanswered.get(child.code) ?? 0, overdue.get(child.code) ?? 0));
    return { regionCode: child.code, name: child.name, missing };
  });
  return { items, cursor: null };
}

/** A region's needs without a response, and of those the ones past the wait: its counters, as two gap entries. */
function demandGaps(s: DemandServices, open: number, late: number): GapItem['missing'] {
  return [
    ...(open > 0 ? [{ kind: 'unanswered-demands' as const, name: `${open} 条已发布需求尚无响应`, count: open }] : []),
    ...(late > 0 ? [{ kind: 'overdue-demands' as const, name: `其中 ${late} 条发布已满${spanText(s.config.demandResponseLimit)}仍无响应`, count: late }] : []),
  ];
}

/**
 * The province's cities: how many of each city's counties have no 乡村振兴学会联合体科技服务站 (the coverage markers of
 * all 124 counties) and the city's counters of needs without a response (2 × 21): 166 keys, two BatchGets.
 */
async function provinceGaps(s: DemandServices): Promise<GapItem[]> {
  const rule = gapRules.county;
  const cities = childrenOf(PROVINCE).map((city) => ({ ...city, counties: childrenOf(city.code) }));
  const { covered, unanswered, overdue } = await s.demands.gapsOf(
    cities.map((c) => c.code),
    rule.goal,
    cities.flatMap((c) => c.counties.map((county) => county.code)),
  );
  return cities.map((city) => {
    const lacking = city.counties.filter((county) => !covered.has(county.code)).length;
    const missing: GapItem['missing'] = lacking ? [{ kind: rule.kind!, name: `${lacking} 个县（区）${rule.name}`, count: lacking }] : [];
    missing.push(...demandGaps(s, unanswered.get(city.code) ?? 0, overdue.get(city.code) ?? 0));
    return { regionCode: city.code, name: city.name, missing };
  });
}
