// Officials' daily work: return for revision with every problem listed, resubmission back to the level that
// returned it, withdrawal at each level, racing decisions, time limits, and a lost callback recovered.
import { describe, expect, it } from 'vitest';
import { reconcile } from '#functions/services/reconcile.js';
import { chainTokens, eventually, stackForFile, taskInInbox } from '../support/local.js';
import { submission } from '../support/submissions.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市

const file = stackForFile();

// A society station at a township has no one-per-region rule, so each test can submit its own.
async function submit(client = file.api, token = file.tokens.applicant) {
  const out = await client.call('POST', '/v1/applications', { token, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  return out.body as { id: string };
}

const inInbox = (who: string, id: string, client = file.api) => taskInInbox(client, who, id, 8_000);

const decide = (who: string, id: string, body: unknown, client = file.api) => client.call('POST', `/v1/applications/${id}/decision`, { token: who, body });
const read = (id: string, client = file.api) => client.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant, });

describe('return for revision and resubmission', () => {
  it('returns with every problem listed, takes the correction back to the level that returned it, and approves', async () => {
    // Prepare: township approves, county returns
    const { id } = await submit();
    await inInbox(file.tokens.township, id);
    await decide(file.tokens.township, id, { action: 'approve' });
    await inInbox(file.tokens.county, id);

    // Act
    const returned = await decide(file.tokens.county, id, {
      action: 'return',
      comment: '请补充材料',
      issues: [
        { path: 'form.address', message: '请写明门牌号' },
        { path: 'form.serviceArea', message: '服务范围请写到村' },
      ],
    });

    // Assess: returned, at the county, with the problems in the history
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'RETURNED', currentLevel: 'county' });
    expect(returned.body.history.at(-1)).toMatchObject({
      action: 'return',
      level: 'county',
      actor: { sub: expect.any(String), name: '连州市科协', level: 'county', region: '441882' },
      issues: [expect.objectContaining({ path: 'form.address' }), expect.objectContaining({ path: 'form.serviceArea' })],
    });
    expect((await decide(file.tokens.county, id, { action: 'approve' })).status).toBe(409);

    // Act: the applicant corrects two fields
    const form = returned.body.form;
    const corrected = { ...form, address: '广东省清远市连州市大路边镇大路边街18号', serviceArea: '大路边镇全镇12个村的果蔬基地' };
    const bad = await file.api.call('PUT', `/v1/applications/${id}`, { token: file.tokens.applicant, body: { form: { ...corrected, contact: { ...form.contact, mobile: '123' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'form.contact.mobile' })]);
    const resubmitted = await file.api.call('PUT', `/v1/applications/${id}`, { token: file.tokens.applicant, body: { form: corrected } });

    // Assess: back at the county (not the township), and the county sees what changed
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'PENDING', currentLevel: 'county' });
    expect(resubmitted.body.history.at(-1)).toMatchObject({ action: 'resubmit', changes: ['form.address', 'form.serviceArea'] });
    await inInbox(file.tokens.county, id);
    expect((await file.api.call('GET', '/v1/tasks', { token: file.tokens.township })).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await decide(file.tokens.county, id, { action: 'approve' });
    await inInbox(file.tokens.province, id);
    await decide(file.tokens.province, id, { action: 'approve' });
    const done = await eventually(async () => ((await read(id)).body.status === 'APPROVED' ? (await read(id)).body : undefined));
    expect(done.history.map((e: { action: string; level: string | null }) => `${e.action}@${e.level}`)).toEqual([
      'submit@null',
      'approve@township',
      'return@county',
      'resubmit@county',
      'approve@county',
      'approve@province',
    ]);
    expect(done.form.serviceArea).toBe('大路边镇全镇12个村的果蔬基地');
  });

  it('needs a comment and the list of problems to return, and refuses unknown fields', async () => {
    const { id } = await submit();
    await inInbox(file.tokens.township, id);
    expect((await decide(file.tokens.township, id, { action: 'return', comment: '不全' })).body.issues).toEqual([expect.objectContaining({ path: 'issues' })]);
    const unknown = await decide(file.tokens.township, id, { action: 'approve', status: 'APPROVED' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].message).toContain('status');
    expect((await read(id)).body.history).toHaveLength(1);
  });

  it('lets only the owner resubmit, and only a returned application', async () => {
    const { id } = await submit();
    await inInbox(file.tokens.township, id);
    const form = (await read(id)).body.form;
    expect((await file.api.call('PUT', `/v1/applications/${id}`, { token: file.tokens.applicant, body: { form } })).status).toBe(409);
    const other = await file.api.token({ role: 'applicant', org: '51441882MJ1234567W', name: '他人' });
    expect((await file.api.call('PUT', `/v1/applications/${id}`, { token: other, body: { form } })).status).toBe(404);
  });
});

describe('withdrawal', () => {
  for (const level of ['township', 'county', 'province'] as const) {
    it(`withdraws an application waiting at ${level}; the workflow ends and later decisions get 409`, async () => {
      const { id } = await submit();
      const order = ['township', 'county', 'province'] as const;
      for (const before of order.slice(0, order.indexOf(level))) {
        await inInbox(file.tokens[before], id);
        await decide(file.tokens[before], id, { action: 'approve' });
      }
      await inInbox(file.tokens[level], id);

      const out = await file.api.call('POST', `/v1/applications/${id}/withdraw`, { token: file.tokens.applicant });

      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({ status: 'WITHDRAWN', task: null });
      expect((await decide(file.tokens[level], id, { action: 'approve' })).status).toBe(409);
      expect((await file.api.call('POST', `/v1/applications/${id}/withdraw`, { token: file.tokens.applicant })).status).toBe(409);
      const execution = await eventually(async () => {
        const d = await file.api.stack.engine.describeExecution(file.api.stack.engine.executionArn(id));
        return d.status === 'RUNNING' ? undefined : d;
      });
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output!).action).toBe('withdraw');
    });
  }

  it('withdraws a returned application', async () => {
    const { id } = await submit();
    await inInbox(file.tokens.township, id);
    await decide(file.tokens.township, id, { action: 'return', comment: '补充', issues: [{ message: '缺少会员名册' }] });
    const out = await eventually(async () => {
      const r = await file.api.call('POST', `/v1/applications/${id}/withdraw`, { token: file.tokens.applicant });
      return r.status === 200 ? r : undefined;
    });
    expect(out.body.status).toBe('WITHDRAWN');
  });
});

describe('racing decisions', () => {
  it('lets exactly one of 20 concurrent approvals through and records one history entry', async () => {
    const { id } = await submit();
    await inInbox(file.tokens.township, id);

    const results = await Promise.all(Array.from({ length: 20 }, () => decide(file.tokens.township, id, { action: 'approve' })));

    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(19).fill(409)]);
    const history = (await read(id)).body.history;
    expect(history.filter((e: { action: string }) => e.action === 'approve')).toHaveLength(1);
    await inInbox(file.tokens.county, id);
  });
});

describe('a lost callback', () => {
  it('is recovered by the reconciler exactly once after a crash between the write and the callback', async () => {
    // Prepare: the engine is unreachable when the decision is written
    const { id } = await submit();
    await inInbox(file.tokens.township, id);
    const workflow = file.api.stack.services.workflow;
    const complete = workflow.complete.bind(workflow);
    workflow.complete = async () => {
      throw Object.assign(new Error('engine down'), { name: 'TimeoutError' });
    };

    // Act
    const out = await decide(file.tokens.township, id, { action: 'approve' });
    workflow.complete = complete;

    // Assess: the caller is told; the decision is recorded; the reconciler hands it over once
    expect(out.status).toBe(503);
    expect((await read(id)).body.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'approve']);
    const [first, second] = await Promise.all([reconcile(file.api.stack.services, 0), reconcile(file.api.stack.services, 0)]);
    expect(first.redelivered + second.redelivered).toBe(1);
    const atCounty = await inInbox(file.tokens.county, id);
    expect(atCounty.currentLevel).toBe('county');
    expect((await reconcile(file.api.stack.services, 0)).redelivered).toBe(0);
    expect((await read(id)).body.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'approve']);
  });
});

describe('time limits', () => {
  it('marks a task overdue past the soft limit and, a township configured to expire, expires it past the hard limit; a later decision gets 409', async () => {
    const quick = await file.h.start({ env: { TIME_LIMITS: 'township=1s/3s', ESCALATION: 'township=expire' } });
    const { applicant, township } = await chainTokens(quick);
    const { id } = await submit(quick, applicant);

    const overdue = await eventually(async () => {
      const out = await quick.call('GET', '/v1/tasks', { token: township });
      const item = out.body.items.find((i: { id: string; task: { overdue: boolean } }) => i.id === id);
      return item?.task.overdue ? item : undefined;
    }, 5_000, 'overdue');
    expect(overdue.task.overdue).toBe(true);

    const expired = await eventually(async () => {
      const out = await quick.call('GET', `/v1/applications/${id}`, { token: applicant });
      return out.body.status === 'EXPIRED' ? out.body : undefined;
    }, 8_000, 'EXPIRED');
    expect(expired.history.at(-1)).toMatchObject({ action: 'expire', level: 'township', actor: { role: 'system' } });
    expect((await quick.call('POST', `/v1/applications/${id}/decision`, { token: township, body: { action: 'approve' } })).status).toBe(409);
    expect((await quick.call('GET', '/v1/tasks', { token: township })).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  });
});

describe('the inbox', () => {
  it('lists what awaits the caller’s level and region, oldest first, page by page', async () => {
    const inbox = await file.h.start();
    const { applicant, township: official } = await chainTokens(inbox);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit(inbox, applicant)).id);
    await eventually(async () => ((await inbox.call('GET', '/v1/tasks', { token: official })).body.items.length === 3 ? true : undefined));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const out: { body: { items: { id: string; task: { dueAt: string } }[]; cursor: string | null } } = await inbox.call(
        'GET',
        `/v1/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: official },
      );
      expect(out.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...out.body.items.map((i) => i.id));
      cursor = out.body.cursor;
    } while (cursor);

    expect(seen).toEqual(ids);
    expect((await inbox.call('GET', '/v1/tasks?limit=101', { token: official })).status).toBe(400);
    expect((await inbox.call('GET', '/v1/tasks', { token: applicant })).status).toBe(403);
  });
});

describe('the clock while returned', () => {
  it('stops while the application is with the applicant and runs on with what was left after the resubmission', async () => {
    const quick = await file.h.start({ env: { TIME_LIMITS: 'township=2s/4s' } });
    const { applicant, township: official } = await chainTokens(quick);
    const { id } = await submit(quick, applicant);
    const task = await inInbox(official, id, quick);
    const left = Date.parse(task.task.expiresAt) - Date.now();
    const returned = await decide(official, id, { action: 'return', comment: '补充', issues: [{ message: '缺少专家名单' }] }, quick);
    expect(returned.body.status).toBe('RETURNED');

    // Longer than the whole hard limit, with the applicant
    await new Promise((r) => setTimeout(r, 4_500));
    const form = (await quick.call('GET', `/v1/applications/${id}`, { token: applicant })).body.form;
    const resubmitted = await quick.call('PUT', `/v1/applications/${id}`, { token: applicant, body: { form } });

    expect(resubmitted.status, resubmitted.text).toBe(200);
    const again = await inInbox(official, id, quick);
    const leftNow = Date.parse(again.task.expiresAt) - Date.parse(again.task.since);
    expect(leftNow).toBeLessThanOrEqual(left + 50);
    expect(leftNow).toBeGreaterThan(1_000);
  });
});

describe('the problems of a return as file.api.md lists them', () => {
  it('takes plain text problems as well as problems that name a field', async () => {
    const { id } = await submit();
    await inInbox(file.tokens.township, id);

    const out = await decide(file.tokens.township, id, { action: 'return', comment: '请补充', issues: ['缺少会员名册', { path: 'form.address', message: '请写明门牌号' }] });

    expect(out.status, out.text).toBe(200);
    expect(out.body.history.at(-1).issues).toEqual([{ message: '缺少会员名册' }, { path: 'form.address', message: '请写明门牌号' }]);
  });
});
