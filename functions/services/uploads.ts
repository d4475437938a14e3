// The use cases of an upload: a slot to send one file straight to the bucket, and its check on first read after the
// bytes arrived (the bytes decide, never the name or the declared type). Routes call these.
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { fieldIssues } from '#forms/fields.js';
import { findMaterial, type MaterialMime } from '#forms/materials.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { checkedMaterialOf, slotProblems, uploadView, type UploadRecord, type UploadView } from '../domain/materials.js';
import { uploadRequestSchema } from '../http/schemas.js';
import { UPLOAD_TTL_SECONDS, type CheckVerdict } from '../store/uploads.js';
import { uploadKeys, type PresignedUpload } from '../uploads.js';
import type { Services } from './context.js';

/** A check holds its upload this long: longer than any function runs (infra/api.ts), so a crashed one is taken over. */
const CHECK_LEASE_MS = 60_000;

export type UploadSlot = PresignedUpload & { uploadId: string };

/** Only applicants send materials; an upload is its organisation's. */
function assertMayUpload(principal: Principal): string {
  if (principal.role !== 'applicant' || !principal.org) throw new DomainError('forbidden', '仅限申请单位上传申报材料');
  return principal.org;
}

/** `POST /v1/uploads`: a short-lived PUT for exactly the declared bytes, its type and size checked up front. */
export async function createUpload(s: Services, principal: Principal, body: unknown): Promise<UploadSlot> {
  const org = assertMayUpload(principal);
  const parsed = uploadRequestSchema.safeParse(body);
  if (!parsed.success) throw new DomainError('validation', '上传申请有误', { issues: fieldIssues(parsed.error) });
  const request = parsed.data;
  const material = request.type && request.material ? findMaterial(request.type, request.material) : undefined;
  const issues =
    request.material && !material
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
    ...(material && request.type ? { material: { type: request.type, key: material.key } } : {}),
    status: 'pending',
    expiresAt: new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000).toISOString(),
  };
  const slot = await s.bucket.presignUpload(uploadKeys.file(upload.id), upload.contentType, upload.size, s.config.materials.uploadUrlSeconds, now);
  await s.uploads.create(upload);
  return { uploadId: upload.id, ...slot };
}

/** `GET /v1/uploads/{uploadId}`: its uploader's organisation only (404 for anyone else); checked on the first read after the PUT. */
export async function getUpload(s: Services, principal: Principal, id: string): Promise<UploadView> {
  const found = principal.role === 'applicant' && /^[0-9A-Z]{26}$/.test(id) ? await s.uploads.get(id, s.now()) : undefined;
  if (!found || found.org !== principal.org) throw new DomainError('not_found', `上传 ${id} 不存在或已过期`);
  return uploadView(await checkIfPending(s, found));
}

/**
 * Checks a pending upload now, if its bytes are there: one check at a time holds the upload (a lease in the store),
 * copies the bytes to the checked key, streams them through the material check and records the verdict once. A
 * pending upload that another check holds is answered as it stands (pending); asked again, it reads the verdict.
 */
export async function checkIfPending(s: Services, upload: UploadRecord): Promise<UploadRecord> {
  if (upload.status !== 'pending') return upload;
  const token = randomUUID();
  const now = s.now();
  if (!(await s.uploads.claimCheck(upload.id, token, now, new Date(now.getTime() + CHECK_LEASE_MS)))) {
    return (await s.uploads.get(upload.id, now)) ?? upload;
  }
  let result;
  try {
    result = await s.bucket.checkUpload(upload.id, { size: upload.size }, checkedMaterialOf(upload));
  } catch (error) {
    await s.uploads.releaseCheck(upload.id, token).catch(() => undefined);
    throw error;
  }
  if (result.status === 'pending') {
    await s.uploads.releaseCheck(upload.id, token);
    return upload;
  }
  const at = s.now().toISOString();
  const verdict: CheckVerdict =
    result.status === 'ready'
      ? { status: 'ready', checked: { kind: result.kind, contentType: result.contentType, size: result.size, sha256: result.sha256, at } }
      : { status: 'refused', refusal: { code: result.code, reason: result.reason } };
  if ((await s.uploads.recordCheck(upload.id, token, verdict)) === 'stale') return (await s.uploads.get(upload.id, s.now())) ?? upload;
  // Ids and the verdict's code only: file names and reasons may hold personal data.
  s.log.info('upload checked', { uploadId: upload.id, status: result.status, ...(result.status === 'refused' ? { code: result.code } : {}) });
  return { ...upload, ...verdict };
}
