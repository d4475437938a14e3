// functions/export.ts as Lambda runs it (streamHandle over a Function URL event), against DynamoDB Local: the CSV
// reaches the response stream in several writes, BOM first, and the app still checks the token itself.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryRecord } from '#functions/domain/registry.js';
import { freePort } from '#infra/local/stack.js';
import { harness, type Harness } from '../support/local.js';
import { parseCsv, seedEntries } from './registry-fixtures.js';

const AUDIENCE = 'web-client-id';
/** More than one page of the export (200 records): one write for the header, then one a page. */
const RECORDS = 450;

let h: Harness;
let jwks: Server;
let issuer: string;
let key: CryptoKey;
let handler: (event: unknown, stream: Writable, context: unknown) => Promise<void>;
const metadata: { statusCode: number; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  h = await harness();
  const api = await h.start();
  const records: RegistryRecord[] = Array.from({ length: RECORDS }, (_, i) => ({
    certificateNo: `GDKX-2020-${String(i + 1).padStart(6, '0')}`,
    id: ulid(Date.UTC(2020, 0, 1) + i),
    type: 'society-station',
    regionCode: '441882',
    approvedAt: new Date(Date.UTC(2020, 0, 1, 0, 0, 0, i)).toISOString(),
    name: `服务站${i}`,
    organisation: `单位${i}`,
    status: 'ACTIVE',
    validUntil: null,
  }));
  await seedEntries(api.stack.services, records);

  // Cognito as the function sees it: an issuer serving its key set.
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const keys = [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }];
  const port = await freePort();
  jwks = createServer((_, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
  await new Promise<void>((done) => jwks.listen(port, '127.0.0.1', done));
  issuer = `http://127.0.0.1:${port}`;

  // The Lambda runtime's globals, as far as streamHandle uses them.
  (globalThis as any).awslambda = {
    streamifyResponse: (fn: unknown) => fn,
    HttpResponseStream: { from: (stream: Writable, meta: (typeof metadata)[number]) => (metadata.push(meta), stream) },
  };
  Object.assign(process.env, {
    TABLE_NAME: `applications${api.suffix}`,
    DYNAMODB_ENDPOINT: h.dynamo.endpoint,
    AWS_REGION: 'cn-north-1',
    AUTH_MODE: 'cognito',
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: AUDIENCE,
  });
  ({ handler } = (await import('#functions/export.js')) as unknown as { handler: typeof handler });
});
afterAll(async () => {
  delete (globalThis as any).awslambda;
  for (const name of ['TABLE_NAME', 'DYNAMODB_ENDPOINT', 'AUTH_MODE', 'JWT_ISSUER', 'JWT_AUDIENCE']) delete process.env[name];
  await new Promise<void>((done) => (jwks ? jwks.close(() => done()) : done()));
  await h?.close();
});

/** A Function URL event (payload format 2.0), as Lambda hands it over. */
function event(path: string, headers: Record<string, string> = {}) {
  const host = 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.cn-north-1.on.aws';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host, ...headers },
    requestContext: { domainName: host, requestId: 'req-1', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
    isBase64Encoded: false,
  };
}

/** Invokes the handler with a response stream that keeps each write. */
async function invoke(path: string, headers?: Record<string, string>) {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      writes.push(Buffer.from(chunk));
      done();
    },
  });
  const before = metadata.length;
  await handler(event(path, headers), stream, {});
  return { meta: metadata[before], writes, body: Buffer.concat(writes) };
}

const adminToken = () =>
  new SignJWT({ token_use: 'id', 'custom:role': 'admin', name: '省科协管理员' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('admin-1')
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

describe('the streamed export (functions/export.ts)', () => {
  it('writes the CSV in several chunks, the BOM first, every record once', async () => {
    // Act
    const { meta, writes, body } = await invoke('/v1/registry/export', { authorization: `Bearer ${await adminToken()}` });

    // Assess
    expect(meta.statusCode).toBe(200);
    expect(meta.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(writes.length).toBeGreaterThanOrEqual(1 + Math.ceil(RECORDS / 200));
    expect([...writes[0].subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(body).slice(1)).slice(1);
    expect(rows).toHaveLength(RECORDS);
  });

  it('answers 401 without a token: the app checks it, the Function URL does not', async () => {
    // Act
    const { meta, body } = await invoke('/v1/registry/export');

    // Assess
    expect(meta.statusCode).toBe(401);
    expect(meta.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({ error: 'unauthorized' });
  });

  it('answers 404 for any other route: the rest of the API stays behind the HTTP API', async () => {
    // Act
    const { meta } = await invoke('/v1/registry', { authorization: `Bearer ${await adminToken()}` });
    const anonymous = await invoke('/v1/applications');

    // Assess
    expect(meta.statusCode).toBe(404);
    expect(anonymous.meta.statusCode).toBe(404);
  });
});
