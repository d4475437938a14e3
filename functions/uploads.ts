// The uploads bucket as the API uses it: presigned PUTs and downloads, the check of an upload by streaming its bytes
// through functions/domain/file-check.ts, and the copies that make a checked upload an application's material. The
// only module that imports the S3 client and the presigner, so that they go into the bundles that use them alone.
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { checkFile, type CheckedMaterial, type CheckResult } from './domain/file-check.js';
import { uploadKeys } from './upload-keys.js';

export { uploadKeys, uploadPrefixes } from './upload-keys.js';

/** A presigned download never outlives five minutes (issue 14: a link is never public and never outlives minutes). */
export const maxDownloadSeconds = 300;

export interface UploadsSettings {
  bucket: string;
  region: string;
  /** Local stack only: the S3-compatible server (infra/local/s3.ts), reached path-style. */
  endpoint?: string;
  /** Local stack only: the server's own pair (S3rver's are fixed). In AWS the function's role signs. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The settings from the environment the construct sets (infra/uploads.ts's grantUploads), read once; a gap names itself. */
export function uploadsSettings(env: Record<string, string | undefined> = process.env): UploadsSettings {
  const bucket = env.UPLOADS_BUCKET;
  if (!bucket) throw new Error('UPLOADS_BUCKET: missing');
  return {
    bucket,
    region: env.AWS_REGION || 'cn-north-1',
    endpoint: env.S3_ENDPOINT || undefined,
    credentials: env.S3_ENDPOINT ? { accessKeyId: env.S3_ACCESS_KEY_ID ?? '', secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '' } : undefined,
  };
}

/** The S3 client, made once per container with timeouts as functions/clients.ts makes the others. */
export function makeS3Client(settings: UploadsSettings): S3Client {
  const local = Boolean(settings.endpoint);
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: local,
    credentials: settings.credentials,
    maxAttempts: 3,
    // Checksums only where an operation requires one: with the default (WHEN_SUPPORTED) the SDK sends streamed bodies
    // aws-chunked with a trailing checksum, which the local server stores corrupted or refuses, and a presigned PUT
    // would carry a checksum of a body the browser has not sent yet.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A copy of 20 MB takes S3 a few seconds at worst; the local server is one Node process on a loaded machine.
    requestHandler: new NodeHttpHandler({
      ...(local ? { connectionTimeout: 5_000, requestTimeout: 30_000 } : { connectionTimeout: 1_000, requestTimeout: 15_000 }),
      throwOnRequestTimeout: true,
    }),
  });
}

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

export interface ObjectHead {
  size: number;
  contentType?: string;
  etag?: string;
}

export type UploadCheck =
  | { status: 'pending' }
  | { status: 'ready'; kind: string; contentType: string; size: number; sha256: string }
  | { status: 'refused'; code: string; reason: string };

/** `report filename*` per RFC 6266 / RFC 5987: UTF-8, percent-encoded, with an ASCII fallback for old clients. */
export function contentDisposition(fileName: string, inline: boolean): string {
  // No control characters, quotes, backslashes or path separators survive into the header.
  const clean = fileName.normalize('NFC').replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200) || 'file';
  const fallback = clean.replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404);

export class Uploads {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /**
   * A PUT of exactly `size` bytes of `contentType` to `key`, valid `expiresIn` seconds: both are signed (Content-Length
   * because ContentLength is set; Content-Type because the presigner is told to), so any other body is refused by S3.
   */
  async presignUpload(key: string, contentType: string, size: number, expiresIn: number): Promise<PresignedUpload> {
    if (!Number.isInteger(size) || size <= 0) throw new Error(`upload size must be a positive integer, not ${size}`);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size });
    const signedAt = new Date();
    const url = await getSignedUrl(this.client, command, { expiresIn, signableHeaders: new Set(['content-type']), signingDate: signedAt });
    return { method: 'PUT', url, headers: { 'content-type': contentType }, expiresAt: new Date(signedAt.getTime() + expiresIn * 1000).toISOString() };
  }

  /** A short-lived GET that answers `fileName` as the download's name and `contentType` (the checked kind's). */
  async presignDownload(
    key: string,
    options: { fileName: string; contentType: string; inline: boolean; expiresIn: number },
  ): Promise<PresignedDownload> {
    const expiresIn = Math.min(options.expiresIn, maxDownloadSeconds);
    if (!(expiresIn > 0)) throw new Error(`download expiry must be positive, not ${options.expiresIn}`);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(options.fileName, options.inline),
      ResponseContentType: options.contentType,
      ResponseCacheControl: 'private, no-store',
    });
    const signedAt = new Date();
    const url = await getSignedUrl(this.client, command, { expiresIn, signingDate: signedAt });
    return { url, expiresAt: new Date(signedAt.getTime() + expiresIn * 1000).toISOString() };
  }

  /** The object's size and type, or undefined when there is none (yet). */
  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Streams the object's bytes through the material check; stops reading at the first certain refusal. */
  async check(key: string, material: CheckedMaterial): Promise<CheckResult> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const body = out.Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
    try {
      return await checkFile(body, material);
    } finally {
      // Leaving the iteration early ends a Node stream already; this also covers a refusal before the first chunk.
      body.destroy?.();
    }
  }

  /** A server-side copy: the bytes never pass through the function. */
  async copy(from: string, to: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`, MetadataDirective: 'COPY' }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Checks an upload once its bytes arrived: nothing yet is `pending`; otherwise its bytes are copied to the checked
   * key and that copy is checked, so what is later attached is what was checked. A refused upload is deleted, both
   * copies, and only its reason kept.
   */
  async checkUpload(uploadId: string, declared: { size: number }, material: CheckedMaterial): Promise<UploadCheck> {
    const incoming = uploadKeys.incoming(uploadId);
    const checked = uploadKeys.checked(uploadId);
    const head = await this.head(incoming);
    if (!head) {
      // Checked already (a second call, or one that raced this): the checked copy answers again.
      if (!(await this.head(checked))) return { status: 'pending' };
      return this.verdict(await this.check(checked, material), checked);
    }
    if (head.size !== declared.size) {
      // S3 refuses a presigned PUT of another length; this covers a slot presigned by something else.
      await this.delete(incoming);
      return { status: 'refused', code: 'size_mismatch', reason: `「${material.name}」的文件大小与申请上传时所报不一致，请重新上传` };
    }
    await this.copy(incoming, checked);
    const result = await this.check(checked, material);
    await this.delete(incoming);
    return this.verdict(result, checked);
  }

  private async verdict(result: CheckResult, checked: string): Promise<UploadCheck> {
    if (result.ok) return { status: 'ready', kind: result.kind, contentType: result.contentType, size: result.size, sha256: result.sha256 };
    await this.delete(checked);
    return { status: 'refused', code: result.code, reason: result.reason };
  }

  /** Makes a checked upload an application's material: a copy that lifecycle rules keep. */
  async attach(uploadId: string, applicationId: string, materialId: string): Promise<string> {
    const key = uploadKeys.material(applicationId, materialId);
    await this.copy(uploadKeys.checked(uploadId), key);
    return key;
  }
}
