// The check of an upload, run where its bytes landed: when S3 says an object was created under files/ (its
// ObjectCreated event, functions/check-upload.ts; locally the S3 server's own event, infra/local/stack.ts), and by the
// sweeper as the backstop for an upload whose event never came (functions/services/sweep.ts). One check at a time
// holds the upload (a lease), streams the bytes through the material's check (functions/domain/file-check.ts: the
// bytes decide, never the name or the declared type) and records the verdict once; a refused upload's bytes are
// deleted and only its reason kept. The API only reads the verdict: neither the check nor its lease is in its bundle.
import { randomUUID } from 'node:crypto';
import type { MaterialMime } from '#forms/materials.js';
import { checkFile, type CheckedMaterial, type CheckResult } from '../domain/file-check.js';
import { checkedMaterialOf, type UploadRecord } from '../domain/materials.js';
import type { Logger } from '../log.js';
import type { S3Objects } from '../s3.js';
import type { CheckVerdict, UploadChecks } from '../store/upload-checks.js';
import type { UploadStore } from '../store/uploads.js';
import { uploadKeys, uploadPrefixes } from '../upload-keys.js';

/** A check holds its upload this long: longer than the check's function may run (infra/uploads.ts), so a crashed one is taken over. */
export const CHECK_LEASE_MS = 90_000;

export interface CheckServices {
  uploads: Pick<UploadStore, 'get'>;
  checks: UploadChecks;
  files: Pick<S3Objects, 'open' | 'delete'>;
  now: () => Date;
  log: Logger;
}

export type ObjectCheck =
  | { status: 'absent' }
  | { status: 'ready'; kind: NonNullable<UploadRecord['checked']>['kind']; contentType: MaterialMime; size: number; sha256: string }
  | { status: 'refused'; code: string; reason: string };

/**
 * The bytes at files/<uploadId>, written once (what is checked is what stays), against `material`'s rules: `absent`
 * when there are none yet; a refused upload's bytes are deleted.
 */
export async function checkObject(files: CheckServices['files'], uploadId: string, declared: { size: number }, material: CheckedMaterial): Promise<ObjectCheck> {
  const key = uploadKeys.file(uploadId);
  const object = await files.open(key);
  if (!object) return { status: 'absent' };
  let result: CheckResult;
  try {
    if (object.size !== declared.size) {
      // S3 refuses a presigned PUT of another length; this covers a slot presigned by something else.
      await files.delete(key);
      return { status: 'refused', code: 'size_mismatch', reason: `「${material.name}」的文件大小与申请上传时所报不一致，请重新上传` };
    }
    // Leaving the iteration early (a refusal) cancels the stream, and with it the rest of the download.
    result = await checkFile(object.body as unknown as AsyncIterable<Uint8Array>, material);
  } finally {
    await object.body.cancel().catch(() => undefined);
  }
  if (result.ok) return { status: 'ready', kind: result.kind, contentType: result.contentType as MaterialMime, size: result.size, sha256: result.sha256 };
  await files.delete(key);
  return { status: 'refused', code: result.code, reason: result.reason };
}

/** What one check of a pending upload came to: its verdict, no bytes yet, or another check holds it (or recorded first). */
export type CheckOutcome = 'ready' | 'refused' | 'absent' | 'held';

/** Checks a pending upload now, if its bytes are there, under the lease; anything but pending is left as it is ('held'). */
export async function checkUpload(s: Omit<CheckServices, 'uploads'>, upload: UploadRecord): Promise<CheckOutcome> {
  if (upload.status !== 'pending') return 'held';
  const token = randomUUID();
  const now = s.now();
  if (!(await s.checks.claim(upload.id, token, now, new Date(now.getTime() + CHECK_LEASE_MS)))) return 'held';
  let result: ObjectCheck;
  try {
    result = await checkObject(s.files, upload.id, { size: upload.size }, checkedMaterialOf(upload));
  } catch (error) {
    await s.checks.release(upload.id, token).catch(() => undefined);
    throw error;
  }
  if (result.status === 'absent') {
    await s.checks.release(upload.id, token);
    return 'absent';
  }
  const verdict: CheckVerdict =
    result.status === 'ready'
      ? { status: 'ready', checked: { kind: result.kind, contentType: result.contentType, size: result.size, sha256: result.sha256, at: s.now().toISOString() } }
      : { status: 'refused', refusal: { code: result.code, reason: result.reason } };
  if ((await s.checks.record(upload, token, verdict)) === 'stale') return 'held';
  // Ids and the verdict's code only: file names and reasons may hold personal data.
  s.log.info('upload checked', { uploadId: upload.id, status: result.status, ...(result.status === 'refused' ? { code: result.code } : {}) });
  return result.status;
}

/** The upload an object key of the bucket is the bytes of (files/<uploadId>), or undefined for any other key. */
export function uploadIdOfKey(key: string): string | undefined {
  // S3's event notifications give keys form-encoded (a space as '+'): ids have neither.
  let decoded: string;
  try {
    decoded = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
  const id = decoded.startsWith(uploadPrefixes.files) ? decoded.slice(uploadPrefixes.files.length) : '';
  return /^[0-9A-Z]{26}$/.test(id) ? id : undefined;
}

/**
 * An object was created at `key` (S3's ObjectCreated event): the upload it belongs to is checked, if it is still
 * pending. A key of no upload, or of one removed since, is let be (the sweeper and the lifecycle remove strays).
 */
export async function objectCreated(s: CheckServices, key: string): Promise<CheckOutcome | 'unknown'> {
  const id = uploadIdOfKey(key);
  const upload = id ? await s.uploads.get(id, s.now()) : undefined;
  if (!upload) return 'unknown';
  return checkUpload(s, upload);
}

/** The part of S3's event notification the check reads: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html */
export interface ObjectCreatedEvent {
  Records?: { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }[];
}

/** Each object created in `bucket` that an event names, checked in turn (the deployed function's and the local S3 server's events alike). */
export async function objectsCreated(s: CheckServices, bucket: string, event: ObjectCreatedEvent): Promise<(CheckOutcome | 'unknown')[]> {
  const outcomes: (CheckOutcome | 'unknown')[] = [];
  for (const record of event.Records ?? []) {
    const key = record.s3?.object?.key;
    if (!record.eventName?.startsWith('ObjectCreated:') || record.s3?.bucket?.name !== bucket || !key) continue;
    outcomes.push(await objectCreated(s, key));
  }
  return outcomes;
}
