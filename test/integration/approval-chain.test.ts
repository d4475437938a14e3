// One application through township → county → province to its certificate, against DynamoDB Local
// and the local engine running the deployed workflow definition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodForms } from '#forms/fixtures.js';
import { submission } from '../support/submissions.js';
import { chainTokens, eventually, harness, taskInInbox, type Client, type Harness } from '../support/local.js';

const village = '441882102201'; // a village of 大路边镇, 连州市
const org = '91441882MA4UA1B2C9';

let h: Harness;
let api: Client;
let tokens: Record<'applicant' | 'township' | 'county' | 'province' | 'otherTownship' | 'admin', string>;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  tokens = {
    ...(await chainTokens(api, org)),
    otherTownship: await api.token({ role: 'official', level: 'township', region: '441882101', name: '星子镇科协' }),
  };
});
afterAll(() => h?.close());

// Other tests use a society station at the township: it has no one-per-region rule.
async function submit(type: 'rural-tech-association' | 'society-station' = 'society-station', region = '441882102') {
  const out = await api.call('POST', '/v1/applications', {
    token: tokens.applicant,
    body: submission(type, region, org),
  });
  expect(out.status, out.text).toBe(201);
  return out.body;
}

/** Waits until the application shows in `who`'s inbox, and returns that inbox item. */
const inInbox = (who: string, id: string) => taskInInbox(api, who, id, 5_000);

async function decide(who: string, id: string, body: Record<string, unknown>) {
  return api.call('POST', `/v1/applications/${id}/decision`, { token: who, body });
}

describe('the approval chain', () => {
  it('takes a village application through three levels to APPROVED with a verifiable certificate', async () => {
    // Prepare
    const submitted = await submit('rural-tech-association', village);
    expect(submitted).toMatchObject({ status: 'PENDING', currentLevel: 'township', certificateNo: null });
    expect(JSON.stringify(submitted)).not.toMatch(/taskToken|outbox/);

    // Act: each level approves in turn
    const atTownship = await inInbox(tokens.township, submitted.id);
    expect(atTownship.task).toMatchObject({ level: 'township', region: '441882102', overdue: false });
    const decided = await decide(tokens.township, submitted.id, { action: 'approve', comment: '同意' });
    expect(decided.status).toBe(200);
    // The answer is the application as the decision recorded it: what a read then shows, but for the next level's task
    await inInbox(tokens.county, submitted.id);
    const read = (await api.call('GET', `/v1/applications/${submitted.id}`, { token: tokens.township })).body;
    expect(decided.body).toMatchObject({ status: 'PENDING', currentLevel: 'county', task: null });
    expect(read.task).toMatchObject({ level: 'county' });
    const { task: _answered, urge: _u, ...answered } = decided.body;
    const { task: _read, urge: _r, ...readBack } = read;
    expect(answered).toEqual(readBack);
    expect(JSON.stringify(decided.body)).not.toMatch(/taskToken|outbox/);
    expect((await decide(tokens.county, submitted.id, { action: 'approve' })).status).toBe(200);
    await inInbox(tokens.province, submitted.id);
    expect((await decide(tokens.province, submitted.id, { action: 'approve' })).status).toBe(200);

    // Assess
    const approved = await eventually(async () => {
      const out = await api.call('GET', `/v1/applications/${submitted.id}`, { token: tokens.applicant });
      return out.body.status === 'APPROVED' ? out.body : undefined;
    }, 5_000, 'APPROVED');
    expect(approved.certificateNo).toMatch(/^GDKX-\d{4}-\d{6}$/);
    expect(approved.history.map((e: { action: string; level: string | null }) => `${e.action}@${e.level}`)).toEqual([
      'submit@null',
      'approve@township',
      'approve@county',
      'approve@province',
    ]);
    const certificate = await api.call('GET', `/v1/certificates/${approved.certificateNo}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body).toMatchObject({
      valid: true,
      certificateNo: approved.certificateNo,
      type: 'rural-tech-association',
      regionCode: village,
      name: goodForms['rural-tech-association'].name,
    });
    const registry = await api.call('GET', '/v1/registry?region=441882', { token: tokens.admin });
    expect(registry.body.items.map((r: { id: string }) => r.id)).toContain(submitted.id);
    expect((await api.call('GET', '/v1/certificates/GDKX-2000-999999')).status).toBe(404);
  });

  it('ends a rejected application as REJECTED, with no certificate, and refuses later decisions', async () => {
    const submitted = await submit();
    await inInbox(tokens.township, submitted.id);

    const rejected = await decide(tokens.township, submitted.id, { action: 'reject', comment: '材料不实' });

    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', certificateNo: null });
    expect(rejected.body.history.at(-1)).toMatchObject({ action: 'reject', level: 'township', comment: '材料不实' });
    const again = await decide(tokens.township, submitted.id, { action: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
  });

  it('requires a comment to reject', async () => {
    const submitted = await submit();
    await inInbox(tokens.township, submitted.id);

    const out = await decide(tokens.township, submitted.id, { action: 'reject' });

    expect(out.status).toBe(400);
    expect(out.body.issues).toEqual([{ path: 'comment', message: expect.stringContaining('意见') }]);
  });

  it('refuses a decision by an official of another township as if the application did not exist', async () => {
    const submitted = await submit();
    await inInbox(tokens.township, submitted.id);

    const out = await decide(tokens.otherTownship, submitted.id, { action: 'approve' });

    expect(out.status).toBe(404);
    const still = await api.call('GET', `/v1/applications/${submitted.id}`, { token: tokens.township });
    expect(still.body).toMatchObject({ status: 'PENDING', currentLevel: 'township', history: [expect.objectContaining({ action: 'submit' })] });
  });

  it('refuses a decision by the right region at the wrong level with 409', async () => {
    const submitted = await submit();
    await inInbox(tokens.township, submitted.id);

    const out = await decide(tokens.county, submitted.id, { action: 'approve' });

    expect(out.status).toBe(409);
  });
});

describe('the local dev issuer', () => {
  it('refuses claims the API would refuse with a 400 and says why', async () => {
    const out = await api.call('POST', '/v1/dev/token', { body: { role: 'official', level: 'county', region: '441882102' } });
    expect(out.status).toBe(400);
    expect(out.body).toMatchObject({ error: 'validation', message: expect.stringMatching(/[\u4e00-\u9fa5]/) });
  });
});
