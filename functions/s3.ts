// The few S3 calls the API makes, each one HTTP request signed with the SDK's own SigV4 signer and sent with fetch:
// presigned PUTs and GETs, HeadObject, a streamed GetObject and DeleteObject. @aws-sdk/client-s3 would
// carry the models of every S3 operation into the API's bundle and its cold start (~180 KiB) for these five; the
// signer is there already (functions/ssm-parameter.ts signs its one call the same way). Credentials come from the
// environment, as the bundled clients take them in Lambda (infra/lambda-credentials.ts), or locally the server's pair.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';

/** The SHA-256 of no bytes: what a request without a body signs as its payload. */
const EMPTY_PAYLOAD = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** What a presigned request signs as its payload: the body is the browser's, unknown when the URL is made. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Settings {
  bucket: string;
  region: string;
  /** Local stack only: the S3-compatible server (infra/local/s3.ts), reached path-style. In AWS: the bucket's regional virtual host. */
  endpoint?: string;
  /** Local stack only: the server's own pair. In AWS the function's role signs (from the environment, as the SDK clients). */
  credentials?: S3Credentials;
  /** Each attempt's limit. */
  timeoutMs?: number;
}

/** The bucket's regional host, `<bucket>.s3.<region>.amazonaws.com` (`.com.cn` in the China regions), as CDK's bucketRegionalDomainName. */
export function bucketHost(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** RFC 3986 escaping as SigV4 and the SDK's query strings use it: encodeURIComponent leaves ! ' ( ) * alone. */
const escape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An S3 error answer, or a failure to reach S3: `$fault` and `$metadata` as the SDK's errors carry them (functions/http.ts reads them). */
export class S3Error extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode?: number };
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = code;
    this.$fault = status === undefined || status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status };
  }
}

export interface ObjectHead {
  size: number;
  contentType?: string;
  etag?: string;
}

/** A presigned request: the URL, and the headers that were signed and must be sent as they are (Host aside). */
export interface Presigned {
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

interface Call {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  key: string;
  headers?: Record<string, string>;
  /** How long this attempt may take: a streamed read takes longer than a HEAD. */
  timeoutMs?: number;
}

export class S3Objects {
  private readonly signer: SignatureV4;
  private readonly base: URL;
  private readonly pathStyle: boolean;
  private readonly timeoutMs: number;

  constructor(readonly settings: S3Settings) {
    this.pathStyle = Boolean(settings.endpoint);
    this.base = new URL(settings.endpoint ?? `https://${bucketHost(settings.bucket, settings.region)}`);
    this.timeoutMs = settings.timeoutMs ?? (this.pathStyle ? 15_000 : 5_000);
    const credentials = settings.credentials;
    this.signer = new SignatureV4({
      service: 's3',
      region: settings.region,
      credentials: credentials ? async () => credentials : fromEnv(),
      sha256: Sha256,
      // Keys are escaped once, here (they hold ids and slashes only: functions/upload-keys.ts).
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  /** Where the browser sends presigned requests: the origin the web pages' CSP and the bucket's CORS are about. */
  get origin(): string {
    return this.base.origin;
  }

  private path(key: string): string {
    const escaped = key.split('/').map(escape).join('/');
    return this.pathStyle ? `${this.base.pathname.replace(/\/$/, '')}/${escape(this.bucket)}/${escaped}` : `/${escaped}`;
  }

  private request(method: string, key: string, headers: Record<string, string>, query: Record<string, string> = {}) {
    return {
      method,
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port ? Number(this.base.port) : undefined,
      path: this.path(key),
      query,
      headers: { host: this.base.host, ...headers },
    };
  }

  private urlOf(path: string, query: Record<string, string | string[] | null | undefined>): string {
    const pairs = Object.keys(query)
      .sort()
      .flatMap((name) => {
        const value = query[name];
        return value == null ? [] : (Array.isArray(value) ? value : [value]).map((v) => `${escape(name)}=${escape(v)}`);
      });
    return `${this.base.origin}${path}${pairs.length ? `?${pairs.join('&')}` : ''}`;
  }

  /**
   * A URL that does `method` on `key` for `expiresIn` seconds, signed over `headers` (which the caller must send as
   * they are: S3 refuses any other value) and `query` (e.g. response-content-disposition), as the SDK's presigner makes
   * them: the payload unsigned, the x-amz-* fields in the query.
   */
  async presign(
    method: 'PUT' | 'GET',
    key: string,
    options: { headers?: Record<string, string>; query?: Record<string, string>; expiresIn: number; signingDate?: Date },
  ): Promise<Presigned> {
    const signingDate = options.signingDate ?? new Date();
    const headers = { ...(options.headers ?? {}) };
    // Spelled as the SDK's presigner spells it: hoisted into the query under this name, which S3 (and the local gate) read.
    const request = this.request(method, key, { ...headers, 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD }, { ...(options.query ?? {}) });
    const signed = await this.signer.presign(request, {
      expiresIn: options.expiresIn,
      signingDate,
      signableHeaders: new Set(Object.keys(headers)),
    });
    return {
      url: this.urlOf(signed.path, signed.query ?? {}),
      headers,
      expiresAt: new Date(signingDate.getTime() + options.expiresIn * 1000).toISOString(),
    };
  }

  /** One signed request, tried again (three attempts in all) when S3 could not be reached or answered 5xx. */
  private async send(call: Call): Promise<Response> {
    const attempts = 3;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        const signed = await this.signer.sign(this.request(call.method, call.key, { 'x-amz-content-sha256': EMPTY_PAYLOAD, ...(call.headers ?? {}) }));
        // fetch sets Host itself, from the same URL: the value signed.
        const { host: _host, ...headers } = signed.headers;
        response = await fetch(this.urlOf(signed.path, signed.query ?? {}), { method: call.method, headers, signal: AbortSignal.timeout(call.timeoutMs ?? this.timeoutMs) });
      } catch (error) {
        const failure = new S3Error((error as Error).name === 'TimeoutError' ? 'TimeoutError' : 'NetworkError', `S3 ${call.method} ${call.key}: ${causeOf(error)}`);
        if (attempt >= attempts) throw failure;
        await pause(attempt);
        continue;
      }
      if (response.status < 500 || attempt >= attempts) return response;
      await response.body?.cancel();
      await pause(attempt);
    }
  }

  private async failure(call: Call, response: Response): Promise<S3Error> {
    const text = call.method === 'HEAD' ? '' : await response.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? (response.status === 404 ? 'NotFound' : `Http${response.status}`);
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? response.statusText;
    return new S3Error(code, `S3 ${call.method} ${call.key}: ${response.status} ${code}: ${message}`, response.status);
  }

  /** The object's size, type and ETag, or undefined when there is none. */
  async head(key: string): Promise<ObjectHead | undefined> {
    const call: Call = { method: 'HEAD', key };
    const response = await this.send(call);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure(call, response);
    return {
      size: Number(response.headers.get('content-length') ?? 0),
      contentType: response.headers.get('content-type') ?? undefined,
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  /**
   * The object's size and its bytes as they arrive (a 20 MB object is never held whole), or undefined when there is
   * none; cancel the stream to stop reading early.
   */
  async open(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> } | undefined> {
    // The whole exchange, the body's last byte included, within the limit: 20 MB from S3 to Lambda takes well under it.
    const call: Call = { method: 'GET', key, timeoutMs: Math.max(this.timeoutMs, 30_000) };
    const response = await this.send(call);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok || !response.body) throw await this.failure(call, response);
    return { size: Number(response.headers.get('content-length') ?? 0), body: response.body };
  }

  /** Deletes the object (its current version, where the bucket keeps versions); a missing one is no error. */
  async delete(key: string): Promise<void> {
    const call: Call = { method: 'DELETE', key };
    const response = await this.send(call);
    await response.body?.cancel();
    if (!response.ok && response.status !== 404) throw await this.failure(call, response);
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
