// The notification centre on the local stack: each change tells the right people in the same write (a new task to
// the office it reaches, a return, a rejection and the approval to the applicant, the outcome copied to the offices
// that approved before), each user reads and marks their recipient's notices, and nobody reads anyone else's.
import { describe, expect, it } from 'vitest';
import { chainTokens, eventually, stackForFile, taskInInbox, type Client } from '../support/local.js';
import { submission } from '../support/submissions.js';

const file = stackForFile();
const TOWNSHIP = '441882102';
const OTHER_ORG = '51441882MJ1234567W';

type Notice = { id: string; at: string; kind: string; applicationId?: string; title: string; body: string; read: boolean };

async function notices(api: Client, token: string, query = ''): Promise<{ items: Notice[]; unread: number; cursor: string | null }> {
  const out = await api.call('GET', `/v1/notifications${query}`, { token });
  expect(out.status, out.text).toBe(200);
  return out.body;
}

/** Waits until `token`'s centre holds a notice of `kind` about `id`. */
function noticeOf(api: Client, token: string, id: string, kind: string, ms = 10_000): Promise<Notice> {
  return eventually(async () => (await notices(api, token, '?limit=100')).items.find((n) => n.applicationId === id && n.kind === kind), ms, `${kind} notice of ${id}`);
}

async function submitted(api: Client, token: string): Promise<string> {
  const out = await api.call('POST', '/v1/applications', { token, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

async function decide(api: Client, token: string, id: string, body: object) {
  const out = await api.call('POST', `/v1/applications/${id}/decision`, { token, body });
  expect(out.status, out.text).toBe(200);
}

describe('who is told what', () => {
  it('a submission: the township office has a task notice at once, unread, with a link to the application', async () => {
    // Prepare
    const { api, tokens } = file;
    const before = (await notices(api, tokens.township)).unread;

    // Act
    const id = await submitted(api, tokens.applicant);

    // Assess: written with the submission, so there is no waiting for it
    const { items, unread } = await notices(api, tokens.township);
    const task = items.find((n) => n.applicationId === id);
    expect(task).toMatchObject({ kind: 'task', read: false, title: expect.stringContaining('待审批') });
    expect(task!.body).toMatch(/请在 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 前审批/);
    expect(unread).toBe(Math.min(100, before + 1));
    // Another township's office, the county and the applicant are told nothing of it.
    const other = await api.token({ role: 'official', level: 'township', region: '441882103', name: '星子镇科协' });
    expect((await notices(api, other)).items.some((n) => n.applicationId === id)).toBe(false);
    expect((await notices(api, tokens.county)).items.some((n) => n.applicationId === id)).toBe(false);
    expect((await notices(api, tokens.applicant)).items.some((n) => n.applicationId === id)).toBe(false);
  });

  it('the chain: the county told of its task; the applicant told of the return with the problems, and of the approval with the certificate; the offices before copied', async () => {
    // Prepare
    const { api, tokens } = file;
    const id = await submitted(api, tokens.applicant);
    await taskInInbox(api, tokens.township, id);

    // Act: returned, corrected, approved by all three
    await decide(api, tokens.township, id, { action: 'return', comment: '请补充', issues: [{ path: 'form.summary', message: '请写明服务对象' }] });
    const returned = await noticeOf(api, tokens.applicant, id, 'returned');
    const app = await eventually(async () => {
      const out = await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant });
      return out.body.task ? out.body : undefined;
    }, 10_000, 'the correction awaited');
    const form = { ...app.form, summary: `${app.form.summary}（服务对象：本镇果农）` };
    expect((await api.call('PUT', `/v1/applications/${id}`, { token: tokens.applicant, body: { form } })).status).toBe(200);
    const resubmitted = await eventually(async () => {
      const tasks = (await notices(api, tokens.township, '?limit=100')).items.filter((n) => n.applicationId === id && n.kind === 'task');
      return tasks.length === 2 ? tasks[0] : undefined;
    }, 10_000, 'the resubmission task');
    await taskInInbox(api, tokens.township, id);
    await decide(api, tokens.township, id, { action: 'approve' });
    const countyTask = await noticeOf(api, tokens.county, id, 'task');
    await taskInInbox(api, tokens.county, id);
    await decide(api, tokens.county, id, { action: 'approve' });
    await noticeOf(api, tokens.province, id, 'task');
    await taskInInbox(api, tokens.province, id);
    await decide(api, tokens.province, id, { action: 'approve' });
    const approved = await noticeOf(api, tokens.applicant, id, 'approved');

    // Assess
    expect(returned.body).toContain('请写明服务对象');
    expect(returned.title).toContain('退回修改');
    expect(resubmitted.body).toContain('重新提交');
    expect(countyTask.body).toContain('乡镇级已审核通过');
    const certificateNo = (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.certificateNo;
    expect(approved.body).toContain(certificateNo);
    expect((await noticeOf(api, tokens.township, id, 'cc')).body).toContain(certificateNo);
    expect((await noticeOf(api, tokens.county, id, 'cc')).body).toContain(certificateNo);
    expect((await notices(api, tokens.province, '?limit=100')).items.some((n) => n.applicationId === id && n.kind === 'cc')).toBe(false);
  });

  it('a rejection: the applicant told with the reason, the office that approved before copied', async () => {
    // Prepare
    const { api, tokens } = file;
    const id = await submitted(api, tokens.applicant);
    await taskInInbox(api, tokens.township, id);
    await decide(api, tokens.township, id, { action: 'approve' });
    await taskInInbox(api, tokens.county, id);

    // Act
    await decide(api, tokens.county, id, { action: 'reject', comment: '专家团队不符合要求' });

    // Assess
    expect((await noticeOf(api, tokens.applicant, id, 'rejected')).body).toContain('专家团队不符合要求');
    expect((await noticeOf(api, tokens.township, id, 'cc')).title).toContain('不予通过');
  });
});

describe('reading', () => {
  it('one notice marked read, then all: per user, the other officials of the office keep theirs unread', async () => {
    // Prepare: a fresh office, so the counts are this test's
    const { api, tokens } = file;
    const office = { role: 'official', level: 'township', region: '441882104' };
    const [alice, bob] = [await api.token({ ...office, name: '甲', sub: 'official-alice' }), await api.token({ ...office, name: '乙', sub: 'official-bob' })];
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', office.region) });
      expect(out.status, out.text).toBe(201);
      ids.push(out.body.id);
    }
    const listed = await notices(api, alice);
    expect(listed.unread).toBe(3);
    expect(listed.items.map((n) => n.applicationId)).toEqual([...ids].reverse());

    // Act: alice reads the middle one
    const middle = listed.items[1];
    const read = await api.call('POST', `/v1/notifications/${middle.id}/read`, { token: alice });

    // Assess
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({ id: middle.id, read: true, unread: 2 });
    const unreadOnly = await notices(api, alice, '?unread=true');
    expect(unreadOnly.items.map((n) => n.id)).toEqual([listed.items[0].id, listed.items[2].id]);
    expect((await notices(api, bob)).unread).toBe(3);

    // Act: alice reads all; a new notice after it is unread
    const all = await api.call('POST', '/v1/notifications/read-all', { token: alice });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toEqual({ unread: 0 });
    expect((await notices(api, alice)).items.every((n) => n.read)).toBe(true);
    const later = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', office.region) });
    const after = await notices(api, alice, '?unread=true');
    expect(after.unread).toBe(1);
    expect(after.items.map((n) => n.applicationId)).toEqual([later.body.id]);
    expect((await notices(api, bob)).unread).toBe(4);
  });

  it('pages newest first with a cursor', async () => {
    // Prepare
    const { api, tokens } = file;
    const first = await notices(api, tokens.township, '?limit=2');
    expect(first.items).toHaveLength(2);

    // Act
    const second = await notices(api, tokens.township, `?limit=2&cursor=${first.cursor}`);

    // Assess
    expect(second.items.length).toBeGreaterThan(0);
    expect(first.items.at(-1)!.id > second.items[0].id).toBe(true);
  });
});

describe('nobody reads anyone else’s', () => {
  it("another office's or organisation's notice is not found (404), and marking it changes nothing", async () => {
    // Prepare
    const { api, tokens } = file;
    const id = await submitted(api, tokens.applicant);
    const townshipNotice = (await notices(api, tokens.township)).items.find((n) => n.applicationId === id)!;
    const other = await chainTokens(api, OTHER_ORG);

    // Act / Assess
    for (const token of [tokens.county, tokens.applicant, tokens.admin, other.applicant]) {
      const out = await api.call('POST', `/v1/notifications/${townshipNotice.id}/read`, { token });
      expect(out.status, out.text).toBe(404);
      expect(out.body.error).toBe('not_found');
    }
    expect((await notices(api, tokens.township)).items.find((n) => n.id === townshipNotice.id)!.read).toBe(false);
    expect((await api.call('POST', '/v1/notifications/not-an-id/read', { token: tokens.township })).status).toBe(404);
    expect((await api.call('GET', '/v1/notifications')).status).toBe(401);
    const bad = await api.call('GET', '/v1/notifications?unread=yes&colour=red', { token: tokens.township });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['colour']);
    expect((await api.call('GET', '/v1/notifications?unread=yes', { token: tokens.township })).body.issues[0].path).toBe('unread');
  });
});
