// The Step Functions API of the local engine, in AWS's JSON 1.0 protocol, so the app's real SFNClient
// talks to it as it talks to AWS: only the endpoint differs. Nobody else may: it starts, stops, lists and
// answers every execution. It listens on 127.0.0.1 only, on a port of its own (never the API's), and checks
// each request's SigV4 signature against a key made for this start alone, which only the app's client holds.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '#functions/sha256.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hono, type Context } from 'hono';
import type { LocalEngine } from './engine/api.js';
import { SfnApiError } from './engine/errors.js';
import { listen } from './listen.js';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SfnEndpoint {
  /** Where the app's SFNClient points (SFN_ENDPOINT). */
  url: string;
  /** The key it signs with: made at this start, valid until it stops. */
  credentials: LocalCredentials;
  /** Starts answering with `engine` (made after the clients, which need this endpoint's URL). */
  serve: (engine: LocalEngine) => void;
  close: () => Promise<void>;
}

const SERVICE = 'states';
/** How far a request's signing time may be from now, as AWS allows. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** The engine's requests are small (an execution's input is one application's summary). */
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/x-amz-json-1.0';

/** A random key for one start of the local stack. */
function localCredentials(): LocalCredentials {
  return { accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

/** Listens on 127.0.0.1, on a free port; answers 503 until `serve(engine)`. */
export async function startSfnEndpoint(options: { region: string; credentials?: LocalCredentials }): Promise<SfnEndpoint> {
  const credentials = options.credentials ?? localCredentials();
  let engine: LocalEngine | undefined;
  const app = sfnApi(() => engine, { region: options.region, credentials });
  const listener = await listen(app.fetch, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${listener.port}`,
    credentials,
    serve: (e) => (engine = e),
    close: listener.close,
  };
}

function sfnApi(engine: () => LocalEngine | undefined, auth: { region: string; credentials: LocalCredentials }) {
  const verifier = new SignatureV4({ service: SERVICE, region: auth.region, credentials: auth.credentials, sha256: Sha256, applyChecksum: false });
  const r = new Hono();
  r.all('*', async (c) => {
    if (Number(c.req.header('content-length') ?? 0) > MAX_BODY_BYTES) return awsError(c, 413, 'SerializationException', 'request too large');
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.length > MAX_BODY_BYTES) return awsError(c, 413, 'SerializationException', 'request too large');
    const refused = await checkSignature(c, raw, verifier, auth.credentials.accessKeyId, auth.region);
    if (refused) return awsError(c, 403, refused.type, refused.message);
    const running = engine();
    if (!running) return awsError(c, 503, 'ServiceUnavailable', 'the local engine is starting');
    const target = c.req.header('x-amz-target') ?? '';
    const operation = target.replace(/^AWSStepFunctions\./, '');
    let body: Record<string, any>;
    try {
      body = raw.length ? JSON.parse(Buffer.from(raw).toString('utf8')) : {};
    } catch {
      return awsError(c, 400, 'SerializationException', 'the body is not JSON');
    }
    const reply = (payload: unknown) => c.body(JSON.stringify(payload ?? {}), 200, { 'content-type': JSON_TYPE });
    try {
      switch (operation) {
        case 'StartExecution':
          return reply(await running.startExecution(body.stateMachineArn, body.name, body.input ?? '{}'));
        case 'SendTaskSuccess':
          await running.sendTaskSuccess(body.taskToken, body.output);
          return reply({});
        case 'DescribeExecution':
          return reply(await running.describeExecution(body.executionArn));
        case 'ListExecutions':
          return reply(await running.listExecutions(body.stateMachineArn, body.maxResults));
        default:
          throw new SfnApiError('UnknownOperationException', `the local engine does not implement ${operation || 'this operation'}`);
      }
    } catch (error) {
      const known = error instanceof SfnApiError;
      return awsError(c, known ? error.status : 500, known ? error.type : 'InternalFailure', (error as Error).message);
    }
  });
  return r;
}

/** An error as AWS's JSON protocol answers one (the SDK reads the type from `__type` or the header). */
function awsError(c: Context, status: number, type: string, message: string) {
  return c.body(JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${type}`, message }), status as 400, {
    'content-type': JSON_TYPE,
    'x-amzn-errortype': type,
  });
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies the request's SigV4 signature: the canonical request rebuilt from the method, path, query, the headers
 * the Authorization header lists as signed, and the body as received; signed again with the key; the two
 * signatures compared in constant time. The signing time must be within MAX_CLOCK_SKEW_MS of now. Returns why a
 * request is refused, or undefined if it is signed with the key.
 */
async function checkSignature(
  c: Context,
  body: Uint8Array,
  verifier: SignatureV4,
  accessKeyId: string,
  region: string,
): Promise<{ type: string; message: string } | undefined> {
  const authorization = c.req.header('authorization');
  if (!authorization) return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return { type: 'IncompleteSignatureException', message: 'the Authorization header is not a SigV4 signature' };
  const [, keyId, scopeDate, scopeRegion, scopeService, signedList, signature] = match;
  if (keyId !== accessKeyId) return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const invalid = (why: string) => ({ type: 'InvalidSignatureException', message: why });
  if (scopeRegion !== region || scopeService !== SERVICE) return invalid(`the credential scope must be ${region}/${SERVICE}`);
  const amzDate = c.req.header('x-amz-date') ?? '';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!date) return invalid('X-Amz-Date is missing or malformed');
  const signingDate = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]));
  if (scopeDate !== amzDate.slice(0, 8)) return invalid('the credential scope’s date is not X-Amz-Date’s');
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) return invalid('Signature expired: X-Amz-Date is more than 5 minutes from now');
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return invalid('host and x-amz-date must be signed');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = c.req.header(name);
    if (value === undefined) return invalid(`the signed header ${name} is missing`);
    headers[name] = value;
  }
  // The signer takes a body hash from this header when it is there: make it the hash of the body received,
  // so that a body changed after signing changes the signature rather than being vouched for by the header.
  if ('x-amz-content-sha256' in headers) headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const url = new URL(c.req.url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const before = query[name];
    query[name] = before === undefined ? value : [before, value].flat();
  }
  const expected = await verifier.sign(
    { method: c.req.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port) || undefined, path: url.pathname, query, headers, body },
    { signingDate, signableHeaders: new Set(signed) },
  );
  const computed = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
  if (computed.length !== signature.length || !timingSafeEqual(Buffer.from(computed), Buffer.from(signature))) {
    return invalid('The request signature we calculated does not match the signature you provided.');
  }
  return undefined;
}

