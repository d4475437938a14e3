// The local S3 server (infra/local/s3.ts) with the API's own S3 calls (functions/s3.ts, functions/uploads.ts) and, beside
// them, the real S3 client and presigner: presigned PUTs hold to what was signed, the API's presigned URLs are the SDK's
// presigner's to the byte, objects survive a restart, CORS answers the web origin alone, loopback only; and the upload
// check streams an object's bytes through the material check.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMaterial } from '#forms/materials.js';
import { startS3, type LocalS3 } from '#infra/local/s3.js';
import { S3Objects } from '#functions/s3.js';
import { uploadKeys, Uploads } from '#functions/uploads.js';
import { checkObject } from '#functions/services/upload-check.js';
import { elf, pdf, pseudoRandom, streamObject } from '../support/files.js';

const webOrigin = 'http://127.0.0.1:3000';
const roster = findMaterial('rural-tech-association', 'member-roster')!;

let dataDir: string;
let s3: LocalS3;
let client: S3Client;
let uploads: Uploads;

async function start(): Promise<void> {
  s3 = await startS3({ dataDir, webOrigins: [webOrigin] });
  client = sdkClient(s3.credentials);
  uploads = new Uploads(new S3Objects({ bucket: s3.bucket, region: 'cn-north-1', endpoint: s3.endpoint, credentials: s3.credentials }));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-s3-'));
  await start();
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The SDK's own client, as a developer would point it at the local server (checksums only where required, as issue 14 found). */
function sdkClient(credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    region: 'cn-north-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const put = (url: string, body: Buffer, headers: Record<string, string>) => fetch(url, { method: 'PUT', body: new Uint8Array(body), headers });

async function read(key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

let next = 0;
const uploadId = () => `01JTEST${String(next++).padStart(19, '0')}`;

describe('a presigned PUT to the local S3 server', () => {
  it('stores the body it was signed for, which reads back byte for byte', async () => {
    // Prepare
    const body = pseudoRandom(100_000, 21);
    const key = uploadKeys.file(uploadId());
    const slot = await uploads.presignUpload(key, 'application/pdf', body.length, 300);

    // Act
    const answer = await put(slot.url, body, slot.headers);

    // Assess
    expect(answer.status, await answer.clone().text()).toBe(200);
    expect(slot).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf', 'if-none-match': '*' } });
    expect(Date.parse(slot.expiresAt) - Date.now()).toBeGreaterThan(290_000);
    expect((await read(key)).equals(body)).toBe(true);
  });

  it('signs Content-Length, Content-Type and If-None-Match', async () => {
    // Act
    const slot = await uploads.presignUpload(uploadKeys.file(uploadId()), 'image/jpeg', 10, 60);

    // Assess
    expect(new URL(slot.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host', 'if-none-match']));
  });

  it('is the URL the SDK’s presigner makes for the same PUT and the same instant', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const at = new Date('2026-11-29T08:00:00Z');
    const command = new PutObjectCommand({ Bucket: s3.bucket, Key: key, ContentType: 'application/pdf', ContentLength: 1234, IfNoneMatch: '*' });

    // Act
    const ours = await uploads.presignUpload(key, 'application/pdf', 1234, 600, at);
    const sdk = await getSignedUrl(client, command, { expiresIn: 600, signableHeaders: new Set(['content-type', 'if-none-match']), signingDate: at });
    // The SDK also signs its operation's name (x-id) into the query; signed the same way with it, ours is the SDK's.
    const withId = await new S3Objects({ bucket: s3.bucket, region: 'cn-north-1', endpoint: s3.endpoint, credentials: s3.credentials }).presign('PUT', key, {
      headers: { 'content-length': '1234', 'content-type': 'application/pdf', 'if-none-match': '*' },
      query: { 'x-id': 'PutObject' },
      expiresIn: 600,
      signingDate: at,
    });

    // Assess
    expect(withId.url).toBe(sdk);
    const [without, sdkWithout] = [new URL(ours.url), new URL(sdk)];
    sdkWithout.searchParams.delete('x-id');
    expect([...without.searchParams.keys()].sort()).toEqual([...sdkWithout.searchParams.keys()].sort());
    expect(ours.expiresAt).toBe('2026-11-29T08:10:00.000Z');
  });

  it('is the URL the SDK’s presigner makes for a download with a Chinese file name', async () => {
    // Prepare
    const key = uploadKeys.material('01JAPPLICATION0000000000000', '01JMATERIAL00000000000000000');
    const at = new Date('2026-11-29T08:00:00Z');
    const command = new GetObjectCommand({
      Bucket: s3.bucket,
      Key: key,
      ResponseContentDisposition: `inline; filename="____ (1).pdf"; filename*=UTF-8''${encodeURIComponent('会员名册 (1).pdf').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      ResponseContentType: 'application/pdf',
      ResponseCacheControl: 'private, no-store',
    });

    // Act
    const sdk = await getSignedUrl(client, command, { expiresIn: 300, signingDate: at });
    const ours = await uploads.presignDownload(key, { fileName: '会员名册 (1).pdf', contentType: 'application/pdf', inline: true, expiresIn: 300, signingDate: at });
    const withId = await new S3Objects({ bucket: s3.bucket, region: 'cn-north-1', endpoint: s3.endpoint, credentials: s3.credentials }).presign('GET', key, {
      query: { ...Object.fromEntries([...new URL(ours.url).searchParams].filter(([name]) => name.startsWith('response-'))), 'x-id': 'GetObject' },
      expiresIn: 300,
      signingDate: at,
    });

    // Assess: the fields Uploads signs are the SDK's, and signed with its x-id the URL is the SDK's to the byte
    const response = (url: string) => [...new URL(url).searchParams].filter(([name]) => name.startsWith('response-'));
    expect(response(ours.url)).toEqual(response(sdk));
    expect(withId.url.replace(/X-Amz-Signature=\w+/, '')).toBe(sdk.replace(/X-Amz-Signature=\w+/, ''));
    expect(new URL(withId.url).searchParams.get('X-Amz-Signature')).toBe(new URL(sdk).searchParams.get('X-Amz-Signature'));
  });

  it('refuses a body of another length', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const slot = await uploads.presignUpload(key, 'application/pdf', 1000, 300);

    // Act
    const longer = await put(slot.url, pseudoRandom(1001), slot.headers);
    const shorter = await put(slot.url, pseudoRandom(999), slot.headers);

    // Assess
    expect([longer.status, shorter.status]).toEqual([403, 403]);
    expect(await uploads.head(key)).toBeUndefined();
  });

  it('refuses another Content-Type', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const slot = await uploads.presignUpload(key, 'application/pdf', 1000, 300);

    // Act
    const answer = await put(slot.url, pseudoRandom(1000), { 'content-type': 'text/html' });

    // Assess
    expect(answer.status).toBe(403);
    expect(await uploads.head(key)).toBeUndefined();
  });

  it('writes once: the same URL again is 412, and the bytes first written stay', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const first = pseudoRandom(2000, 1);
    const slot = await uploads.presignUpload(key, 'application/pdf', first.length, 300);
    expect((await put(slot.url, first, slot.headers)).status).toBe(200);

    // Act
    const again = await put(slot.url, pseudoRandom(2000, 2), slot.headers);

    // Assess
    expect(again.status).toBe(412);
    expect(await again.text()).toContain('PreconditionFailed');
    expect((await read(key)).equals(first)).toBe(true);
  });

  it('lets one of two racing PUTs of a key write, and shows no object while it is written', async () => {
    // Prepare: a slow body, sent in pieces
    const key = uploadKeys.file(uploadId());
    const body = pseudoRandom(300_000, 3);
    const slot = await uploads.presignUpload(key, 'application/pdf', body.length, 300);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(body.subarray(0, 100_000)));
        await held;
        controller.enqueue(new Uint8Array(body.subarray(100_000)));
        controller.close();
      },
    });

    // Act
    const writing = fetch(slot.url, { method: 'PUT', body: slow, headers: { ...slot.headers, 'content-length': String(body.length) }, duplex: 'half' } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const headWhile = await uploads.head(key);
    const racing = await put(slot.url, pseudoRandom(body.length, 4), slot.headers);
    release();
    const written = await writing;

    // Assess
    expect(headWhile).toBeUndefined();
    expect(racing.status).toBe(409);
    expect(written.status).toBe(200);
    expect((await read(key)).equals(body)).toBe(true);
  });

  it('refuses a tampered signature, another key in the same URL, and no signature at all', async () => {
    // Prepare
    const body = pseudoRandom(500);
    const key = uploadKeys.file(uploadId());
    const slot = await uploads.presignUpload(key, 'application/pdf', body.length, 300);
    const url = new URL(slot.url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const elsewhere = new URL(url);
    elsewhere.pathname = elsewhere.pathname.replace(/[^/]+$/, uploadId());

    // Act
    const answers = await Promise.all([
      put(tampered.href, body, slot.headers),
      put(elsewhere.href, body, slot.headers),
      put(`${url.origin}${url.pathname}`, body, slot.headers),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
    expect(await uploads.head(key)).toBeUndefined();
  });

  it('refuses a client signing with another secret', async () => {
    // Prepare
    const wrong = sdkClient({ accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'not-it' });

    // Act
    const answer = wrong.send(new PutObjectCommand({ Bucket: s3.bucket, Key: uploadKeys.file(uploadId()), Body: pseudoRandom(10) }));

    // Assess
    await expect(answer).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    wrong.destroy();
  });

  it("refuses S3rver's built-in pair (S3RVER/S3RVER, known to everyone): only the data folder's own key reads, lists or writes", async () => {
    // Prepare: an object written with the folder's key, and a client with the package's pair
    const key = uploadKeys.file(uploadId());
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: pseudoRandom(10), ContentLength: 10 }));
    const known = sdkClient({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

    // Act
    const read = known.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const write = known.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: pseudoRandom(20), ContentLength: 20 }));

    // Assess: both 403, the object as written
    await expect(read).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(write).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect((await uploads.head(key))?.size).toBe(10);
    expect(s3.credentials.accessKeyId).not.toBe('S3RVER');
    expect(statSync(join(dataDir, 's3-credentials.json')).mode & 0o777).toBe(0o600);
    known.destroy();
  });

  it('refuses a URL meant to last over a week, or for a time that is no number, and keeps serving', async () => {
    // Prepare: a presigned GET with a forged signature, the current date and a week and more (the signer throws a
    // string on those, which once took the server down), or nonsense
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const forged = (expires: string) =>
      `${s3.endpoint}/${s3.bucket}/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${s3.credentials.accessKeyId}%2F${date.slice(0, 8)}%2Fcn-north-1%2Fs3%2Faws4_request` +
      `&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${'0'.repeat(64)}`;

    // Act
    const answers = await Promise.all(['700000', '604801', '1e9', 'x', '-5'].map((expires) => fetch(forged(expires))));
    const after = await fetch(forged('60'));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await answers[0].text()).toContain('AuthorizationQueryParametersError');
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('SignatureDoesNotMatch');
  });

  it('refuses an expired URL', async () => {
    // Prepare: signed ten minutes ago for one minute
    const key = uploadKeys.file(uploadId());
    const command = new PutObjectCommand({ Bucket: s3.bucket, Key: key, ContentType: 'application/pdf', ContentLength: 10 });
    const url = await getSignedUrl(client, command, { expiresIn: 60, signableHeaders: new Set(['content-type']), signingDate: new Date(Date.now() - 600_000) });

    // Act
    const answer = await put(url, pseudoRandom(10), { 'content-type': 'application/pdf' });

    // Assess
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('Request has expired');
  });
});

describe('a presigned download', () => {
  it('answers the file name (RFC 5987), the checked type and no caching, and lasts five minutes at most', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const body = pdf();
    const slot = await uploads.presignUpload(key, 'application/pdf', body.length, 60);
    expect((await put(slot.url, body, slot.headers)).status).toBe(200);

    // Act
    const link = await uploads.presignDownload(key, { fileName: '会员名册 "2026".pdf', contentType: 'application/pdf', inline: true, expiresIn: 3600 });
    const answer = await fetch(link.url);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe(`inline; filename="____ _2026_.pdf"; filename*=UTF-8''${encodeURIComponent('会员名册 _2026_.pdf')}`);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await answer.arrayBuffer()).equals(body)).toBe(true);
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
  });
});

describe('the upload check through the local server', () => {
  async function uploaded(body: Buffer, contentType = 'application/pdf'): Promise<string> {
    const id = uploadId();
    const slot = await uploads.presignUpload(uploadKeys.file(id), contentType, body.length, 60);
    const answer = await put(slot.url, body, slot.headers);
    expect(answer.status).toBe(200);
    return id;
  }

  it('finds nothing before the bytes arrive', async () => {
    // Act
    const result = await checkObject(uploads.s3, uploadId(), { size: 100 }, roster);

    // Assess
    expect(result).toEqual({ status: 'absent' });
  });

  it('makes a good PDF ready with its SHA-256 where it was written, and keeps it there', async () => {
    // Prepare: 5 MB of image data, streamed from the server in the SDK's chunks
    const body = pdf({ objects: [streamObject('/Filter /DCTDecode', pseudoRandom(5 * 1024 * 1024, 8))] });
    const id = await uploaded(body);

    // Act
    const result = await checkObject(uploads.s3, id, { size: body.length }, roster);
    const again = await checkObject(uploads.s3, id, { size: body.length }, roster);

    // Assess
    const { createHash } = await import('node:crypto');
    expect(result).toEqual({ status: 'ready', kind: 'pdf', contentType: 'application/pdf', size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    expect(again).toEqual(result);
    expect((await read(uploadKeys.file(id))).equals(body)).toBe(true);
  });

  it('refuses an executable sent as a PDF, naming the material, and keeps none of its bytes', async () => {
    // Prepare
    const body = elf(64 * 1024);
    const id = await uploaded(body);

    // Act
    const result = await checkObject(uploads.s3, id, { size: body.length }, roster);

    // Assess
    expect(result).toEqual({ status: 'refused', code: 'unrecognised', reason: '「会员名册」的文件内容不是 PDF、JPEG、PNG 或 OFD（检测到可执行程序），请上传原件扫描件或照片' });
    expect(await uploads.head(uploadKeys.file(id))).toBeUndefined();
  });

  it('refuses an upload whose size is not the one declared', async () => {
    // Prepare
    const id = await uploaded(pdf());

    // Act
    const result = await checkObject(uploads.s3, id, { size: pdf().length + 1 }, roster);

    // Assess
    expect(result).toMatchObject({ status: 'refused', code: 'size_mismatch' });
    expect(await uploads.head(uploadKeys.file(id))).toBeUndefined();
  });
});

describe('the local S3 server itself', () => {
  it('keeps objects across a stop and a start on the same folder', async () => {
    // Prepare
    const key = uploadKeys.file(uploadId());
    const body = pseudoRandom(4096, 99);
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: 'application/pdf' }));
    const before = s3.port;

    // Act
    client.destroy();
    await s3.stop();
    await start();

    // Assess
    expect(s3.port).not.toBe(0);
    expect(before).toBeGreaterThan(0);
    expect((await read(key)).equals(body)).toBe(true);
  });

  it('answers a CORS preflight from the web origin, and not from another origin', async () => {
    // Prepare
    const url = `${s3.endpoint}/${s3.bucket}/${uploadKeys.file(uploadId())}`;
    const preflight = (origin: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });

    // Act
    const allowed = await preflight(webOrigin);
    const other = await preflight('https://evil.example.org');

    // Assess
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a preflight asking for a header the rule does not allow', async () => {
    // Act
    const answer = await fetch(`${s3.endpoint}/${s3.bucket}/x`, {
      method: 'OPTIONS',
      headers: { origin: webOrigin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-amz-acl' },
    });

    // Assess
    expect(answer.status).toBe(403);
  });

  it('listens on 127.0.0.1 alone: another address of the machine, though reachable, finds no server on its port', async () => {
    // Prepare: 127.0.0.2 is this machine too (the whole 127/8 is loopback), and a server listening there is reached,
    // so a refusal on it means the S3 server is bound to 127.0.0.1, not to every address. (Other interfaces' private
    // addresses are not dialled from tests here: only loopback traffic is.)
    const control = createServer((socket) => socket.end());
    await new Promise<void>((done, fail) => control.once('error', fail).listen(0, '127.0.0.2', done));
    const controlPort = (control.address() as { port: number }).port;
    const dial = (host: string, port: number) =>
      new Promise<string>((done) => {
        const socket = connect({ host, port }, () => {
          socket.destroy();
          done('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
        socket.setTimeout(2_000, () => {
          socket.destroy();
          done('timeout');
        });
      });

    // Act
    const results = { control: await dial('127.0.0.2', controlPort), s3Elsewhere: await dial('127.0.0.2', s3.port), s3: await dial('127.0.0.1', s3.port) };
    control.close();

    // Assess
    expect(results).toEqual({ control: 'connected', s3Elsewhere: 'ECONNREFUSED', s3: 'connected' });
  });
});
