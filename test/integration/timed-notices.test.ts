// Timed notices and what an office's hard limit does, on the local stack with limits of seconds and the sweeper
// every 200 ms: the office reminded before its soft limit, overdue at it with the level above copied (督办), the
// level above warned before the hard limit, and at the hard limit the application passes up (超期上报) instead of
// expiring for the office's delay; the province, with nothing above, keeps it with its limits anew and the
// administrators told; expiry stays for the applicant's own delay, and for an office configured to expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainTokens, eventually, harness, taskInInbox, type ChainTokens, type Client, type Harness } from '../support/local.js';
import { submission } from '../support/submissions.js';

const TOWNSHIP = '441882102';
const COUNTY = '441882';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h?.close());

type Notice = { id: string; kind: string; applicationId?: string; title: string; body: string };

async function noticesOf(api: Client, token: string, id: string): Promise<Notice[]> {
  const out = await api.call('GET', '/v1/notifications?limit=100', { token });
  expect(out.status, out.text).toBe(200);
  return (out.body.items as Notice[]).filter((n) => n.applicationId === id).reverse();
}

const kinds = async (api: Client, token: string, id: string) => (await noticesOf(api, token, id)).map((n) => n.kind);

function waitForKinds(api: Client, token: string, id: string, wanted: string[], ms = 15_000) {
  return eventually(async () => {
    const seen = await kinds(api, token, id);
    return wanted.every((kind) => seen.includes(kind)) ? seen : undefined;
  }, ms, `${wanted.join(', ')} for ${id}`);
}

async function start(env: Record<string, string>): Promise<{ api: Client; t: ChainTokens }> {
  // The waits below poll every 25 ms for up to 30 s: past the per-caller limit of 300 requests a minute, whose 429 is
  // rate-limits.test.ts's to check, not these tests'.
  const api = await h.start({ env: { RATE_LIMITS: 'caller=off', ...env }, sweepEveryMs: 200 });
  return { api, t: await chainTokens(api) };
}

async function submit(api: Client, t: ChainTokens, region = TOWNSHIP): Promise<string> {
  const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: submission('society-station', region) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

const read = async (api: Client, t: ChainTokens, id: string) => (await api.call('GET', `/v1/applications/${id}`, { token: t.admin })).body;
const actions = (app: { history: { action: string; level: string | null }[] }) => app.history.map((e) => `${e.action}@${e.level}`);

describe('an office that lets its limits pass', () => {
  it('is reminded, then overdue with the county copied, the county warned; at the hard limit the county decides (超期上报)', async () => {
    // Prepare: the reminder at 4 s, overdue at 8 s, the warning at 12 s, the hard limit at 16 s (a reminder found only
    // once the overdue notice is due too is not sent: the margins leave room for a busy machine, whose DynamoDB Local
    // has been seen to stall a sweep for over 3 s)
    const { api, t } = await start({ TIME_LIMITS: 'township=8s/16s,county=60s/120s' });
    const id = await submit(api, t);

    // Act: nobody at the township decides
    const atCounty = await taskInInbox(api, t.county, id, 30_000);

    // Assess: the township's notices in order, the county's, the applicant's
    expect(await kinds(api, t.township, id)).toEqual(['task', 'reminder', 'overdue', 'escalated']);
    const county = await noticesOf(api, t.county, id);
    expect(county.map((n) => n.kind)).toEqual(['overdue', 'escalating', 'task']);
    expect(county[0].title).toContain('督办');
    expect(county[1].body).toContain('届时将超期上报，由贵单位审批');
    expect(county[2].title).toContain('超期上报');
    expect(await kinds(api, t.applicant, id)).toEqual(['escalated']);
    const app = await read(api, t, id);
    expect(app).toMatchObject({ status: 'PENDING', currentLevel: 'county' });
    expect(actions(app)).toEqual(['submit@null', 'escalate@township']);
    expect(app.history.at(-1)).toMatchObject({ actor: { role: 'system' }, comment: expect.stringContaining('超期上报至县（区）级') });
    expect(atCounty.task.level).toBe('county');

    // Act: the county decides in the township's place; the province gets the task
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: t.county, body: { action: 'approve' } });
    expect(decided.status, decided.text).toBe(200);
    await taskInInbox(api, t.province, id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve' } })).status).toBe(409);
  });

  it('at the province, with nothing above: stays with the province, its limits anew, the administrators told', async () => {
    // Prepare: a county-hosted station goes county → province
    const { api, t } = await start({ TIME_LIMITS: 'county=60s/120s,province=2s/4s' });
    const id = await submit(api, t, COUNTY);
    await taskInInbox(api, t.county, id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: t.county, body: { action: 'approve' } })).status).toBe(200);
    const first = await taskInInbox(api, t.province, id);

    // Act
    await waitForKinds(api, t.admin, id, ['escalated']);

    // Assess
    const again = await eventually(async () => {
      const app = await read(api, t, id);
      return app.task && app.task.since !== first.task.since ? app : undefined;
    }, 10_000, 'the province waited on anew');
    expect(again).toMatchObject({ status: 'PENDING', currentLevel: 'province' });
    expect(actions(again)).toEqual(['submit@null', 'approve@county', 'escalate@province']);
    expect(Date.parse(again.task.expiresAt) - Date.parse(again.task.since)).toBe(4_000);
    expect(await kinds(api, t.admin, id)).toContain('overdue');
    expect(await kinds(api, t.province, id)).toEqual(expect.arrayContaining(['task', 'overdue', 'escalated']));
    expect(await kinds(api, t.applicant, id)).not.toContain('expired');
  });

  it('configured to expire (ESCALATION township=expire): EXPIRED, the applicant and the office told', async () => {
    // Prepare
    const { api, t } = await start({ TIME_LIMITS: 'township=1s/2s', ESCALATION: 'township=expire' });
    const id = await submit(api, t);

    // Act
    await waitForKinds(api, t.applicant, id, ['expired']);

    // Assess
    const app = await read(api, t, id);
    expect(app.status).toBe('EXPIRED');
    expect(actions(app)).toEqual(['submit@null', 'expire@township']);
    expect(await kinds(api, t.township, id)).toContain('expired');
    expect((await noticesOf(api, t.county, id)).find((n) => n.kind === 'escalating')?.body).toContain('按超期处理');
  });
});

describe('waits that end before their notices', () => {
  it('a decision before the soft limit: no reminder or overdue for the township; the county’s own wait is timed', async () => {
    // Prepare
    const { api, t } = await start({ TIME_LIMITS: 'township=2s/4s,county=2s/60s' });
    const id = await submit(api, t);
    await taskInInbox(api, t.township, id);

    // Act
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve' } })).status).toBe(200);
    await waitForKinds(api, t.county, id, ['task', 'reminder', 'overdue']);

    // Assess: past the township's old limits by now, and it was told nothing more
    expect(await kinds(api, t.township, id)).toEqual(['task']);
    expect(await kinds(api, t.province, id)).toEqual(['overdue']);
  });
});

describe('the applicant’s own delay', () => {
  it('a correction not sent in time: reminded first, then EXPIRED, whatever the offices’ rules', async () => {
    // Prepare
    const { api, t } = await start({ TIME_LIMITS: 'township=60s/120s,resubmission=2s/3s' });
    const id = await submit(api, t);
    await taskInInbox(api, t.township, id);

    // Act
    const out = await api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'return', comment: '请补充', issues: ['缺少专家名单'] } });
    expect(out.status, out.text).toBe(200);

    // Assess
    expect(await waitForKinds(api, t.applicant, id, ['returned', 'reminder', 'expired'])).toEqual(['returned', 'reminder', 'expired']);
    const app = await read(api, t, id);
    expect(app.status).toBe('EXPIRED');
    expect(app.history.at(-1)).toMatchObject({ action: 'expire', comment: '申请单位未在期限内修改重新提交' });
    expect(await kinds(api, t.township, id)).toEqual(['task']);
  });
});
