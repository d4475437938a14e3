// Test support: local stacks on the run's DynamoDB Local (test/support/global-dynamodb.ts), each with its own tables.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamo, type LocalDynamo } from '#infra/local/dynamodb.js';
import { freePort, startLocalStack, type LocalStack, type LocalStackOptions } from '#infra/local/stack.js';
import type { Services } from '#functions/services/context.js';
import type { SweepServices } from '#functions/services/sweep.js';
import { UploadSweep } from '#functions/store/upload-sweep.js';
import { UploadChecks } from '#functions/store/upload-checks.js';
import { ORG } from './submissions.js';

export interface Harness<Dynamo extends { endpoint: string } = { endpoint: string }> {
  dynamo: Dynamo;
  dataDir: string;
  start: (options?: LocalStackOptions & { suffix?: string }) => Promise<Client>;
  close: () => Promise<void>;
}

/** This file's own tables on the shared DynamoDB Local: a worker process may run several files, one after another. */
const fileTag = `t${process.pid}-${randomBytes(3).toString('hex')}`;
let counter = 0;

/**
 * Stacks on the run's DynamoDB Local, or with `ownDynamoDB` on one of the file's own (started in the harness's data
 * directory, stopped by `close`): for a file that stops or kills it.
 */
export async function harness(options: { ownDynamoDB: true }): Promise<Harness<LocalDynamo>>;
export async function harness(options?: { ownDynamoDB?: false }): Promise<Harness>;
export async function harness(options: { ownDynamoDB?: boolean } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-test-'));
  const shared = options.ownDynamoDB ? undefined : inject('dynamodbEndpoint');
  const own = shared ? undefined : await startDynamo(dataDir, await freePort());
  const dynamo = own ?? { endpoint: shared! };
  const stacks: LocalStack[] = [];
  return {
    dynamo,
    dataDir,
    start: async (options = {}) => {
      const suffix = options.suffix ?? `-${fileTag}-${++counter}`;
      const stack = await startLocalStack({
        dataDir,
        port: await freePort(),
        dynamodbEndpoint: dynamo.endpoint,
        reconcileEveryMs: 0,
        // No sweeper unless a test asks for one (sweepEveryMs) or runs it (stack.sweep()): its reads would be counted
        // with the calls a test measures, and fifty stacks' sweeps load a 2-core machine for nothing.
        sweepEveryMs: 0,
        quiet: !process.env.DEBUG_STACK,
        ...options,
        // Materials are taken and checked, but not required: the tests of other features submit forms alone
        // (test/integration/materials.test.ts and the browser test run with MATERIALS=required, the default).
        // No per-caller limit unless a test sets its limits (test/security/rate-limits.test.ts does): tests poll every
        // 25 ms, and a slow step under the whole suite's load used up 300 a minute, the polls then seeing only 429s.
        env: { TABLE_SUFFIX: suffix, MATERIALS: 'optional', RATE_LIMITS: 'caller=off', ...options.env },
      });
      stacks.push(stack);
      return client(stack, suffix);
    },
    close: async () => {
      for (const stack of stacks) await stack.stop().catch(() => undefined);
      await own?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Client = ReturnType<typeof client>;
export type ChainTokens = Awaited<ReturnType<typeof chainTokens>>;

/**
 * One stack for the test file, with the chain's usual tokens, set up before its tests and closed after them. Read
 * the fields inside tests (they are filled in `beforeAll`).
 */
export function stackForFile(options: LocalStackOptions & { suffix?: string } = {}) {
  const file = {} as { h: Harness; api: Client; tokens: ChainTokens };
  beforeAll(async () => {
    file.h = await harness();
    file.api = await file.h.start(options);
    file.tokens = await chainTokens(file.api);
  });
  afterAll(() => file.h?.close());
  return file;
}

/** Calls the running stack over HTTP, as a user would. */
export function client(stack: LocalStack, suffix: string) {
  return { stack, suffix, ...httpClient(stack.url) };
}

/** Calls a server at `url` over HTTP (a stack in this process or in another), and asks its dev issuer for tokens. */
export function httpClient(url: string) {
  const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text, headers: response.headers };
  };
  const token = async (claims: Record<string, unknown>) => {
    const out = await call('POST', '/v1/dev/token', { body: claims });
    if (out.status !== 200) throw new Error(`dev token refused: ${out.text}`);
    return out.body.token as string;
  };
  return { call, token };
}

/**
 * Tokens of the people most tests meet: the applicant organisation `ORG` and the offices above 大路边镇
 * (连州市, 清远): its township, its county, the province; and an administrator.
 */
export async function chainTokens(api: Pick<Client, 'token'>, org = ORG) {
  return {
    applicant: await api.token({ role: 'applicant', org, name: '连州市果蔬专业技术协会' }),
    township: await api.token({ role: 'official', level: 'township', region: '441882102', name: '大路边镇科协' }),
    county: await api.token({ role: 'official', level: 'county', region: '441882', name: '连州市科协' }),
    province: await api.token({ role: 'official', level: 'province', region: '44', name: '省科协' }),
    admin: await api.token({ role: 'admin', name: '省科协管理员' }),
  };
}

/** Waits until application `id` shows in the inbox of the official whose token is `who`, and returns that inbox item. */
export function taskInInbox(client: Pick<Client, 'call'>, who: string, id: string, ms = 10_000) {
  return eventually(async () => {
    const out = await client.call('GET', '/v1/tasks', { token: who });
    return out.body.items.find((item: { id: string }) => item.id === id);
  }, ms, `task ${id} in inbox`);
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A sweeper's services over a stack's (as a restarted or a duplicate invocation would run beside the stack's own), robots answering nothing. */
export function sweepServicesOf(services: Services, overrides: Partial<SweepServices> = {}): SweepServices {
  return { ...services, senders: { robot: async () => undefined }, files: services.bucket.s3, uploads: new UploadSweep(services.uploads.db, services.uploads.table), checks: new UploadChecks(services.uploads.db, services.uploads.table), ...overrides };
}
