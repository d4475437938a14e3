// The approval pipeline (审批进度) of GET /v1/stats against DynamoDB Local and the local workflow engine: each change of
// an application moves its counters in its own transaction (in progress by level, returned, returns per type, the
// days a level took), the overdue timer counts a task overdue until the change that settles it, exactly once however
// a decision races it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { expireApplication } from '#functions/services/record-outcome.js';
import { pipelineCounter, pipelineDelta } from '#functions/domain/pipeline.js';
import { keys } from '#functions/store/keys.js';
import { pipelineItems } from '#functions/store/pipeline.js';
import { backfillPipeline } from '#functions/store/pipeline-backfill.js';
import { cstYear } from '#functions/domain/china-time.js';
import { seedApproved } from './registry-fixtures.js';
import { chainTokens, eventually, harness, taskInInbox, type ChainTokens, type Client, type Harness } from '../support/local.js';
import { submission } from '../support/submissions.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市 (清远市): a society station there has no one-per-region rule
const CITY = '4418';
const COUNTY = '441882';

let h: Harness;
let api: Client;
let t: ChainTokens;

beforeAll(async () => {
  h = await harness();
  // The township's soft limit (overdue) comes in 2 s, its hard limit far after; the sweeper is run by the tests.
  api = await h.start({ env: { TIME_LIMITS: 'township=2s/600s,county=600s/1200s,province=600s/1200s,resubmission=600s/1200s' } });
  t = await chainTokens(api);
});
afterAll(() => h?.close());

type Levels = { township: number; county: number; province: number };
type Row = { code: string; name: string; pending: Levels; returned: number; overdue: Levels };

async function pipeline() {
  const out = await api.call('GET', '/v1/stats', { token: t.admin });
  expect(out.status, out.text).toBe(200);
  const p = out.body.pipeline;
  const level = (name: string) => p.levels.find((l: { level: string }) => l.level === name);
  return {
    body: p,
    pending: Object.fromEntries(['township', 'county', 'province'].map((l) => [l, level(l).pending])) as Levels,
    overdue: Object.fromEntries(['township', 'county', 'province'].map((l) => [l, level(l).overdue])) as Levels,
    decided: (name: string) => level(name).decided as number,
    returned: p.returned as number,
    returns: (type: string) => p.returnsByType.find((r: { type: string }) => r.type === type).count as number,
    city: (code: string) => p.byCity.find((c: Row) => c.code === code) as Row,
    county: (code: string) => p.byCounty.find((c: Row) => c.code === code) as Row & { city: string },
  };
}

async function submit(): Promise<string> {
  const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

async function decide(token: string, id: string, body: Record<string, unknown>) {
  await taskInInbox(api, token, id);
  const out = await api.call('POST', `/v1/applications/${id}/decision`, { token, body });
  expect(out.status, out.text).toBe(200);
  return out.body;
}

async function overdueFired(id: string) {
  // The soft limit passed: the sweeper's overdue notice (and with it the count) for this task.
  const app = await api.stack.services.applications.get(id);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(app!.task?.dueAt ?? new Date().toISOString()) - Date.now() + 50)));
  await eventually(async () => {
    await api.stack.sweep();
    return (await api.stack.services.applications.get(id))?.overdueLevel ? true : undefined;
  }, 10_000, `overdue mark on ${id}`);
}

describe('the approval pipeline', () => {
  it('starts at zero, every city and county listed', async () => {
    const p = await pipeline();

    expect(p.pending).toEqual({ township: 0, county: 0, province: 0 });
    expect(p.returned).toBe(0);
    expect(p.body.inProgress).toBe(0);
    expect(p.body.byCity).toHaveLength(21);
    expect(p.body.byCounty).toHaveLength(124);
    expect(p.body.levels.map((l: { name: string; medianDays: null }) => [l.name, l.medianDays])).toEqual([['乡镇', null], ['县（区）', null], ['省', null]]);
    // The processes after approval are counted too, by their own names.
    expect(p.body.returnsByType.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['年度报告', '变更申请', '期满评估与续期']));
  });

  it('follows an application up the chain, back to its applicant and up again, and off the counts once decided', async () => {
    // Prepare
    const before = await pipeline();

    // Act / Assess: submitted
    const id = await submit();
    let p = await pipeline();
    expect(p.pending.township).toBe(before.pending.township + 1);
    expect(p.city(CITY).pending.township).toBe(before.city(CITY).pending.township + 1);
    expect(p.county(COUNTY).pending.township).toBe(before.county(COUNTY).pending.township + 1);

    // approved at the township: on to the county, the township's decision in its histogram
    await decide(t.township, id, { action: 'approve' });
    p = await pipeline();
    expect(p.pending).toEqual({ ...before.pending, county: before.pending.county + 1 });
    expect(p.decided('township')).toBe(before.decided('township') + 1);
    expect(p.body.levels[0].medianDays).toBe(0);

    // returned by the county: awaiting the applicant, one return of its type
    await decide(t.county, id, { action: 'return', comment: '请补充', issues: [{ path: 'form.summary', message: '请写明服务对象' }] });
    p = await pipeline();
    expect(p.pending).toEqual(before.pending);
    expect(p.returned).toBe(before.returned + 1);
    expect(p.city(CITY).returned).toBe(before.city(CITY).returned + 1);
    expect(p.returns('society-station')).toBe(before.returns('society-station') + 1);

    // resubmitted: back with the county
    const returned = await eventually(async () => {
      const out = await api.call('GET', `/v1/applications/${id}`, { token: t.applicant });
      return out.body.task ? out.body : undefined;
    }, 10_000, 'the correction awaited');
    const put = await api.call('PUT', `/v1/applications/${id}`, { token: t.applicant, body: { form: { ...returned.form, summary: `${returned.form.summary}（服务对象：本镇果农）` } } });
    expect(put.status, put.text).toBe(200);
    p = await pipeline();
    expect(p.returned).toBe(before.returned);
    expect(p.pending).toEqual({ ...before.pending, county: before.pending.county + 1 });

    // approved by the county, then by the province: off the counts while its certificate is recorded, and after
    await decide(t.county, id, { action: 'approve' });
    expect((await pipeline()).pending).toEqual({ ...before.pending, province: before.pending.province + 1 });
    await decide(t.province, id, { action: 'approve' });
    expect((await pipeline()).pending).toEqual(before.pending);
    await eventually(async () => ((await api.call('GET', `/v1/applications/${id}`, { token: t.applicant })).body.status === 'APPROVED' ? true : undefined), 15_000, 'approved');
    p = await pipeline();
    expect(p.pending).toEqual(before.pending);
    expect(p.returned).toBe(before.returned);
    expect(p.decided('county')).toBe(before.decided('county') + 2);
    expect(p.decided('province')).toBe(before.decided('province') + 1);
  });

  it('takes a rejection, a withdrawal and an expiry off the counts', async () => {
    // Prepare
    const before = await pipeline();
    const rejected = await submit();
    const withdrawn = await submit();
    const expired = await submit();
    expect((await pipeline()).pending.township).toBe(before.pending.township + 3);

    // Act
    await decide(t.township, rejected, { action: 'reject', comment: '不符合条件' });
    await taskInInbox(api, t.township, withdrawn);
    expect((await api.call('POST', `/v1/applications/${withdrawn}/withdraw`, { token: t.applicant })).status).toBe(200);
    await decide(t.township, expired, { action: 'return', comment: '请补充', issues: [{ message: '请补充说明' }] });
    expect((await pipeline()).returned).toBe(before.returned + 1);
    const app = await api.stack.services.applications.get(expired);
    await expireApplication(api.stack.services, expired, 'township', app!.updatedAt);

    // Assess
    const p = await pipeline();
    expect(p.pending).toEqual(before.pending);
    expect(p.returned).toBe(before.returned);
    expect(p.returns('society-station')).toBe(before.returns('society-station') + 1);
  });

  it('counts a task overdue once its soft limit passes, and no longer once it is decided', async () => {
    // Prepare
    const before = await pipeline();
    const id = await submit();
    await taskInInbox(api, t.township, id);

    // Act: the soft limit passes
    await overdueFired(id);

    // Assess
    let p = await pipeline();
    expect(p.overdue.township).toBe(before.overdue.township + 1);
    expect(p.city(CITY).overdue.township).toBe(before.city(CITY).overdue.township + 1);
    expect(p.county(COUNTY).overdue.township).toBe(before.county(COUNTY).overdue.township + 1);
    // A second sweep counts nothing again.
    await api.stack.sweep();
    expect((await pipeline()).overdue.township).toBe(before.overdue.township + 1);

    // Act: the township decides
    await decide(t.township, id, { action: 'approve' });

    // Assess
    p = await pipeline();
    expect(p.overdue).toEqual(before.overdue);
    expect(p.county(COUNTY).overdue.township).toBe(before.county(COUNTY).overdue.township);
    expect(p.pending).toEqual({ ...before.pending, county: before.pending.county + 1 });
  });

  it('counts overdue exactly once when a decision read before the timer fired is recorded after it', async () => {
    // Prepare: the task read as a decision reads it, before its overdue timer fires
    const before = await pipeline();
    const id = await submit();
    await taskInInbox(api, t.township, id);
    const read = (await api.stack.services.applications.get(id))!;
    await overdueFired(id);
    expect((await pipeline()).overdue.township).toBe(before.overdue.township + 1);

    // Act: the change built from that read (no mark seen) is recorded
    const at = new Date().toISOString();
    const outcome = await api.stack.services.applications.recordChange({
      app: read,
      expected: { version: read.version, token: read.taskToken! },
      set: { status: 'WITHDRAWN', updatedAt: at },
      entry: { at, action: 'withdraw', level: 'township', actor: { sub: 'test', name: 'test', role: 'applicant' }, comment: null },
      outbox: null,
    });

    // Assess: recorded, and the overdue count taken off with it
    expect(outcome).toBe('recorded');
    const p = await pipeline();
    expect(p.overdue).toEqual(before.overdue);
    expect(p.pending).toEqual(before.pending);
  });

  it('counts an annual report as work of its county, and its return by its own type', async () => {
    // Prepare: a township-hosted station of 连州市, approved (its county decides its reports)
    const before = await pipeline();
    const station = await seedApproved(api.stack.services, { type: 'commissioner-station', regionCode: TOWNSHIP, at: new Date() });
    const form = {
      services: '全年开展柑橘病虫害防治现场指导12次，推广水肥一体化技术，带动果农增收。',
      expertDaysOnSite: 86,
      trainings: 9,
      peopleTrained: 420,
      technologies: [{ name: '柑橘黄龙病综合防控' }],
      farmersServed: 650,
      enterprisesServed: 7,
      problems: '冷链物流设施不足。',
    };

    // Act: filed
    const filed = await api.call('POST', `/v1/certificates/${station.certificateNo}/reports`, { token: t.applicant, body: { year: cstYear(new Date()), form } });

    // Assess
    expect(filed.status, filed.text).toBe(201);
    let p = await pipeline();
    expect(p.pending).toEqual({ ...before.pending, county: before.pending.county + 1 });

    // Act: returned by the county
    await decide(t.county, filed.body.id, { action: 'return', comment: '请核实', issues: [{ path: 'form.peopleTrained', message: '培训人数与签到表不符' }] });

    // Assess: returned, one return of 年度报告
    p = await pipeline();
    expect(p.pending).toEqual(before.pending);
    expect(p.returned).toBe(before.returned + 1);
    expect(p.returns('annual-report')).toBe(before.returns('annual-report') + 1);
    expect(p.body.returnsByType.find((r: { type: string }) => r.type === 'annual-report').name).toBe('年度报告');
  });

  it('counts overdue exactly once however decisions and the sweeper race', async () => {
    // Prepare: three tasks past their soft limit, their timers not yet fired
    const before = await pipeline();
    const ids = [await submit(), await submit(), await submit()];
    for (const id of ids) await taskInInbox(api, t.township, id);
    const last = (await api.stack.services.applications.get(ids[2]))!;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(last.task!.dueAt) - Date.now() + 50)));

    // Act: each decided while the sweepers run
    await Promise.all([
      ...ids.map((id) => api.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve' } }).then((out) => expect(out.status, out.text).toBe(200))),
      api.stack.sweep(),
      api.stack.sweep(),
    ]);
    await api.stack.sweep();

    // Assess: whichever came first, nothing is left counted overdue, and the three wait at the county
    const p = await pipeline();
    expect(p.overdue).toEqual(before.overdue);
    expect(p.pending).toEqual({ ...before.pending, county: before.pending.county + 3 });
    for (const id of ids) expect((await api.stack.services.applications.get(id))?.overdueLevel).toBeUndefined();
  });
});

describe('the pipeline backfill', () => {
  const db = () => api.stack.services.applications.db;
  const table = () => api.stack.services.applications.table;

  /** Makes `id` look stored before the pipeline: its counts and marks taken back off, as if never made. */
  async function asIfBeforePipeline(id: string) {
    const app = (await api.stack.services.applications.get(id))!;
    const delta = pipelineDelta(null, app);
    if (app.overdueLevel) delta[pipelineCounter.overdue(app.overdueLevel)] = 1;
    const negated = Object.fromEntries(Object.entries(delta).map(([counter, n]) => [counter, -n]));
    await db().send(new TransactWriteCommand({
      TransactItems: [
        { Update: { TableName: table(), Key: keys.application(id), UpdateExpression: 'REMOVE #counted, #overdue', ExpressionAttributeNames: { '#counted': 'pipelineCounted', '#overdue': 'overdueLevel' } } },
        ...pipelineItems(table(), app.regionCode, negated),
      ],
    }));
  }

  it('counts the applications in progress from before the pipeline once, overdue ones overdue, and none changed since twice', async () => {
    // Prepare: a task past its soft limit (its overdue notice sent), one changed after the pipeline shipped, one
    // returned, all stored as if before the pipeline
    const before = await pipeline();
    const [late, changed, returned] = [await submit(), await submit(), await submit()];
    await taskInInbox(api, t.township, changed);
    await decide(t.township, returned, { action: 'return', comment: '请补充', issues: [{ message: '请补充说明' }] });
    await overdueFired(late);
    for (const id of [late, changed, returned]) await asIfBeforePipeline(id);
    expect((await pipeline()).pending).toEqual(before.pending);
    await decide(t.township, changed, { action: 'approve' });
    await db().send(new DeleteCommand({ TableName: table(), Key: keys.migration('pipeline') }));

    // Act
    const counted = await backfillPipeline(db(), table(), new Date());
    const again = await backfillPipeline(db(), table(), new Date());

    // Assess: the late one pending and overdue, the changed one where its change put it, the returned one returned
    expect(counted).toBe(2);
    expect(again).toBe(0);
    const p = await pipeline();
    expect(p.pending).toEqual({ ...before.pending, township: before.pending.township + 1, county: before.pending.county + 1 });
    expect(p.overdue).toEqual({ ...before.overdue, township: before.overdue.township + 1 });
    expect(p.returned).toBe(before.returned + 1);

    // …and the late one's decision takes it off both
    await decide(t.township, late, { action: 'approve' });
    const after = await pipeline();
    expect(after.overdue).toEqual(before.overdue);
    expect(after.pending).toEqual({ ...before.pending, county: before.pending.county + 2 });
  });
});

describe('GET /v1/stats/pipeline', () => {
  it('answers one scope: a county office its county, the province a city with its counties, as GET /v1/stats counts them', async () => {
    // Prepare: one more awaiting the township, so that 连州市 has work in hand
    await submit();
    const whole = await pipeline();

    // Act
    const county = await api.call('GET', '/v1/stats/pipeline', { token: t.county });
    const city = await api.call('GET', `/v1/stats/pipeline?region=${CITY}`, { token: t.province });
    const township = await api.call('GET', '/v1/stats/pipeline', { token: t.township });
    const outside = await api.call('GET', '/v1/stats/pipeline?region=4418', { token: t.county });
    const tooLow = await api.call('GET', `/v1/stats/pipeline?region=${TOWNSHIP}`, { token: t.admin });

    // Assess
    expect(county.status, county.text).toBe(200);
    expect(county.body).toMatchObject({ regionCode: COUNTY, name: '连州市', children: [] });
    const row = whole.county(COUNTY);
    expect(Object.fromEntries(county.body.levels.map((l: { level: string; pending: number }) => [l.level, l.pending]))).toEqual(row.pending);
    expect(Object.fromEntries(county.body.levels.map((l: { level: string; overdue: number }) => [l.level, l.overdue]))).toEqual(row.overdue);
    expect(county.body.returned).toBe(row.returned);
    expect(row.pending.township).toBeGreaterThan(0);
    expect(city.status, city.text).toBe(200);
    expect(city.body.regionCode).toBe(CITY);
    expect(city.body.children.find((c: { code: string }) => c.code === COUNTY)).toEqual({ code: row.code, name: row.name, pending: row.pending, returned: row.returned, overdue: row.overdue });
    expect(city.body.inProgress).toBe(whole.city(CITY).returned + Object.values(whole.city(CITY).pending).reduce((a, b) => a + b, 0));
    expect(township.status).toBe(403);
    expect(outside.status).toBe(403);
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.issues[0].path).toBe('region');
  });
});
