// The use cases of an upload: a slot to send one file straight to the bucket, and what its check found (the check
// runs where the bytes land: functions/services/upload-check.ts). Routes call these.
import { ulid } from 'ulid';
import { fieldIssues } from '#forms/fields.js';
import { findMaterial, type MaterialMime } from '#forms/materials.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { demandMaterialRules } from '../domain/demand-materials.js';
import { slotProblems, uploadView, type UploadRecord, type UploadView } from '../domain/materials.js';
import { uploadRequestSchema } from '../http/schemas.js';
import { UPLOAD_TTL_SECONDS } from '../store/uploads.js';
import { uploadKeys, type PresignedUpload } from '../uploads.js';
import type { Services } from './context.js';

/**
 * After its PUT may no longer start, how long an upload's bytes are given to arrive (20 MB on a slow line) before the
 * sweeper checks it, should the check their arrival starts not have run (an event lost, a function that failed).
 */
export const CHECK_BACKSTOP_SECONDS = 300;

export type UploadSlot = PresignedUpload & { uploadId: string };

/**
 * Who an upload belongs to: an applicant's organisation (its materials); for a need's files, the office official or
 * village account that sends them, by its user id (`user:<sub>`: an org code has no colon). Anyone else: 403.
 */
export function uploadOwnerOf(principal: Principal): { owner: string; purpose?: 'demand' } {
  const found = ownerOrNone(principal);
  if (found) return found;
  throw new DomainError('forbidden', '仅限申请单位上传申报材料，或乡镇、县（区）办公室和村账号上传需求附件');
}

/** `POST /v1/uploads`: a short-lived PUT for exactly the declared bytes, its type and size checked up front. */
export async function createUpload(s: Services, principal: Principal, body: unknown): Promise<UploadSlot> {
  const { owner: org, purpose } = uploadOwnerOf(principal);
  const parsed = uploadRequestSchema.safeParse(body);
  if (!parsed.success) throw new DomainError('validation', '上传申请有误', { issues: fieldIssues(parsed.error) });
  const request = parsed.data;
  const material = request.type && request.material ? findMaterial(request.type, request.material) : undefined;
  const issues = purpose
    ? // A need's file: held to the need's rules; the application materials' type and key are not its.
      [
        ...(request.type !== undefined ? [{ path: 'type', message: '需求附件不按申请类型上传，请去掉 type 和 material' }] : []),
        ...slotProblems({ contentType: request.contentType, size: request.size }, demandMaterialRules),
      ]
    : request.material && !material
      ? [{ path: 'material', message: `该类型的材料清单中没有 ${request.material}` }]
      : slotProblems({ contentType: request.contentType, size: request.size }, material);
  if (issues.length) throw new DomainError('validation', '上传申请有误', { issues });

  const now = s.now();
  const upload: UploadRecord = {
    id: ulid(now.getTime()),
    org,
    sub: principal.sub,
    fileName: request.fileName,
    contentType: request.contentType as MaterialMime,
    size: request.size,
    createdAt: now.toISOString(),
    ...(material && request.type && !purpose ? { material: { type: request.type, key: material.key } } : {}),
    ...(purpose ? { purpose } : {}),
    status: 'pending',
    expiresAt: new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000).toISOString(),
    checkBy: new Date(now.getTime() + (s.config.materials.uploadUrlSeconds + CHECK_BACKSTOP_SECONDS) * 1000).toISOString(),
  };
  const slot = await s.bucket.presignUpload(uploadKeys.file(upload.id), upload.contentType, upload.size, s.config.materials.uploadUrlSeconds, now);
  await s.uploads.create(upload);
  return { uploadId: upload.id, ...slot };
}

/**
 * `GET /v1/uploads/{uploadId}`: its uploader's organisation only (404 for anyone else); `pending` until the check
 * that the bytes' arrival starts (functions/services/upload-check.ts) has recorded its verdict. Only reads.
 */
export async function getUpload(s: Services, principal: Principal, id: string): Promise<UploadView> {
  const owner = ownerOrNone(principal)?.owner;
  const found = owner && /^[0-9A-Z]{26}$/.test(id) ? await s.uploads.get(id, s.now()) : undefined;
  if (!found || found.org !== owner) throw new DomainError('not_found', `上传 ${id} 不存在或已过期`);
  return uploadView(found);
}

function ownerOrNone(principal: Principal): { owner: string; purpose?: 'demand' } | undefined {
  if (principal.role === 'applicant' && principal.org) return { owner: principal.org };
  if (principal.role === 'village' || (principal.role === 'official' && (principal.level === 'township' || principal.level === 'county'))) {
    return { owner: `user:${principal.sub}`, purpose: 'demand' };
  }
  return undefined;
}
