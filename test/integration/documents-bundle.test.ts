// The documents' Lambda bundle as deployed, run by itself: built with the project's esbuild options into a folder with
// no node_modules, the data files its code names beside it (as infra/bundling.ts copies them), its handler called with
// an HTTP API event carrying a Cognito-style ID token (verified against a key set served here), reading an application
// from DynamoDB Local. Its answer is the PDF, base64 as API Gateway wants a binary body: pdfkit and the font work there.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatCaseNumber } from '#functions/domain/case-number.js';
import { dataFiles, esbuildOptions, lambdaEntries, projectRoot } from '#infra/bundling.js';
import { freePort } from '#infra/local/stack.js';
import { harness, chainTokens, taskInInbox, type Client, type Harness } from '../support/local.js';
import { readPdf, squeezed } from '../support/pdf.js';
import { ORG, submission } from '../support/submissions.js';

const AUDIENCE = 'web-client-id';
let h: Harness;
let api: Client;
let server: Server;
let issuer: string;
let key: CryptoKey;
let dir: string;

beforeAll(async () => {
  // Prepare: an application in a stack's table, a key set to verify tokens with, the bundle and its data files
  h = await harness();
  api = await h.start();
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const keys = [{ ...(await exportJWK(pair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }];
  const port = await freePort();
  server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  issuer = `http://127.0.0.1:${port}`;
  dir = mkdtempSync(path.join(tmpdir(), 'documents-lambda-'));
  const result = await build({ ...esbuildOptions, entryPoints: [path.join(projectRoot, lambdaEntries.documents)], outfile: path.join(dir, 'index.mjs'), absWorkingDir: projectRoot, logLevel: 'silent' });
  expect(result.errors).toEqual([]);
  const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
  for (const file of dataFiles) if (code.includes(path.basename(file))) copyFileSync(path.join(projectRoot, file), path.join(dir, path.basename(file)));
}, 60_000);

afterAll(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('answers GET /v1/applications/{id}/documents/receipt with the PDF, base64 for API Gateway, from a folder without node_modules', async () => {
  // Prepare: the organisation's application, and its ID token as Cognito would sign it
  const t = await chainTokens(api);
  const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: submission('commissioner-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  await taskInInbox(api, t.township, out.body.id);
  const token = await new SignJWT({ token_use: 'id', 'cognito:username': 'lianzhou', 'custom:role': 'applicant', 'custom:org': ORG })
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .setSubject('applicant-1')
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
  const rawPath = `/v1/applications/${out.body.id}/documents/receipt`;
  const event = {
    version: '2.0',
    routeKey: 'ANY /v1/applications/{id}/documents/{kind}',
    rawPath,
    rawQueryString: '',
    headers: { authorization: `Bearer ${token}`, host: 'api.example.cn' },
    requestContext: { http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'r-1', stage: '$default', domainName: 'api.example.cn', routeKey: 'ANY /v1/applications/{id}/documents/{kind}' },
    pathParameters: { id: out.body.id, kind: 'receipt' },
    isBase64Encoded: false,
  };
  const script = `
    const { handler } = await import(${JSON.stringify(path.join(dir, 'index.mjs'))});
    const answer = await handler(${JSON.stringify(event)}, {});
    (await import('node:fs')).writeFileSync('answer.json', JSON.stringify(answer));`;

  // Act: as Lambda runs it (its own process, its environment only)
  await promisify(execFile)(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      TABLE_NAME: `applications${api.suffix}`,
      DYNAMODB_ENDPOINT: h.dynamo.endpoint,
      AWS_REGION: 'cn-north-1',
      AUTH_MODE: 'cognito',
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: AUDIENCE,
    },
  });
  // (Its log lines go to stdout, as in Lambda; the answer to a file.)
  const answer = JSON.parse(readFileSync(path.join(dir, 'answer.json'), 'utf8')) as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

  // Assess
  expect(answer.statusCode, answer.isBase64Encoded ? '' : answer.body).toBe(200);
  expect(answer.isBase64Encoded).toBe(true);
  expect(answer.headers['content-type']).toBe('application/pdf');
  const bytes = Buffer.from(answer.body, 'base64');
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const pdf = await readPdf(bytes);
  expect(pdf.info.Title).toBe('受理回执');
  expect(pdf.text).toContain(squeezed(formatCaseNumber(out.body.caseNo)));
  expect(pdf.text).toContain(out.body.form.organisation.name);
}, 60_000);
