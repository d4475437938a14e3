// The use cases of drafts (草稿): an applicant organisation's applications as typed so far, saved as it types and
// resumed after a reload or on another device; and, while the form is filled in, whether the chosen host region can
// still take the type (the plan's one-per-region rule), told before the submission is.
import { ulid } from 'ulid';
import { catalogue, checkPlacement, isApplicationType, type ApplicationType } from '#forms/catalogue.js';
import { fieldIssues } from '#forms/fields.js';
import { findMaterial } from '#forms/materials.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { MAX_DRAFTS, draftExpiry, draftTitle, type DraftMaterial, type DraftRecord } from '../domain/drafts.js';
import type { UploadRecord } from '../domain/materials.js';
import { draftCreateSchema, draftSaveSchema } from '../http/draft-schemas.js';
import { findRegion } from '../regions/index.js';
import type { DraftStore } from '../store/drafts.js';
import { keepItem } from '../store/uploads.js';
import type { Services } from './context.js';
import { duplicateError } from './applications.js';

export type DraftServices = Pick<Services, 'config' | 'uploads' | 'applications' | 'now' | 'log'> & { drafts: DraftStore };

type Issue = { path: string; message: string };

export interface DraftMaterialView extends DraftMaterial {
  fileName: string;
  contentType: string;
  size: number;
  status: 'pending' | 'ready' | 'refused' | 'gone';
  reason?: string;
}

function assertMayDraft(principal: Principal): string {
  if (principal.role !== 'applicant' || !principal.org) throw new DomainError('forbidden', '仅限申请单位保存申请草稿');
  return principal.org;
}

const notFound = (id: string) => new DomainError('not_found', `草稿 ${id} 不存在、已删除或已过期（草稿最后保存后保留 30 天）`);

function summaryOf(draft: DraftRecord) {
  return {
    id: draft.id,
    type: draft.type,
    typeName: catalogue[draft.type].name,
    title: draftTitle(draft),
    regionCode: draft.regionCode,
    version: draft.version,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    updatedBy: { name: draft.updatedBy.name },
    expiresAt: draft.expiresAt,
  };
}

function materialView(ref: DraftMaterial, upload: UploadRecord | undefined, org: string): DraftMaterialView {
  if (!upload || upload.org !== org || upload.attachedTo || (upload.status as string) === 'retired') {
    return { ...ref, fileName: '', contentType: '', size: 0, status: 'gone', reason: '文件已过期或已用于一份申请，请重新上传' };
  }
  const base = { ...ref, fileName: upload.fileName, contentType: upload.checked?.contentType ?? upload.contentType, size: upload.checked?.size ?? upload.size };
  if (upload.status === 'refused') return { ...base, status: 'refused', reason: upload.refusal?.reason ?? '文件未通过检查' };
  return { ...base, status: upload.status === 'ready' ? 'ready' : 'pending' };
}

async function viewOf(s: DraftServices, draft: DraftRecord, read?: Map<string, UploadRecord | undefined>, dropped: Issue[] = []) {
  const uploads = read ?? (await s.uploads.getMany(draft.materials.map((m) => m.uploadId), s.now()));
  return {
    ...summaryOf(draft),
    form: draft.form,
    materials: draft.materials.map((ref) => materialView(ref, uploads.get(ref.uploadId), draft.org)),
    ...(dropped.length ? { dropped } : {}),
  };
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof fieldIssues>[0] } }, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new DomainError('validation', '草稿内容有误', { issues: fieldIssues(result.error) });
}

/** Each reference names a material of the type's list, and an upload at most once. */
function referenceIssues(type: ApplicationType, materials: DraftMaterial[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  materials.forEach((ref, i) => {
    if (!findMaterial(type, ref.key)) issues.push({ path: `materials.${i}.key`, message: `${catalogue[type].name}的材料清单中没有 ${ref.key}` });
    if (seen.has(ref.uploadId)) issues.push({ path: `materials.${i}.uploadId`, message: '同一个上传只能列一次' });
    seen.add(ref.uploadId);
  });
  return issues;
}

/**
 * Writes the draft with what keeps its uploads: the ready ones of the organisation, attached nowhere, kept to the
 * draft's expiry in the same transaction; pending ones are named (kept at the first save after their check); the
 * others are left out and said (`dropped`). An upload that changed between the read and the write (the sweeper, a
 * submission) is read again, once.
 */
async function write(s: DraftServices, draft: DraftRecord, wanted: DraftMaterial[]) {
  for (let attempt = 0; ; attempt++) {
    const uploads = await s.uploads.getMany(wanted.map((m) => m.uploadId), s.now());
    const dropped: Issue[] = [];
    const kept: DraftMaterial[] = [];
    wanted.forEach((ref, i) => {
      const view = materialView(ref, uploads.get(ref.uploadId), draft.org);
      if (view.status === 'gone' || view.status === 'refused') dropped.push({ path: `materials.${i}`, message: view.reason! });
      else kept.push(ref);
    });
    const next = { ...draft, materials: kept };
    const keep = kept.flatMap((ref) => {
      const upload = uploads.get(ref.uploadId)!;
      return upload.status === 'ready' && upload.expiresAt && upload.expiresAt < next.expiresAt
        ? [keepItem(s.config.tableName, { uploadId: upload.id, org: draft.org, seen: upload.expiresAt, until: next.expiresAt })]
        : [];
    });
    const outcome = await s.drafts.write(next, keep);
    if (outcome === 'written') return viewOf(s, next, uploads, dropped);
    if (outcome === 'stale') throw staleError();
    if (attempt >= 1) throw new DomainError('conflict', '保存冲突，请重试');
  }
}

const staleError = () =>
  new DomainError('conflict', '草稿已在其他页面或设备上保存过（或已删除），为免覆盖，本次未保存：请刷新后再编辑');

/** `POST /v1/drafts`: a new draft of a type, with whatever is typed so far. */
export async function createDraft(s: DraftServices, principal: Principal, body: unknown) {
  const org = assertMayDraft(principal);
  const input = parsed(draftCreateSchema, body);
  const materials = input.materials ?? [];
  const issues = referenceIssues(input.type, materials);
  if (issues.length) throw new DomainError('validation', '草稿内容有误', { issues });
  const now = s.now();
  // A soft bound: two drafts created in the same instant may both pass it.
  if ((await s.drafts.list(org, now, MAX_DRAFTS + 5)).length >= MAX_DRAFTS) {
    throw new DomainError('conflict', `草稿已有 ${MAX_DRAFTS} 份（上限），请先提交或删除不再需要的草稿`);
  }
  const at = now.toISOString();
  const draft: DraftRecord = {
    id: ulid(now.getTime()),
    org,
    type: input.type,
    regionCode: input.regionCode ?? '',
    form: input.form ?? {},
    materials,
    version: 1,
    createdAt: at,
    updatedAt: at,
    updatedBy: { sub: principal.sub, name: principal.name },
    expiresAt: draftExpiry(now),
  };
  const view = await write(s, draft, materials);
  s.log.info('draft created', { draftId: draft.id, type: draft.type });
  return view;
}

/** `PUT /v1/drafts/{id}`: the draft as it stands now, over the version the page read (else 409, nothing saved). */
export async function saveDraft(s: DraftServices, principal: Principal, id: string, body: unknown) {
  const org = assertMayDraft(principal);
  const input = parsed(draftSaveSchema, body);
  const now = s.now();
  const found = /^[0-9A-Z]{26}$/.test(id) ? await s.drafts.get(org, id, now) : undefined;
  if (!found) throw notFound(id);
  const materials = input.materials ?? [];
  const issues = referenceIssues(found.type, materials);
  if (issues.length) throw new DomainError('validation', '草稿内容有误', { issues });
  if (found.version !== input.version) throw staleError();
  const draft: DraftRecord = {
    ...found,
    regionCode: input.regionCode ?? '',
    form: input.form ?? {},
    materials,
    version: found.version + 1,
    updatedAt: now.toISOString(),
    updatedBy: { sub: principal.sub, name: principal.name },
    expiresAt: draftExpiry(now),
  };
  return write(s, draft, materials);
}

/**
 * Drafts one list reads: the limit is soft (saves racing at one instant may each pass it), and a draft over it must
 * still be listed, to be resumed or deleted (each keeps its files until it expires).
 */
const LISTED_DRAFTS = 100;

/** `GET /v1/drafts`: the organisation's drafts, newest first (MAX_DRAFTS, or a few over after a burst; one page). */
export async function listDrafts(s: DraftServices, principal: Principal) {
  const org = assertMayDraft(principal);
  const drafts = await s.drafts.list(org, s.now(), LISTED_DRAFTS);
  return { items: drafts.map((draft) => ({ ...summaryOf(draft), materials: draft.materials.length })), cursor: null };
}

export async function getDraft(s: DraftServices, principal: Principal, id: string) {
  const org = assertMayDraft(principal);
  const found = /^[0-9A-Z]{26}$/.test(id) ? await s.drafts.get(org, id, s.now()) : undefined;
  if (!found) throw notFound(id);
  return viewOf(s, found);
}

/** `DELETE /v1/drafts/{id}`: gone (its uploads end with the time they were kept to, unless submitted before). */
export async function deleteDraft(s: DraftServices, principal: Principal, id: string): Promise<void> {
  const org = assertMayDraft(principal);
  if (!/^[0-9A-Z]{26}$/.test(id) || (await s.drafts.delete(org, id)) === 'missing') throw notFound(id);
}

/**
 * `GET /v1/availability?type=&regionCode=`: whether the region can take an application of the type now, told while
 * the form is filled in: the region's own checks (exists, in Guangdong, a level the type takes) as 400, and for a
 * type the plan allows once per region, whether another application or certificate holds it (as the submission's
 * 409 would say). Only reads; the submission's transaction still decides.
 */
export async function hostAvailability(s: Pick<Services, 'applications'>, principal: Principal, query: { type?: string; regionCode?: string }) {
  if (principal.role !== 'applicant') throw new DomainError('forbidden', '仅限申请单位查询承办地区可否申请');
  const issues: Issue[] = [];
  if (!isApplicationType(query.type)) issues.push({ path: 'type', message: '请给出申报类型（GET /v1/forms 的 type）' });
  const regionCode = query.regionCode?.trim() ?? '';
  const region = /^\d{2,12}$/.test(regionCode) ? findRegion(regionCode) : undefined;
  if (!region) issues.push({ path: 'regionCode', message: regionCode ? `区划代码 ${regionCode} 不存在或不在广东省内` : '请给出所选承办地区的区划代码' });
  else if (isApplicationType(query.type)) issues.push(...checkPlacement(query.type, region.level, {}).filter((issue) => issue.path === 'regionCode'));
  if (issues.length) throw new DomainError('validation', '查询条件有误', { issues });
  const type = query.type as ApplicationType;
  const unique = catalogue[type].unique;
  const taken = unique ? await s.applications.guardHolder(type, regionCode) : undefined;
  const message = taken ? (await duplicateError(s, type, regionCode)).message : null;
  return { type, regionCode, regionName: region!.name, unique, available: !taken, message };
}
