// The local stack's own endpoints are not the API's: the local engine's Step Functions endpoint answers only on
// 127.0.0.1, on a port of its own, to requests signed (SigV4) with the key made at this start; DynamoDB Local
// answers only on 127.0.0.1. Nothing of either is reachable through the API's port or another address of the machine.
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { ListExecutionsCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '#functions/sha256.js';
import { stackForFile } from '../support/local.js';

const file = stackForFile();
const REGION = 'cn-north-1';
const STATE_MACHINE_ARN = `arn:aws-cn:states:${REGION}:000000000000:stateMachine:approval`;
const AWS_ERROR = { __type: expect.stringMatching(/#\w+Exception$/), message: expect.any(String) };

const sfnClient = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new SFNClient({ region: REGION, endpoint, credentials, maxAttempts: 1 });

/** What the SDK's error says of the answer: its HTTP status and type. */
async function refusal(send: Promise<unknown>) {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SFNServiceException);
  const e = error as SFNServiceException;
  return { status: e.$metadata.httpStatusCode, name: e.name };
}

/** A ListExecutions request as the SDK sends it, signed with `credentials` at `date`. */
async function signed(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, body: string, date = new Date()) {
  const { hostname, port } = new URL(url);
  const signer = new SignatureV4({ service: 'states', region: REGION, credentials, sha256: Sha256 });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: '/',
      headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' },
      body,
    },
    { signingDate: date },
  );
  return request.headers as Record<string, string>;
}

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) }));

describe('the local Step Functions endpoint', () => {
  it('listens on 127.0.0.1, on its own port, not the API’s', () => {
    const { sfn, url, port } = file.api.stack;
    expect(new URL(sfn.url).hostname).toBe('127.0.0.1');
    expect(Number(new URL(sfn.url).port)).not.toBe(port);
    expect(new URL(url).port).toBe(String(port));
  });

  it('answers the app’s client, signing with this start’s key', async () => {
    const { sfn } = file.api.stack;
    const client = sfnClient(sfn.url, sfn.credentials);
    const out = await client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1 }));
    client.destroy();
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.executions).toEqual(expect.any(Array));
  });

  it('refuses a request without credentials: 403 in the AWS error shape', async () => {
    const body = JSON.stringify({ stateMachineArn: STATE_MACHINE_ARN });
    const out = await post(file.api.stack.sfn.url, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' }, body);
    expect(out.status).toBe(403);
    expect(out.body).toEqual(AWS_ERROR);
    expect(out.body.__type).toMatch(/MissingAuthenticationTokenException$/);
  });

  it('refuses the right key id with a wrong secret, and a key of its own making', async () => {
    const { sfn } = file.api.stack;
    const wrongSecret = sfnClient(sfn.url, { accessKeyId: sfn.credentials.accessKeyId, secretAccessKey: 'guessed' });
    expect(await refusal(wrongSecret.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN })))).toEqual({ status: 403, name: 'InvalidSignatureException' });
    wrongSecret.destroy();
    // The key id and secret every local stack used before: 'local'.
    const oldLocal = sfnClient(sfn.url, { accessKeyId: 'local', secretAccessKey: 'local' });
    expect(await refusal(oldLocal.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN })))).toEqual({ status: 403, name: 'UnrecognizedClientException' });
    oldLocal.destroy();
  });

  it('refuses a signed request whose body was changed after signing, and one signed too long ago', async () => {
    const { sfn } = file.api.stack;
    const body = JSON.stringify({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1 });
    const headers = await signed(sfn.url, sfn.credentials, body);
    // As signed it is answered (the signing here is right) ...
    expect((await post(sfn.url, headers, body)).status).toBe(200);
    // ... changed, it is not: once with the body's hash header left as signed, once with it dropped.
    const tampered = body.replace('"maxResults":1', '"maxResults":100');
    const changed = await post(sfn.url, headers, tampered);
    expect(changed.status).toBe(403);
    expect(changed.body.__type).toMatch(/InvalidSignatureException$/);
    const { 'x-amz-content-sha256': hash, ...withoutHash } = headers;
    expect(hash).toBe(createHash('sha256').update(body).digest('hex'));
    expect((await post(sfn.url, withoutHash, body)).status).toBe(403);
    // A well-signed request of ten minutes ago (a replay) is refused too.
    const old = await post(sfn.url, await signed(sfn.url, sfn.credentials, body, new Date(Date.now() - 10 * 60_000)), body);
    expect(old.status).toBe(403);
    expect(old.body.message).toMatch(/expired/i);
  });

  it('is not served on the API’s port: /__local/sfn answers 404, signed or not', async () => {
    const { sfn, url } = file.api.stack;
    const body = JSON.stringify({ stateMachineArn: STATE_MACHINE_ARN });
    const unsigned = await post(`${url}/__local/sfn`, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' }, body);
    expect(unsigned.status).toBe(404);
    const onApiPort = sfnClient(`${url}/__local/sfn`, sfn.credentials);
    expect((await refusal(onApiPort.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN })))).status).toBe(404);
    onApiPort.destroy();
  });
});

/** The machine's first IPv4 address that is not loopback (eth0's, typically), if it has one. */
const otherAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/** Whether a TCP connection to host:port is accepted: 'connected', or the error's code. */
const tryConnect = (host: string, port: number) =>
  new Promise<string>((done) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });

describe('not reachable on another address of this machine', () => {
  const title = otherAddress
    ? `DynamoDB Local and the engine's endpoint refuse connections on ${otherAddress}, accept them on 127.0.0.1`
    : 'DynamoDB Local and the engine’s endpoint on 127.0.0.1 only: not checked, this machine has no non-loopback IPv4 address';
  it.skipIf(!otherAddress)(title, async () => {
    const dynamoPort = Number(new URL(file.h.dynamo.endpoint).port);
    const sfnPort = Number(new URL(file.api.stack.sfn.url).port);
    expect(await tryConnect('127.0.0.1', dynamoPort)).toBe('connected');
    expect(await tryConnect(otherAddress!, dynamoPort)).toBe('ECONNREFUSED');
    expect(await tryConnect('127.0.0.1', sfnPort)).toBe('connected');
    expect(await tryConnect(otherAddress!, sfnPort)).toBe('ECONNREFUSED');
  });
});
