// The local S3-compatible server for `npm start` and the tests: @20minutes/s3rver on loopback, its objects under
// DATA_DIR/s3, the uploads bucket with CORS for the local web origin only, reached by the real S3 client and presigner.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { Sha256 } from '#functions/sha256.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { access } from 'node:fs/promises';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { SignatureV4 } from '@smithy/signature-v4';

// S3rver's registry of key pairs (lib/models/account.js: the package exports no other way to add one).
const s3rverAccounts = createRequire(import.meta.url)('@20minutes/s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

/** The key pair the local S3 server takes signatures with. */
export interface LocalS3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The data folder's own key pair (DATA_DIR/s3-credentials.json, readable by its owner alone), made on its first
 * start and kept, so that URLs presigned before a restart still work after it. S3rver's built-in pair
 * (S3RVER/S3RVER, the same for everyone) is refused in front of it: without this folder's key nothing on the machine
 * reads, lists or writes the bucket.
 */
export function localS3Credentials(dataDir: string): LocalS3Credentials {
  const file = join(resolve(dataDir), 's3-credentials.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalS3Credentials>;
    if (typeof kept.accessKeyId === 'string' && /^[A-Z0-9]{16,}$/.test(kept.accessKeyId) && typeof kept.secretAccessKey === 'string' && kept.secretAccessKey.length >= 32) {
      return { accessKeyId: kept.accessKeyId, secretAccessKey: kept.secretAccessKey };
    }
  }
  const made = { accessKeyId: `LOCAL${randomBytes(10).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(32).toString('base64url') };
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  return made;
}

export const localUploadsBucket = 'uploads';

export interface LocalS3Options {
  dataDir: string;
  /** The origins the web pages are served from (the local stack's own address): CORS allows these alone. */
  webOrigins: string[];
  /** Default: a free one. */
  port?: number;
  bucket?: string;
  quiet?: boolean;
  /**
   * Told of each object written (a PUT answered 200), as S3 tells its event notification's destination: an
   * `ObjectCreated:Put` record in S3's event shape, once the object is whole and readable.
   */
  onObjectCreated?: (event: ObjectCreatedNotice) => void;
}

/** S3's event notification, the fields of it S3 always fills for ObjectCreated (the local server's own). */
export interface ObjectCreatedNotice {
  Records: { eventSource: 'aws:s3'; eventName: 'ObjectCreated:Put'; eventTime: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[];
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  credentials: LocalS3Credentials;
  stop: () => Promise<void>;
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What a browser's presigned PUT needs: the method, Content-Type and If-None-Match (signed, so sent as signed);
 * Content-Length is the browser's own and needs no permission. GET and HEAD for previews through presigned links;
 * ETag readable.
 */
export function corsConfiguration(origins: string[]): string {
  if (origins.length === 0) throw new Error('the local S3 server needs the web origin for its CORS rule');
  return [
    '<CORSConfiguration><CORSRule>',
    ...origins.map((o) => `<AllowedOrigin>${xmlEscape(o)}</AllowedOrigin>`),
    ...['PUT', 'GET', 'HEAD'].map((m) => `<AllowedMethod>${m}</AllowedMethod>`),
    '<AllowedHeader>content-type</AllowedHeader>',
    '<AllowedHeader>if-none-match</AllowedHeader>',
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
/** The longest a presigned URL may last: seven days, as S3 has it. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

async function signatureProblem(req: IncomingMessage, credentials: LocalS3Credentials): Promise<string | undefined> {
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
  if (accessKeyId !== credentials.accessKeyId || !region || !service || !fields.signedHeaders || !fields.signature || !fields.date) {
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
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const request = { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query, headers };
  if (presigned) {
    const expiresIn = Number(params.get('X-Amz-Expires'));
    // S3 refuses a presigned URL meant to last over a week before it checks anything else (the signer would throw).
    if (!Number.isInteger(expiresIn) || expiresIn > MAX_PRESIGNED_SECONDS) return 'AuthorizationQueryParametersError';
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

/** Where S3rver's store keeps an object's files. */
interface ObjectStore {
  getResourcePath(bucket: string, key: string, resource: 'object' | 'metadata.json'): string;
}

const refusal = (status: number, code: string, message: string) => ({ status, code, message });

/**
 * S3's atomic, conditional writes, which S3rver does not have. S3rver writes an object's bytes in place and its
 * metadata last, and shows the object from its first byte: so an object is there only once its metadata is (one
 * being written, or left half-written by a PUT that broke off, is 404 to GET and HEAD, as in S3, and its sender may
 * try again); and a PUT with `If-None-Match: *` is 412 PreconditionFailed when the object is there, 409
 * ConditionalRequestConflict while another PUT of the key is under way (S3 answers either; one of racing writes wins).
 */
function atomicObjects(store: ObjectStore, bucket: string) {
  const writing = new Set<string>();
  const keyOf = (req: IncomingMessage) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const prefix = `/${bucket}/`;
    return path.startsWith(prefix) && path.length > prefix.length ? decodeURIComponent(path.slice(prefix.length)) : undefined;
  };
  const complete = (key: string) => access(store.getResourcePath(bucket, key, 'metadata.json')).then(() => true, () => false);
  const missing = refusal(404, 'NoSuchKey', 'The specified key does not exist.');
  /** Undefined when the request may go on (a conditional PUT's key is then held until its answer ends); otherwise the refusal. */
  return async (req: IncomingMessage, res: ServerResponse): Promise<ReturnType<typeof refusal> | undefined> => {
    const key = keyOf(req);
    if (!key) return undefined;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (writing.has(key)) return missing;
      const there = await access(store.getResourcePath(bucket, key, 'object')).then(() => true, () => false);
      return there && !(await complete(key)) ? missing : undefined;
    }
    if (req.method !== 'PUT' || req.headers['if-none-match'] === undefined) return undefined;
    if (req.headers['if-none-match'] !== '*') return refusal(501, 'NotImplemented', 'Only If-None-Match: * is supported on PUT');
    if (writing.has(key)) return refusal(409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource.');
    writing.add(key);
    res.once('close', () => writing.delete(key));
    if (await complete(key)) return refusal(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    return undefined;
  };
}

/**
 * When the PUT's answer has gone out as 200 (the object whole: its key no longer held by the conditional write), the
 * listener is told, after the answer, as S3's notifications come after the write. Keys are given form-encoded, as
 * S3's events give them.
 */
function notifyWhenWritten(req: IncomingMessage, res: ServerResponse, bucket: string, listener: (event: ObjectCreatedNotice) => void) {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const prefix = `/${bucket}/`;
  if (!path.startsWith(prefix) || path.length === prefix.length) return;
  const key = decodeURIComponent(path.slice(prefix.length));
  const size = Number(req.headers['content-length'] ?? 0);
  res.once('close', () => {
    if (res.statusCode !== 200 || !res.writableFinished) return;
    const event: ObjectCreatedNotice = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: new Date().toISOString(),
          s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size } },
        },
      ],
    };
    setImmediate(() => listener(event));
  });
}

/**
 * Starts the server on 127.0.0.1 and sets the bucket up through S3rver's own store (`configureBuckets`) before the
 * first request: its one bug is that the SDK's bucket-level calls (CreateBucket, PutBucketCors, ListObjectsV2,
 * DeleteObjects) are signed over a path with a trailing `/` that it does not, so they fail; object calls work.
 */
export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  const directory = resolve(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const bucket = options.bucket ?? localUploadsBucket;
  const credentials = localS3Credentials(options.dataDir);
  // S3rver takes the signatures the gate below has checked (allowMismatchedSignatures) under a key it knows.
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
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
  const atomic = atomicObjects((s3rver as unknown as { store: ObjectStore }).store, bucket);
  const server: Server = createServer((req, res) => {
    // Preflights carry no signature by design; S3rver answers them from the bucket's CORS rule.
    if (req.method === 'OPTIONS') return handle(req, res);
    signatureProblem(req, credentials).then(
      async (problem) => {
        if (!problem) {
          const refused = await atomic(req, res);
          if (!refused) {
            if (req.method === 'PUT' && options.onObjectCreated) notifyWhenWritten(req, res, bucket, options.onObjectCreated);
            return handle(req, res);
          }
          req.resume();
          res.writeHead(refused.status, { 'content-type': 'application/xml' });
          return res.end(req.method === 'HEAD' ? undefined : errorXml(refused.code, refused.message));
        }
        const code = problem === 'Request has expired' ? 'AccessDenied' : problem;
        res.writeHead(403, { 'content-type': 'application/xml' }).end(errorXml(code, problem === code ? code : problem));
      },
      // Whatever the signer threw (not always an Error): a request it cannot read, said without echoing it.
      () => res.writeHead(400, { 'content-type': 'application/xml' }).end(errorXml('InvalidRequest', 'The request signature could not be read')),
    ).catch(() => res.destroy());
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
    credentials,
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
