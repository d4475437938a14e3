// The export function's one SSM call (functions/ssm-parameter.ts), against a local server standing in for SSM: the
// request is GetParameter in AWS JSON 1.1, and its SigV4 signature, recomputed from what arrived, is the one sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256Js as Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readParameter, ssmEndpoint } from '#functions/ssm-parameter.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
let server: Server;
let endpoint: string;
let received: Received[] = [];
let answers: { status: number; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = answers.shift() ?? { status: 500, body: { __type: 'InternalServerError', message: 'no answer left' } };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', credentials.sessionToken);
});

afterEach(() => {
  received = [];
  answers = [];
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

describe('readParameter', () => {
  it('sends a GetParameter signed for ssm in the region, and answers the value', async () => {
    // Prepare
    answers.push({ status: 200, body: { Parameter: { Name: '/stack/audience', Type: 'String', Value: 'web-client-id', Version: 1 } } });

    // Act
    const value = await readParameter('/stack/audience', { region: 'us-east-1', endpoint });

    // Assess
    expect(value).toBe('web-client-id');
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/', body: JSON.stringify({ Name: '/stack/audience' }) });
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
      'x-amz-security-token': credentials.sessionToken,
    });
    const authorization = request.headers.authorization!;
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/\\d{8}/us-east-1/ssm/aws4_request, SignedHeaders=`));
    expect(authorization.split('SignedHeaders=')[1]).toMatch(/(^|;)host;.*x-amz-date;.*x-amz-target/);
  });

  it('signs what arrives: the signature recomputed from the received request, host and all, is the one sent', async () => {
    // Prepare
    answers.push({ status: 200, body: { Parameter: { Value: 'v' } } });
    await readParameter('/p', { region: 'cn-north-1', endpoint });
    const [request] = received;
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(request.headers.authorization!)![1].split(';');
    const amzDate = request.headers['x-amz-date'] as string;
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const url = new URL(endpoint);

    // Act: an independent signer (the SDK's, with the SDK's pure-JS SHA-256) over the request as the server saw it
    const expected = await new SignatureV4({ service: 'ssm', region: 'cn-north-1', credentials, sha256: Sha256 }).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: request.url,
        query: {},
        headers: Object.fromEntries(signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token').map((h) => [h, String(request.headers[h])])),
        body: request.body,
      },
      { signingDate },
    );

    // Assess
    expect(request.headers.authorization).toBe(expected.headers.authorization);
  });

  it('names the parameter and SSM’s error when the parameter is missing, without retrying', async () => {
    // Prepare
    answers.push({ status: 400, body: { __type: 'ParameterNotFound', message: '' } });

    // Act
    const reading = readParameter('/stack/missing', { region: 'us-east-1', endpoint });

    // Assess
    await expect(reading).rejects.toThrow(/SSM parameter \/stack\/missing: 400 ParameterNotFound/);
    expect(received).toHaveLength(1);
  });

  it('retries throttling and server errors, three attempts in all', async () => {
    // Prepare
    answers.push({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }, { status: 503, body: {} }, { status: 200, body: { Parameter: { Value: 'third time' } } });

    // Act
    const value = await readParameter('/p', { region: 'us-east-1', endpoint });

    // Assess
    expect(value).toBe('third time');
    expect(received).toHaveLength(3);
  });
});

describe('ssmEndpoint', () => {
  it('is the regional endpoint, under amazonaws.com.cn in the China regions', () => {
    // Assess
    expect(ssmEndpoint('us-east-1')).toBe('https://ssm.us-east-1.amazonaws.com');
    expect(ssmEndpoint('cn-north-1')).toBe('https://ssm.cn-north-1.amazonaws.com.cn');
  });
});
