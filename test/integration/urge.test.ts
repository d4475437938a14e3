// 催办 on the local stack: the owner may urge the office holding its application once that office has held it past
// half its soft limit, once per working day; the office is notified and the history records it; the urge changes
// nothing that a decision racing it could lose to.
import { describe, expect, it } from 'vitest';
import { chainTokens, eventually, stackForFile, taskInInbox } from '../support/local.js';
import { submission } from '../support/submissions.js';

// Half of the township's soft limit is 30 s: the tests move the API's clock there (services.now) rather than wait.
const file = stackForFile({ env: { TIME_LIMITS: 'township=60s/600s,county=60s/600s' } });
const OTHER_ORG = '51441882MJ1234567W';

async function submitted(): Promise<{ id: string; since: string }> {
  const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  const task = await taskInInbox(file.api, file.tokens.township, out.body.id);
  return { id: out.body.id, since: task.task.since };
}

const urge = (id: string, token: string) => file.api.call('POST', `/v1/applications/${id}/urge`, { token });

/** Runs `act` with the API's clock at `at` (the workflow's own timers keep real time). */
async function at<T>(iso: number, act: () => Promise<T>): Promise<T> {
  const services = file.api.stack.services;
  const real = services.now;
  services.now = () => new Date(iso);
  try {
    return await act();
  } finally {
    services.now = real;
  }
}

describe('催办', () => {
  it('too early: 409 saying when it may be sent; then 202, the office notified, the history records it; a second the same day: 429 with Retry-After', async () => {
    // Prepare
    const { api, tokens } = file;
    const { id, since } = await submitted();

    // Act: before half the soft limit
    const early = await urge(id, tokens.applicant);

    // Assess
    expect(early.status, early.text).toBe(409);
    expect(early.body).toMatchObject({ error: 'conflict', urgeOpensAt: new Date(Date.parse(since) + 30_000).toISOString() });
    expect(early.body.message).toContain('后可以催办');
    const before = (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;
    expect(before.urge).toEqual({ from: early.body.urgeOpensAt, wait: 'half-limit' });

    // Act: past it
    const urged = await at(Date.parse(since) + 30_500, () => urge(id, tokens.applicant));

    // Assess
    expect(urged.status, urged.text).toBe(202);
    expect(urged.body).toMatchObject({ id, level: 'township', urgedAt: expect.any(String), nextUrgeAt: expect.any(String) });
    const notices = (await api.call('GET', '/v1/notifications?limit=100', { token: tokens.township })).body.items.filter((n: { applicationId: string }) => n.applicationId === id);
    expect(notices.map((n: { kind: string }) => n.kind)).toEqual(['urge', 'task']);
    expect(notices[0].title).toContain('催办');
    const app = (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;
    expect(app.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'urge']);
    expect(app.history[1]).toMatchObject({ level: 'township', actor: { role: 'applicant' } });
    expect(app.urge).toEqual({ from: urged.body.nextUrgeAt, wait: 'once-a-day' });

    // Act: again the same working day
    const again = await at(Date.parse(since) + 31_000, () => urge(id, tokens.applicant));

    // Assess
    expect(again.status, again.text).toBe(429);
    expect(again.body.error).toBe('rate_limited');
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(since) + 31_000 + retryAfter * 1000 - Date.parse(urged.body.nextUrgeAt))).toBeLessThan(1_000);
    expect(again.body.nextUrgeAt).toBe(urged.body.nextUrgeAt);
    expect((await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.history).toHaveLength(2);

    // The urge raced no one: the township's decision goes through, and the county may be urged in its turn
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } });
    expect(decided.status, decided.text).toBe(200);
    const county = await taskInInbox(api, tokens.county, id);
    // the page's word for it at the county: the next working day, later than half the county's limit
    const atCounty = (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.urge;
    expect(atCounty).toEqual({ from: urged.body.nextUrgeAt, wait: 'once-a-day' });
    expect((await urge(id, tokens.applicant)).status).toBe(409);
    // …and past half the county's limit, it is still the same working day's urge
    expect((await at(Date.parse(county.task.since) + 30_500, () => urge(id, tokens.applicant))).status).toBe(429);
  });

  it('only the owner: another organisation 404, the officials who see it and the administrators 403', async () => {
    // Prepare
    const { api, tokens } = file;
    const { id, since } = await submitted();
    const other = await chainTokens(api, OTHER_ORG);

    // Act / Assess
    await at(Date.parse(since) + 30_500, async () => {
      expect((await urge(id, other.applicant)).status).toBe(404);
      expect((await urge('01JNOSUCHAPPLICATION0000000', tokens.applicant)).status).toBe(404);
      for (const token of [tokens.township, tokens.county, tokens.admin]) {
        const out = await urge(id, token);
        expect(out.status, out.text).toBe(403);
      }
      expect((await urge(id, tokens.applicant)).status).toBe(202);
    });
    expect((await api.call('POST', `/v1/applications/${id}/urge?now=1`, { token: tokens.applicant })).status).toBe(400);
  });

  it('no office awaits it (returned to the applicant): 409', async () => {
    // Prepare
    const { api, tokens } = file;
    const { id } = await submitted();
    const out = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'return', comment: '请补充', issues: ['缺少专家名单'] } });
    expect(out.status, out.text).toBe(200);
    await eventually(async () => ((await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.task ? true : undefined), 10_000, 'returned');

    // Act
    const urged = await urge(id, tokens.applicant);

    // Assess
    expect(urged.status, urged.text).toBe(409);
    expect(urged.body.message).toContain('退回');
    expect((await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.urge).toBeNull();
  });
});
