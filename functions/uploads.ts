// The uploads bucket as the API uses it: presigned PUTs (write-once) and downloads. The check of an upload runs
// where its bytes land, in its own function (functions/services/upload-check.ts); an attached material is the
// checked upload itself (nothing is copied). S3 is reached through functions/s3.ts (signed fetch), so that no S3
// client goes into the API's bundle.
import type { ObjectHead, S3Objects } from './s3.js';
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
}
