// The local S3-compatible server for `npm start` and the tests: @20minutes/s3rver on loopback, its objects under
// DATA_DIR/s3, the uploads bucket with CORS for the local web origin only, reached by the real S3 client and presigner.
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '#functions/sha256.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * S3rver accepts this pair and no other (it is hard-coded in the package): local only, never a secret. It checks
 * SigV4 signatures with it, so a tampered or expired presigned URL is refused as S3 refuses it.
 */
export const localS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export const localUploadsBucket = 'uploads';

export interface LocalS3Options {
  dataDir: string;
  /** The origins the web pages are served from (the local stack's own address): CORS allows these alone. */
  webOrigins: string[];
  /** Default: a free one. */
  port?: number;
  bucket?: string;
  quiet?: boolean;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  credentials: typeof localS3Credentials;
  stop: () => Promise<void>;
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What a browser's presigned PUT needs: the method, Content-Type (signed, so sent as signed); Content-Length is the
 * browser's own and needs no permission. GET and HEAD for previews through presigned links; ETag readable.
 */
export function corsConfiguration(origins: string[]): string {
  if (origins.length === 0) throw new Error('the local S3 server needs the web origin for its CORS rule');
  return [
    '<CORSConfiguration><CORSRule>',
    ...origins.map((o) => `<AllowedOrigin>${xmlEscape(o)}</AllowedOrigin>`),
    ...['PUT', 'GET', 'HEAD'].map((m) => `<AllowedMethod>${m}</AllowedMethod>`),
    '<AllowedHeader>content-type</AllowedHeader>',
    '<ExposeHeader>ETag</ExposeHeader>',
    '<MaxAgeSeconds>600</MaxAgeSeconds>',
    '</CORSRule></CORSConfiguration>',
  ].join('');
}


const amzDate = (text: string) =>
  new Date(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`);

const sameSignature = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Why a request is refused, or undefined when its SigV4 signature (presigned query or Authorization header) is the
 * one the SDK's own signer computes for it with the server's pair, within its expiry. S3rver checks signatures too,
 * but canonicalises query values with encodeURIComponent, which leaves ' ( ) * ! unescaped where SigV4 escapes them:
 * a presigned download with an RFC 5987 `filename*=UTF-8''…` never matches. So this checks them, and S3rver is told
 * to accept what gets through. A request without any signature is refused: the bucket is private, S3rver has no
 * policy and would let it through.
 */
async function signatureProblem(req: IncomingMessage): Promise<string | undefined> {
  const url = new URL(req.url ?? '/', 'http://local');
  const params = url.searchParams;
  const authorization = req.headers.authorization;
  const presigned = params.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';
  if (!presigned && !authorization?.startsWith('AWS4-HMAC-SHA256 ')) return 'AccessDenied';
  const fields = presigned
    ? { credential: params.get('X-Amz-Credential'), signedHeaders: params.get('X-Amz-SignedHeaders'), signature: params.get('X-Amz-Signature'), date: params.get('X-Amz-Date') }
    : {
        ...Object.fromEntries(
          authorization!
            .slice('AWS4-HMAC-SHA256 '.length)
            .split(',')
            .map((part) => part.trim().split('='))
            .map(([k, v]) => [k === 'Credential' ? 'credential' : k === 'SignedHeaders' ? 'signedHeaders' : k === 'Signature' ? 'signature' : k, v]),
        ),
        date: String(req.headers['x-amz-date'] ?? ''),
      };
  const [accessKeyId, , region, service] = (fields.credential ?? '').split('/');
  if (accessKeyId !== localS3Credentials.accessKeyId || !region || !service || !fields.signedHeaders || !fields.signature || !fields.date) {
    return 'AccessDenied';
  }
  const signingDate = amzDate(fields.date);
  if (Number.isNaN(signingDate.getTime())) return 'AccessDenied';
  const signedHeaders = fields.signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return 'SignatureDoesNotMatch';
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    if (key === 'X-Amz-Signature') continue;
    const had = query[key];
    query[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const signer = new SignatureV4({ credentials: localS3Credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const request = { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query, headers };
  if (presigned) {
    const expiresIn = Number(params.get('X-Amz-Expires'));
    if (!(expiresIn > 0) || Date.now() > signingDate.getTime() + expiresIn * 1000) return 'Request has expired';
    // The payload's hash (UNSIGNED-PAYLOAD) is read from a header, which the presigner had moved into the query;
    // it stays there as received, and the header is neither signed nor moved again.
    const payload = params.get('X-Amz-Content-Sha256');
    const payloadHeader = new Set(['x-amz-content-sha256']);
    if (payload) headers['x-amz-content-sha256'] = payload;
    const expected = await signer.presign(request, {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: payloadHeader,
      unhoistableHeaders: payloadHeader,
    });
    return sameSignature(String(expected.query?.['X-Amz-Signature']), fields.signature) ? undefined : 'SignatureDoesNotMatch';
  }
  const expected = await signer.sign(request, { signingDate, signableHeaders: new Set(signedHeaders) });
  const computed = /Signature=([0-9a-f]+)/.exec(String(expected.headers.authorization))?.[1] ?? '';
  return sameSignature(computed, fields.signature) ? undefined : 'SignatureDoesNotMatch';
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;

/**
 * Starts the server on 127.0.0.1 and sets the bucket up through S3rver's own store (`configureBuckets`) before the
 * first request: its one bug is that the SDK's bucket-level calls (CreateBucket, PutBucketCors, ListObjectsV2,
 * DeleteObjects) are signed over a path with a trailing `/` that it does not, so they fail; object calls work.
 */
export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  const directory = resolve(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const bucket = options.bucket ?? localUploadsBucket;
  const s3rver = new S3rver({
    directory,
    silent: options.quiet ?? true,
    vhostBuckets: false,
    // signatureProblem checks every signature before S3rver sees the request (it says why).
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket, configs: [corsConfiguration(options.webOrigins)] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const server: Server = createServer((req, res) => {
    // Preflights carry no signature by design; S3rver answers them from the bucket's CORS rule.
    if (req.method === 'OPTIONS') return handle(req, res);
    signatureProblem(req).then(
      (problem) => {
        if (!problem) return handle(req, res);
        const code = problem === 'Request has expired' ? 'AccessDenied' : problem;
        res.writeHead(403, { 'content-type': 'application/xml' }).end(errorXml(code, problem === code ? code : problem));
      },
      (error: Error) => res.writeHead(400, { 'content-type': 'application/xml' }).end(errorXml('InvalidRequest', error.message)),
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (error: Error) => fail(new Error(`local S3 server cannot listen on 127.0.0.1:${options.port ?? 0}: ${error.message}`)));
    server.listen(options.port ?? 0, '127.0.0.1', done);
  });
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    credentials: localS3Credentials,
    stop: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => {
          s3rver.logger.close();
          if (error) fail(error);
          else done();
        });
        server.closeAllConnections();
      }),
  };
}

/** Where the local stack's S3 data is, for a test that looks at the files. */
export const localS3Directory = (dataDir: string) => join(resolve(dataDir), 's3');
