// An answer sent before the request's body was read (413 from the body limit, 401 before a handler reads it)
// leaves the connection usable, or says `Connection: close`: a client that pools connections gets an HTTP
// answer to every request that follows, never "other side closed" (issue 19).
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { stackForFile } from '../support/local.js';
import { submission } from '../support/submissions.js';

const file = stackForFile();
const TOWNSHIP = '441882102';

/** A submission of about `bytes`, over the API's 256 KiB limit when `bytes` is. */
const oversized = (bytes: number) => JSON.stringify({ ...submission('society-station', TOWNSHIP), padding: 'x'.repeat(bytes) });

describe('after an early answer, the pooled connection', () => {
  it('serves the next requests of a pooling client (fetch): an oversized submission, then a submission and a list without a token', async () => {
    const { url } = file.api.stack;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${file.tokens.applicant}` };
    const answers: (number | string)[] = [];
    const send = (path: string, init: RequestInit) =>
      fetch(`${url}${path}`, init).then(
        async (r) => (await r.text(), answers.push(r.status)),
        (error: Error & { cause?: { code?: string } }) => answers.push(error.cause?.code ?? error.message),
      );
    const oversizedSubmission = () => send('/v1/applications', { method: 'POST', headers, body: oversized(300 * 1024) });
    const aSubmission = () => send('/v1/applications', { method: 'POST', headers, body: JSON.stringify(submission('society-station', TOWNSHIP)) });
    const aListWithoutToken = () => send('/v1/applications', { method: 'GET' });
    // The two ordinary requests in both orders: the one right after the early answer goes on the connection it left.
    await oversizedSubmission();
    await aListWithoutToken();
    await aSubmission();
    await oversizedSubmission();
    await aSubmission();
    await aListWithoutToken();
    expect(answers).toEqual([413, 401, 201, 413, 201, 401]);
  });

  it('is used again after a body left unread, or closed by an answer that says so', async () => {
    const { port } = file.api.stack;
    // One connection at most, kept alive: every request goes on it while the server keeps it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, options: { body?: string; token?: string; chunked?: boolean } = {}) =>
      new Promise<{ status: number; connection?: string; reused: boolean }>((done, fail) => {
        const req = request({
          agent,
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: {
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(options.body !== undefined && !options.chunked ? { 'content-length': Buffer.byteLength(options.body) } : {}),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
        });
        req.once('response', (res) => {
          res.resume();
          res.once('end', () => done({ status: res.statusCode!, connection: res.headers.connection, reused: req.reusedSocket }));
        });
        req.once('error', fail);
        if (options.body !== undefined) req.write(options.body);
        req.end();
      });
    const applicant = file.tokens.applicant;
    try {
      expect(await send('GET', '/v1/forms')).toMatchObject({ status: 200, reused: false });
      // Over the limit but within what the server reads and drops: the same connection goes on.
      expect(await send('POST', '/v1/applications', { body: oversized(300 * 1024), token: applicant })).toMatchObject({ status: 413, connection: 'keep-alive', reused: true });
      expect(await send('GET', '/v1/forms')).toMatchObject({ status: 200, reused: true });
      // Refused before the body is read (no token), below the limit: likewise.
      expect(await send('POST', '/v1/applications', { body: oversized(200 * 1024) })).toMatchObject({ status: 401, connection: 'keep-alive', reused: true });
      expect(await send('GET', '/v1/forms')).toMatchObject({ status: 200, reused: true });
      // Far over the limit, or of a length not declared (chunked): the answer says the connection closes ...
      expect(await send('POST', '/v1/applications', { body: oversized(3 * 1024 * 1024), token: applicant })).toMatchObject({ status: 413, connection: 'close' });
      // ... and the next request, on a new one, is answered.
      expect(await send('GET', '/v1/forms')).toMatchObject({ status: 200, reused: false });
      expect(await send('POST', '/v1/applications', { body: oversized(300 * 1024), token: applicant, chunked: true })).toMatchObject({ status: 413, connection: 'close' });
      expect(await send('GET', '/v1/applications')).toMatchObject({ status: 401, reused: false });
    } finally {
      agent.destroy();
    }
  });
});
