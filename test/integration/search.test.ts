// Finding applications: the case number (受理号) every application carries, the lists' search by a fragment of the
// name, the organisation's name, its credit code or the case number, their filters and order, what an office
// decided (已办), and the public progress lookup (办件查询) by case number and credit code.
import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '#forms/credit-code.js';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#functions/store/keys.js';
import { ulid } from 'ulid';
import { isCaseNumber } from '#functions/domain/case-number.js';
import { newApplication } from '#functions/domain/application.js';
import { toItem } from '#functions/store/applications.js';
import { searchItems } from '#functions/store/application-lists.js';
import { backfillCaseNumbers } from '#functions/store/case-number-backfill.js';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市

const file = stackForFile();

/** A second organisation, its credit code with its own check character. */
const OTHER_ORG = `91441882MA4UB7K3X${creditCodeCheckChar('91441882MA4UB7K3X')}`.slice(0, 18);

async function submit(name: string, options: { org?: string; token?: string; orgName?: string; type?: 'society-station' | 'commissioner-station' } = {}) {
  const body = submission(options.type ?? 'society-station', TOWNSHIP, options.org ?? ORG, (form) => {
    form.name = name;
    if (options.orgName) form.organisation.name = options.orgName;
  });
  const out = await file.api.call('POST', '/v1/applications', { token: options.token ?? file.tokens.applicant, body });
  expect(out.status, out.text).toBe(201);
  return out.body as { id: string; caseNo: string; submittedAt: string };
}

const ids = (out: { body: { items: { id: string }[] } }) => out.body.items.map((item) => item.id);
const list = (path: string, token: string) => file.api.call('GET', path, { token });

describe('the case number', () => {
  it('is given at submission, twelve digits with a check digit, unique, and shown wherever the application is', async () => {
    // Prepare / Act
    const first = await submit('连州市瑶安乡甲号科技服务站');
    const second = await submit('连州市瑶安乡乙号科技服务站');

    // Assess: well formed, of this year, different
    for (const app of [first, second]) {
      expect(isCaseNumber(app.caseNo)).toBe(true);
      expect(app.caseNo.slice(0, 4)).toBe(first.submittedAt.slice(0, 4));
    }
    expect(first.caseNo).not.toBe(second.caseNo);
    // Assess: the same number in the application, the owner's list, the offices' lists and the inbox
    expect((await list(`/v1/applications/${first.id}`, file.tokens.applicant)).body.caseNo).toBe(first.caseNo);
    const mine = (await list('/v1/applications?limit=100', file.tokens.applicant)).body.items.find((i: { id: string }) => i.id === first.id);
    expect(mine.caseNo).toBe(first.caseNo);
    const county = (await list('/v1/applications?limit=100', file.tokens.county)).body.items.find((i: { id: string }) => i.id === first.id);
    expect(county.caseNo).toBe(first.caseNo);
    const task = await taskInInbox(file.api, file.tokens.township, first.id);
    expect(task.caseNo).toBe(first.caseNo);
    // And the task counts down its office's limit (5 working days by default; the day it arrived not counted)
    expect(task.task).toEqual(expect.objectContaining({ overdue: false, workingDaysLeft: 5 }));
  });
});

describe('an application stored before case numbers', () => {
  it('gets its number and its search entries from the backfill, once, and is then found and looked up by them', async () => {
    // Prepare: an application item as stored before case numbers (no caseNo, no search entries, no number's item)
    const { applications } = file.api.stack.services;
    const at = new Date().toISOString();
    const id = ulid();
    const step = { id, action: 'submit' as const, final: false, level: 'township' as const, region: TOWNSHIP, at, dueAt: at, expiresAt: at, timeoutSeconds: 1 };
    const form = submission('society-station', TOWNSHIP).form as Record<string, unknown>;
    form.name = '连州市大路边镇旧数据补号科技服务站';
    const old = newApplication({ id, type: 'society-station', regionCode: TOWNSHIP, form, applicant: { org: ORG, sub: 'old', name: '旧' }, at, step });
    await applications.db.send(new PutCommand({ TableName: applications.table, Item: toItem({ ...old, outbox: null }) }));
    // The stack ran the backfill as it started (nothing to number then): its marker goes, as in a table from before.
    await applications.db.send(new DeleteCommand({ TableName: applications.table, Key: keys.migration('case-numbers') }));
    expect((await list(`/v1/applications/${id}`, file.tokens.admin)).body.caseNo).toBeNull();

    // Act: the local stack runs it at start; here twice (the second finds its marker)
    const first = await backfillCaseNumbers(applications.db, applications.table);
    const second = await backfillCaseNumbers(applications.db, applications.table);

    // Assess
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(0);
    const { caseNo } = (await list(`/v1/applications/${id}`, file.tokens.admin)).body;
    expect(isCaseNumber(caseNo)).toBe(true);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('旧数据补号')}`, file.tokens.county))).toEqual([id]);
    expect(ids(await list(`/v1/applications?q=${caseNo}`, file.tokens.county))).toEqual([id]);
    expect((await file.api.call('GET', `/v1/progress?caseNo=${caseNo}&creditCode=${ORG}`)).status).toBe(200);
  });
});

describe('search', () => {
  it('finds an application by a fragment of its name, in every list that holds it, and nothing that does not match', async () => {
    // Prepare
    const target = await submit('连州市丰阳镇柑橘产业科技服务站');
    const other = await submit('连州市西岸镇蔬菜产业科技服务站');
    await taskInInbox(file.api, file.tokens.township, target.id);

    // Act / Assess: the applicant's list, the county's and the province's region lists, the administrator's, the township's tasks
    for (const [path, token] of [
      ['/v1/applications', file.tokens.applicant],
      ['/v1/applications', file.tokens.county],
      ['/v1/applications', file.tokens.province],
      ['/v1/applications', file.tokens.admin],
      ['/v1/tasks', file.tokens.township],
    ] as const) {
      const out = await list(`${path}?q=${encodeURIComponent('丰阳镇柑橘')}`, token);
      expect(out.status, `${path}: ${out.text}`).toBe(200);
      expect(ids(out), path).toEqual([target.id]);
    }
    // A fragment made only of the catalogue's common words still finds both, and only those that hold it
    const common = await list(`/v1/applications?limit=100&q=${encodeURIComponent('产业科技服务站')}`, file.tokens.county);
    expect(ids(common)).toEqual(expect.arrayContaining([target.id, other.id]));
    expect(common.body.items.every((i: { form: { name: string } }) => i.form.name.includes('产业科技服务站'))).toBe(true);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('丰阳镇蔬菜')}`, file.tokens.county))).toEqual([]);
    // Full-width and spaced input is taken as typed in half-width without spaces
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('丰阳 镇柑橘')}`, file.tokens.county))).toEqual([target.id]);
  });

  it('finds an application by its case number (whole, spaced or a fragment) and by its organisation’s name or credit code', async () => {
    // Prepare: an application of another organisation
    const token = await file.api.token({ role: 'applicant', org: OTHER_ORG, name: '连州市东陂镇腊味协会' });
    const app = await submit('东陂镇农产品加工科技服务站', { org: OTHER_ORG, token, orgName: '连州市东陂镇腊味加工协会' });
    const spaced = app.caseNo.replace(/(\d{4})(?=\d)/g, '$1 ');

    // Act / Assess
    for (const q of [app.caseNo, spaced, app.caseNo.slice(4), '东陂镇腊味加工', OTHER_ORG, OTHER_ORG.slice(6, 14).toLowerCase()]) {
      const out = await list(`/v1/applications?q=${encodeURIComponent(q)}`, file.tokens.county);
      expect(out.status, out.text).toBe(200);
      expect(ids(out), q).toEqual([app.id]);
    }
    // Another organisation's applicant does not find it, even by its whole number
    expect(ids(await list(`/v1/applications?q=${app.caseNo}`, file.tokens.applicant))).toEqual([]);
    expect(ids(await list(`/v1/applications?q=${app.caseNo}`, token))).toEqual([app.id]);
    // A whole number of an application outside the caller's region: nothing
    const elsewhere = await file.api.token({ role: 'official', level: 'county', region: '441802', name: '清城区科协' });
    expect(ids(await list(`/v1/applications?q=${app.caseNo}`, elsewhere))).toEqual([]);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('东陂镇农产品')}`, elsewhere))).toEqual([]);
  });

  it('finds nothing by the entries of a submission that was not stored, and a refused submission leaves none', async () => {
    // Prepare: entries written as a submission writes them before its transaction, which then never came (a crash)
    const { applications } = file.api.stack.services;
    const id = ulid();
    const at = new Date().toISOString();
    const step = { id, action: 'submit' as const, final: false, level: 'township' as const, region: TOWNSHIP, at, dueAt: at, expiresAt: at, timeoutSeconds: 1 };
    const form = submission('society-station', TOWNSHIP).form as Record<string, unknown>;
    form.name = '连州市大路边镇未存孤项科技服务站';
    const never = newApplication({ id, caseNo: '202600000000', type: 'society-station', regionCode: TOWNSHIP, form, applicant: { org: ORG, sub: 'x', name: 'x' }, at, step });
    for (const Item of searchItems({ ...never, caseNo: never.caseNo! })) await applications.db.send(new PutCommand({ TableName: applications.table, Item }));
    // Prepare: a submission refused (the one-per-region place is taken) after its entries were written
    const association = async (name: string) =>
      file.api.call('POST', '/v1/applications', {
        token: file.tokens.applicant,
        body: submission('township-association', '441882103', ORG, (f) => { f.name = name; }),
      });
    const first = await association('连州市拒收测试乡镇科协');
    expect(first.status, first.text).toBe(201);
    const refused = await association('连州市拒收重复乡镇科协');
    expect(refused.status, refused.text).toBe(409);

    // Act / Assess: the orphan's words find nothing; the refused name finds nothing and left no entry under its words
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('未存孤项')}`, file.tokens.admin))).toEqual([]);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('拒收重复')}`, file.tokens.admin))).toEqual([]);
    const left = await applications.db.send(new QueryCommand({ TableName: applications.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.searchPk('重复') } }));
    expect(left.Items ?? []).toEqual([]);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('拒收测试')}`, file.tokens.admin))).toEqual([first.body.id]);
  });

  it('follows a rename: the old name no longer finds the application, the new one does', async () => {
    // Prepare: returned by the township
    const app = await submit('连州市星子镇旧名科技服务站');
    await taskInInbox(file.api, file.tokens.township, app.id);
    const returned = await file.api.call('POST', `/v1/applications/${app.id}/decision`, {
      token: file.tokens.township,
      body: { action: 'return', comment: '名称不规范', issues: [{ path: 'form.name', message: '请用规范名称' }] },
    });
    expect(returned.status, returned.text).toBe(200);
    await eventually(async () => ((await file.api.call('GET', `/v1/applications/${app.id}`, { token: file.tokens.applicant })).body.task ? true : undefined), 10_000, 'the correction awaited');

    // Act
    const form = { ...returned.body.form, name: '连州市星子镇新立科技服务站' };
    const resubmitted = await file.api.call('PUT', `/v1/applications/${app.id}`, { token: file.tokens.applicant, body: { form } });
    expect(resubmitted.status, resubmitted.text).toBe(200);

    // Assess
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('星子镇旧名')}`, file.tokens.county))).toEqual([]);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('星子镇新立')}`, file.tokens.county))).toEqual([app.id]);
    expect(ids(await list(`/v1/applications?q=${encodeURIComponent('星子镇新立')}`, file.tokens.applicant))).toEqual([app.id]);
  });

  it('narrows by type, submission date and status, and sorts newest or oldest first', async () => {
    // Prepare
    const society = await submit('连州市保安镇筛选甲科技服务站');
    const commissioner = await submit('连州市保安镇筛选乙工作站', { type: 'commissioner-station' });
    const q = `q=${encodeURIComponent('保安镇筛选')}`;

    // Act / Assess: type
    expect(ids(await list(`/v1/applications?${q}&type=commissioner-station`, file.tokens.county))).toEqual([commissioner.id]);
    expect(ids(await list(`/v1/applications?type=commissioner-station&limit=100`, file.tokens.applicant))).toContain(commissioner.id);
    expect(ids(await list(`/v1/applications?type=commissioner-station&limit=100`, file.tokens.applicant))).not.toContain(society.id);
    // Submission date: today (CST) holds both, a day long past neither
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(ids(await list(`/v1/applications?${q}&from=${today}&to=${today}`, file.tokens.county)).sort()).toEqual([society.id, commissioner.id].sort());
    expect(ids(await list(`/v1/applications?${q}&to=2020-01-01`, file.tokens.county))).toEqual([]);
    expect(ids(await list(`/v1/applications?from=2020-01-01&to=2020-01-01`, file.tokens.applicant))).toEqual([]);
    // Status
    expect(ids(await list(`/v1/applications?${q}&status=APPROVED`, file.tokens.county))).toEqual([]);
    expect(ids(await list(`/v1/applications?${q}&status=PENDING&sort=oldest`, file.tokens.county))).toEqual([society.id, commissioner.id]);
    // Order
    expect(ids(await list(`/v1/applications?${q}&sort=newest`, file.tokens.applicant))).toEqual([commissioner.id, society.id]);
    expect(ids(await list(`/v1/applications?${q}&sort=oldest`, file.tokens.applicant))).toEqual([society.id, commissioner.id]);
    await taskInInbox(file.api, file.tokens.township, commissioner.id);
    expect(ids(await list(`/v1/tasks?${q}&sort=newest`, file.tokens.township))).toEqual([commissioner.id, society.id]);
  });

  it('pages a search: each page at most `limit`, every match once', async () => {
    // Prepare
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await submit(`连州市龙坪镇分页${i}号科技服务站`)).id);

    // Act
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const out = await list(`/v1/applications?limit=2&q=${encodeURIComponent('龙坪镇分页')}${cursor ? `&cursor=${cursor}` : ''}`, file.tokens.county);
      expect(out.status, out.text).toBe(200);
      expect(out.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(out));
      cursor = out.body.cursor;
    } while (cursor);

    // Assess
    expect(seen.sort()).toEqual(made.sort());
  });

  it('refuses a bad search with 400 naming every problem in Chinese, on both lists', async () => {
    // Act
    const bad = await list(`/v1/applications?q=${encodeURIComponent('镇')}&type=no-such-type&from=2026-13-01&sort=largest`, file.tokens.county);
    const empty = await list('/v1/tasks?q=', file.tokens.township);
    const blank = await list(`/v1/applications?q=${encodeURIComponent('   ')}`, file.tokens.applicant);
    const long = await list(`/v1/applications?q=${encodeURIComponent('长'.repeat(51))}`, file.tokens.admin);
    const badStatus = await list('/v1/tasks?status=PENDING', file.tokens.township);

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation');
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'q', 'sort', 'type']);
    expect(bad.body.issues.find((i: { path: string }) => i.path === 'q').message).toMatch(/至少 2 个字符/);
    for (const out of [empty, blank]) {
      expect(out.status).toBe(400);
      expect(out.body.issues).toEqual([{ path: 'q', message: expect.stringMatching(/不能为空/) }]);
    }
    expect(long.status).toBe(400);
    expect(long.body.issues).toEqual([{ path: 'q', message: expect.stringMatching(/最多 50 个字符/) }]);
    // The inbox has no status filter: the parameter is refused, not ignored
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.issues[0].path).toBe('status');
  });
});

describe('已办', () => {
  it('lists what the office decided, newest first, with the decision and its date; no one else has such a list', async () => {
    // Prepare
    const approved = await submit('连州市九陂镇已办甲科技服务站');
    const returned = await submit('连州市九陂镇已办乙科技服务站');
    await taskInInbox(file.api, file.tokens.township, approved.id);
    await taskInInbox(file.api, file.tokens.township, returned.id);

    // Act
    const a = await file.api.call('POST', `/v1/applications/${approved.id}/decision`, { token: file.tokens.township, body: { action: 'approve' } });
    const r = await file.api.call('POST', `/v1/applications/${returned.id}/decision`, { token: file.tokens.township, body: { action: 'return', comment: '请补充', issues: [{ message: '请补充服务计划' }] } });
    expect([a.status, r.status]).toEqual([200, 200]);
    const done = await list('/v1/decisions?limit=100', file.tokens.township);

    // Assess
    expect(done.status, done.text).toBe(200);
    const mine = done.body.items.filter((i: { applicationId: string }) => [approved.id, returned.id].includes(i.applicationId));
    expect(mine).toEqual([
      expect.objectContaining({ applicationId: returned.id, caseNo: returned.caseNo, action: 'return', level: 'township', comment: '请补充', name: '连州市九陂镇已办乙科技服务站', at: expect.any(String) }),
      expect.objectContaining({ applicationId: approved.id, caseNo: approved.caseNo, action: 'approve', level: 'township', name: '连州市九陂镇已办甲科技服务站' }),
    ]);
    // The county decided none of them yet; an applicant has no such list
    expect((await list('/v1/decisions', file.tokens.county)).body.items.map((i: { applicationId: string }) => i.applicationId)).not.toContain(approved.id);
    const refused = await list('/v1/decisions', file.tokens.applicant);
    expect(refused.status).toBe(403);
  });
});

describe('办件查询', () => {
  it('answers status and levels, without signing in, to whoever gives the case number and the organisation’s credit code', async () => {
    // Prepare: approved by the township, waiting at the county
    const app = await submit('连州市大路边镇办件查询科技服务站');
    await taskInInbox(file.api, file.tokens.township, app.id);
    await file.api.call('POST', `/v1/applications/${app.id}/decision`, { token: file.tokens.township, body: { action: 'approve' } });

    // Act
    const out = await file.api.call('GET', `/v1/progress?caseNo=${encodeURIComponent(app.caseNo.replace(/(\d{4})(?=\d)/g, '$1 '))}&creditCode=${ORG.toLowerCase()}`);

    // Assess: status and levels, nothing personal
    expect(out.status, out.text).toBe(200);
    expect(out.body).toEqual({
      caseNo: app.caseNo,
      type: 'society-station',
      status: 'PENDING',
      currentLevel: 'county',
      submittedAt: app.submittedAt,
      updatedAt: expect.any(String),
      levels: [
        { level: 'township', name: '乡镇', state: 'approved', at: expect.any(String) },
        { level: 'county', name: '县（区）', state: 'pending', at: null },
        { level: 'province', name: '省', state: 'waiting', at: null },
      ],
    });
    expect(out.text).not.toContain('张伟');
    expect(out.text).not.toContain('13800138000');
  });

  it('answers a wrong credit code as an unknown number (404), and bad input with 400 naming both fields', async () => {
    // Prepare
    const app = await submit('连州市大路边镇办件查询乙科技服务站');

    // Act
    const wrongOrg = await file.api.call('GET', `/v1/progress?caseNo=${app.caseNo}&creditCode=${OTHER_ORG}`);
    const unknown = await file.api.call('GET', `/v1/progress?caseNo=${app.caseNo.slice(0, 4)}00000000&creditCode=${ORG}`);
    const bad = await file.api.call('GET', '/v1/progress?caseNo=12345&creditCode=ABC');
    const missing = await file.api.call('GET', '/v1/progress');

    // Assess
    expect(wrongOrg.status).toBe(404);
    expect(wrongOrg.body.message).toBe('未找到该办件：请核对受理号和统一社会信用代码');
    expect(unknown.status).toBe(isCaseNumber(`${app.caseNo.slice(0, 4)}00000000`) ? 404 : 400);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['caseNo', 'creditCode']);
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toEqual(['caseNo', 'creditCode']);
  });
});
