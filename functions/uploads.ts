// The uploads bucket as the API uses it: presigned PUTs (write-once) and downloads, and the check of an upload by
// streaming its bytes, where they were written, through functions/domain/file-check.ts. An attached material is the
// checked upload itself (nothing is copied). S3 is reached through functions/s3.ts (signed fetch), so that no S3
// client goes into the API's bundle.
import type { FileKind, MaterialMime } from '#forms/materials.js';
import { checkFile, type CheckedMaterial, type CheckResult } from './domain/file-check.js';
import type { ObjectHead, S3Objects } from './s3.js';
import { uploadKeys } from './upload-keys.js';

export { uploadKeys, uploadPrefixes } from './upload-keys.js';

/** A presigned download never outlives five minutes (issue 14: a link is never public and never outlives minutes). */
export const maxDownloadSeconds = 300;

export interface PresignedUpload {
  method: 'PUT';
  url: string;
  /** Send exactly these with the bytes (the browser adds Content-Length itself, equal to the file's size). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface PresignedDownload {
  url: string;
  expiresAt: string;
}

export type { ObjectHead };

export type UploadCheck =
  | { status: 'pending' }
  | { status: 'ready'; kind: FileKind; contentType: MaterialMime; size: number; sha256: string }
  | { status: 'refused'; code: string; reason: string };

/** `inline; filename="…"; filename*=UTF-8''…` per RFC 6266 / RFC 5987: UTF-8, percent-encoded, with an ASCII fallback for old clients. */
export function contentDisposition(fileName: string, inline: boolean): string {
  // No control characters, quotes, backslashes or path separators survive into the header.
  const clean = fileName.normalize('NFC').replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200) || 'file';
  const fallback = clean.replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export class Uploads {
  constructor(readonly s3: S3Objects) {}

  get bucket(): string {
    return this.s3.bucket;
  }

  /**
   * A PUT of exactly `size` bytes of `contentType` to `key`, valid `expiresIn` seconds, that writes only where nothing
   * is (`If-None-Match: *`): all three are signed, so S3 refuses any other body, and a second PUT with the same URL
   * (412) or beside it (409) cannot change bytes once written, nor while they are checked. A presigned PUT cannot say
   * "at most": the size declared is the size sent, and checked again after.
   */
  async presignUpload(key: string, contentType: string, size: number, expiresIn: number, signingDate?: Date): Promise<PresignedUpload> {
    if (!Number.isInteger(size) || size <= 0) throw new Error(`upload size must be a positive integer, not ${size}`);
    const sent = { 'content-type': contentType, 'if-none-match': '*' };
    const signed = await this.s3.presign('PUT', key, { headers: { 'content-length': String(size), ...sent }, expiresIn, signingDate });
    // The browser sets Content-Length itself (it may not be set by a script): the type and the condition are the caller's to send.
    return { method: 'PUT', url: signed.url, headers: sent, expiresAt: signed.expiresAt };
  }

  /** A short-lived GET that answers `fileName` as the download's name and `contentType` (the checked kind's), never cached. */
  async presignDownload(
    key: string,
    options: { fileName: string; contentType: string; inline: boolean; expiresIn: number; signingDate?: Date },
  ): Promise<PresignedDownload> {
    const expiresIn = Math.min(options.expiresIn, maxDownloadSeconds);
    if (!(expiresIn > 0)) throw new Error(`download expiry must be positive, not ${options.expiresIn}`);
    const signed = await this.s3.presign('GET', key, {
      query: {
        'response-content-disposition': contentDisposition(options.fileName, options.inline),
        'response-content-type': options.contentType,
        'response-cache-control': 'private, no-store',
      },
      expiresIn,
      signingDate: options.signingDate,
    });
    return { url: signed.url, expiresAt: signed.expiresAt };
  }

  /** The object's size and type, or undefined when there is none (yet). */
  head(key: string): Promise<ObjectHead | undefined> {
    return this.s3.head(key);
  }

  delete(key: string): Promise<void> {
    return this.s3.delete(key);
  }

  /**
   * Checks an upload once its bytes arrived, where they are (files/<id>, written once: what is checked is what stays):
   * nothing yet is `pending`; a refused upload's bytes are deleted and only its reason kept. Callers run one check of
   * an upload at a time (functions/services/uploads.ts holds a lease on it).
   */
  async checkUpload(uploadId: string, declared: { size: number }, material: CheckedMaterial): Promise<UploadCheck> {
    const key = uploadKeys.file(uploadId);
    const object = await this.s3.open(key);
    if (!object) return { status: 'pending' };
    let result: CheckResult;
    try {
      if (object.size !== declared.size) {
        // S3 refuses a presigned PUT of another length; this covers a slot presigned by something else.
        await this.delete(key);
        return { status: 'refused', code: 'size_mismatch', reason: `「${material.name}」的文件大小与申请上传时所报不一致，请重新上传` };
      }
      // Leaving the iteration early (a refusal) cancels the stream, and with it the rest of the download.
      result = await checkFile(object.body as unknown as AsyncIterable<Uint8Array>, material);
    } finally {
      await object.body.cancel().catch(() => undefined);
    }
    if (result.ok) return { status: 'ready', kind: result.kind, contentType: result.contentType as MaterialMime, size: result.size, sha256: result.sha256 };
    await this.delete(key);
    return { status: 'refused', code: result.code, reason: result.reason };
  }
}
