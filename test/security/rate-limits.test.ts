// One anonymous caller cannot take the service down: health is one bounded check shared by every caller for a few
// seconds and a store failure is a 503; each signed-in caller and each source address has a limit, beyond which it
// gets 429 with Retry-After, while other callers' submissions are answered as usual.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_TTL_MS } from '#functions/services/build.js';
import { harness, type Client, type Harness } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

const root = resolve(import.meta.dirname, '../..');

const TOWNSHIP = '441882102'; // 大路边镇: a society station there has no one-per-region rule
const OTHER_ORG = '51441882MJ1234567W';

let h: Harness;

beforeAll(async () => {
  h = await harness();
});
afterAll(() => h?.close());

/** Counts the commands each of the stack's SDK clients sends while `act` runs. */
async function counting(api: Client, act: () => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // The document client's commands go through its table client's stack (as GetItemCommand, QueryCommand, …).
  const stacks = [api.stack.services.applications.db.middlewareStack, api.stack.services.workflow.sfn.middlewareStack] as unknown as {
    add: (middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>, options: object) => void;
    remove: (name: string) => void;
  }[];
  const name = `count-${Math.random()}`;
  for (const stack of stacks) {
    stack.add(
      (next, context) => async (args) => {
        counts[context.commandName ?? '?'] = (counts[context.commandName ?? '?'] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name },
    );
  }
  try {
    await act();
  } finally {
    for (const stack of stacks) stack.remove(name);
  }
  return counts;
}

describe('health', () => {
  it('answers a flood of 200 concurrent checks with one bounded call to each store, and submissions go on meanwhile', async () => {
    // Prepare
    const api = await h.start();
    const applicant = await api.token({ role: 'applicant', org: ORG, name: '申请单位' });
    let health: { status: number }[] = [];
    let submitted: { status: number }[] = [];

    // Act
    const counts = await counting(api, async () => {
      [health, submitted] = await Promise.all([
        Promise.all(Array.from({ length: 200 }, () => api.call('GET', '/v1/health'))),
        Promise.all(Array.from({ length: 10 }, () => api.call('POST', '/v1/applications', { token: applicant, body: submission('society-station', TOWNSHIP) }))),
      ]);
    });

    // Assess
    expect(health.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(submitted.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(counts.ListExecutionsCommand).toBe(1);
    expect(counts.DescribeTableCommand ?? 0).toBe(0);
    expect(counts.GetItemCommand, JSON.stringify(counts)).toBe(1);
  });

  it('is a 503, never a 500, when the workflow engine answers with its own failure', async () => {
    // Prepare: the engine's endpoint failing as AWS services fail (InternalFailure, a server fault)
    const api = await h.start();
    api.stack.services.workflow.sfn.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } });
      },
      { step: 'initialize', name: 'engine-fails' },
    );

    // Act
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.call('GET', '/v1/health')));

    // Assess
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(503));
    expect(answers[0].body).toMatchObject({ error: 'unavailable' });

    // and once the engine answers again, health follows within its cache time
    api.stack.services.workflow.sfn.middlewareStack.remove('engine-fails');
    await new Promise((resolve) => setTimeout(resolve, HEALTH_TTL_MS + 100));
    expect((await api.call('GET', '/v1/health')).status).toBe(200);
  });
});

describe('limits per caller and per address', () => {
  let api: Client;
  beforeAll(async () => {
    api = await h.start({ env: { RATE_LIMITS: 'caller=20/60,address=30/60' } });
  });

  it('gives a flooding caller 429 with Retry-After and a Chinese message, and answers another caller as usual', async () => {
    // Prepare
    const flooder = await api.token({ role: 'applicant', org: ORG, name: '刷接口的单位' });
    const other = await api.token({ role: 'applicant', org: OTHER_ORG, name: '正常申请的单位' });

    // Act
    const flood = await Promise.all(Array.from({ length: 40 }, () => api.call('GET', '/v1/applications', { token: flooder })));
    const submittedMeanwhile = await api.call('POST', '/v1/applications', { token: other, body: submission('society-station', TOWNSHIP, OTHER_ORG) });

    // Assess
    const statuses = flood.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const refused = flood.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({ error: 'rate_limited' });
    expect(refused.body.message).toMatch(/请求过于频繁，请 \d+ 秒后再试/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.retryAfter).toBe(retryAfter);
    expect(submittedMeanwhile.status, submittedMeanwhile.text).toBe(201);
  });

  it('limits the routes anyone may call per source address', async () => {
    // Act
    const answers = await Promise.all(Array.from({ length: 40 }, () => api.call('GET', '/v1/forms')));

    // Assess (the tokens made above count too: the dev issuer is one of those routes)
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(answers.find((r) => r.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('shares one per-address budget between the public routes, /docs, the dev issuer and the pages', async () => {
    // Prepare: the pages built (as npm start builds them), a stack of its own, its budget untouched
    execFileSync('node', ['web/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
    const own = await h.start({ env: { RATE_LIMITS: 'address=8/60' } });

    // Act: two of each, then one more of each
    const first = await Promise.all(['/v1/health', '/docs', '/v1/forms', '/'].flatMap((path) => [own.call('GET', path), own.call('GET', path)]));
    const after = await Promise.all(['/v1/health', '/docs', '/', '/registry'].map((path) => own.call('GET', path)));
    const token = await fetch(`${own.stack.url}/v1/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin', name: '管理员' }) });

    // Assess
    expect(first.map((r) => r.status).filter((s) => s === 429)).toEqual([]);
    expect(after.map((r) => r.status)).toEqual([429, 429, 429, 429]);
    expect(token.status).toBe(429);
    // The content-hashed assets are not counted (a page loads a dozen; CloudFront serves them deployed): answered
    // after the budget is spent, where the pages were built
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(root, 'web/dist/index.html'), 'utf8'))?.[1];
    expect(asset).toBeDefined();
    expect((await own.call('GET', asset!)).status).toBe(200);
  });

  it('turns an address away after its refused tokens, before checking more, and never counts accepted requests', async () => {
    // Prepare
    const own = await h.start({ env: { RATE_LIMITS: 'refused=5/60' } });
    const applicant = await own.token({ role: 'applicant', org: ORG, name: '申请单位' });

    // Act: accepted requests first (none counts), then forged and missing tokens
    const accepted = await Promise.all(Array.from({ length: 12 }, () => own.call('GET', '/v1/applications', { token: applicant })));
    const forged = await Promise.all(Array.from({ length: 5 }, (_, i) => own.call('GET', '/v1/applications', { token: i % 2 ? `${applicant}x` : undefined })));
    const after = await Promise.all([
      own.call('GET', '/v1/applications', { token: 'forged' }),
      own.call('GET', '/v1/applications', { token: applicant }),
      own.call('GET', '/v1/no-such-route'),
    ]);
    const publicMeanwhile = await own.call('GET', '/v1/forms');

    // Assess
    expect(accepted.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(forged.map((r) => r.status)).toEqual(Array(5).fill(401));
    expect(after.map((r) => r.status)).toEqual([429, 429, 429]);
    expect(after[1].body.message).toMatch(/未通过身份验证的请求过多，请 \d+ 秒后重新登录再试/);
    expect(Number(after[1].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(publicMeanwhile.status).toBe(200);
  });

  it('refuses a configuration it cannot read, naming it', async () => {
    await expect(h.start({ env: { RATE_LIMITS: 'caller=lots' } })).rejects.toThrow(/RATE_LIMITS: cannot read "caller=lots"/);
  });
});
