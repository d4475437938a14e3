// Submitting: strict validation that stores nothing when refused, the plan's one-per-region rules,
// and idempotent retries — against DynamoDB Local and the local engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#functions/store/keys.js';
import { chainTokens, harness, taskInInbox, type Client, type Harness } from '../support/local.js';
import { ORG, VILLAGE, submission } from '../support/submissions.js';

let h: Harness;
let api: Client;
let applicant: string;
let township: string;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  ({ applicant, township } = await chainTokens(api));
});
afterAll(() => h?.close());

const post = (body: unknown, headers: Record<string, string> = {}, token = applicant) => api.call('POST', '/v1/applications', { token, body, headers });

async function countOwn(): Promise<number> {
  const out = await api.stack.services.applications.db.send(
    new QueryCommand({
      TableName: api.stack.services.applications.table,
      IndexName: 'byOwner',
      KeyConditionExpression: 'ownerPk = :pk',
      ExpressionAttributeValues: { ':pk': keys.owner(ORG) },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
}

describe('validation', () => {
  it('lists every problem at once with its path and a Chinese message, and stores nothing', async () => {
    const before = await countOwn();
    const body = submission('expert-station', '441882', ORG, (form) => {
      form.contact.mobile = '12345';
      form.organisation.creditCode = '91441882MA4UA1B2C0';
      form.experts = [];
      form.status = 'APPROVED';
    });

    const out = await post(body);

    expect(out.status).toBe(400);
    expect(out.body.error).toBe('validation');
    const paths = out.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['form.contact.mobile', 'form.organisation.creditCode', 'form.experts', 'form.status']));
    for (const issue of out.body.issues) expect(issue.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await countOwn()).toBe(before);
  });

  it('lists a wrong host region and a wrong organisation beside the form’s own problems', async () => {
    for (const regionCode of ['441882', '110101001001']) {
      // Prepare: a village association placed at a county (or in Beijing), its form wrong too, made out by another organisation
      const body = submission('rural-tech-association', regionCode, '51441882MJ1234567W', (form) => {
        form.contact.mobile = '12345';
      });

      // Act
      const out = await post(body);

      // Assess
      expect(out.status, regionCode).toBe(400);
      const paths = out.body.issues.map((i: { path: string }) => i.path);
      expect(paths, regionCode).toEqual(expect.arrayContaining(['regionCode', 'form.contact.mobile', 'form.organisation.creditCode']));
      expect(new Set(paths).size, regionCode).toBe(paths.length);
    }
  });

  it('refuses a region outside Guangdong, an unknown one, and one of a level the type does not take', async () => {
    for (const [regionCode, type] of [
      ['110101', 'expert-station'],
      ['449999', 'expert-station'],
      ['441882102', 'science-e-station'],
    ] as const) {
      const out = await post(submission(type, regionCode));
      expect(out.status, regionCode).toBe(400);
      expect(out.body.issues).toEqual([expect.objectContaining({ path: 'regionCode' })]);
    }
  });

  it('refuses an organisation other than the caller’s', async () => {
    const out = await post(submission('expert-station', '441882', '51441882MJ1234567W'));
    expect(out.status).toBe(400);
    expect(out.body.issues).toEqual([expect.objectContaining({ path: 'form.organisation.creditCode' })]);
  });

  it('answers 400 to a body that is not JSON and 413 to one over 256 KiB', async () => {
    expect((await post('{"type": ')).status).toBe(400);
    const big = submission('expert-station', '441882', ORG, (form) => {
      form.summary = '很'.repeat(100_000);
    });
    // The server answers before reading the whole body and closes that connection.
    const out = await post(big, { connection: 'close' });
    expect(out.status).toBe(413);
    expect(out.body.error).toBe('too_large');
  });

  it('refuses anyone but an applicant', async () => {
    expect((await post(submission('expert-station', '441882'), {}, township)).status).toBe(403);
    expect((await api.call('POST', '/v1/applications', { body: submission('expert-station', '441882') })).status).toBe(401);
  });
});

describe("the plan's one-per-region rules", () => {
  it('lets exactly one of 10 simultaneous applications for a township association through', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => post(submission('township-association', '441882103'))));

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const winner = results.find((r) => r.status === 201)!.body;
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.error).toBe('duplicate');
      expect(loser.body.existing.id).toBe(winner.id);
    }
  });

  it('releases the region when the holder is rejected or withdrawn, not before', async () => {
    const first = await post(submission('science-e-station', VILLAGE));
    expect(first.status).toBe(201);
    expect((await post(submission('science-e-station', VILLAGE))).status).toBe(409);

    const withdrawn = await api.call('POST', `/v1/applications/${first.body.id}/withdraw`, { token: applicant });
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    const second = await post(submission('science-e-station', VILLAGE));
    expect(second.status).toBe(201);

    await taskInInbox(api, township, second.body.id, 5_000);
    const rejected = await api.call('POST', `/v1/applications/${second.body.id}/decision`, { token: township, body: { action: 'reject', comment: '场地不符合要求' } });
    expect(rejected.body.status).toBe('REJECTED');
    expect((await post(submission('science-e-station', VILLAGE))).status).toBe(201);
  });

  it('does not limit types without a rule', async () => {
    expect((await post(submission('expert-station', '441882'))).status).toBe(201);
    expect((await post(submission('expert-station', '441882'))).status).toBe(201);
  });
});

describe('idempotent submission', () => {
  it('answers a repeated key with the first answer and stores nothing new', async () => {
    const body = submission('expert-station', '441882');
    const before = await countOwn();

    const first = await post(body, { 'idempotency-key': 'retry-1' });
    const again = await post(body, { 'idempotency-key': 'retry-1' });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await countOwn()).toBe(before + 1);
  });

  it('creates one application from concurrent retries with the same key', async () => {
    const body = submission('expert-station', '441882');
    const before = await countOwn();

    const results = await Promise.all(Array.from({ length: 8 }, () => post(body, { 'idempotency-key': 'burst-1' })));

    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await countOwn()).toBe(before + 1);
  });

  it('refuses the same key with a different body with 422', async () => {
    expect((await post(submission('expert-station', '441882'), { 'idempotency-key': 'k-2' })).status).toBe(201);
    const other = submission('expert-station', '441882', ORG, (form) => {
      form.name = '另一个名称的农技专家服务站';
    });
    const out = await post(other, { 'idempotency-key': 'k-2' });
    expect(out.status).toBe(422);
    expect(out.body.error).toBe('idempotency_mismatch');
  });

  it('scopes keys to the caller', async () => {
    const otherOrg = '51441882MJ1234567W';
    const other = await api.token({ role: 'applicant', org: otherOrg, name: '另一单位' });
    const mine = await post(submission('expert-station', '441882'), { 'idempotency-key': 'shared' });
    const theirs = await post(submission('expert-station', '441882', otherOrg), { 'idempotency-key': 'shared' }, other);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});
