// A station's life after its certificate, on the local stack: its annual report (filed, returned with every problem,
// corrected, accepted by its county alone, the certificate and the registry showing the year's status), bad reports
// refused with nothing stored, a year not filed flagged to the county by the sweeper once however many sweeps run,
// a change (contact, name, region) through its host level and the province with the certificate number kept and the
// change dates shown, a change into a region whose place is held refused naming the holder, and a dissolution told to
// the county and the province.
import { describe, expect, it } from 'vitest';
import { chainTokens, eventually, stackForFile, sweepServicesOf, taskInInbox } from '../support/local.js';
import { sweep } from '#functions/services/sweep.js';
import { cstYear } from '#functions/domain/china-time.js';
import { approveThroughChain, awaitStatus, officials, seedApproved } from './registry-fixtures.js';
import { submission } from '../support/submissions.js';

// Reports fall due 4 s after approval (REPORT_DEADLINE), the sweeper run by the tests.
const file = stackForFile({ env: { REPORT_DEADLINE: '4s' }, sweepEveryMs: 0 });
const OTHER_ORG = '51441882MJ1234567W';
const YEAR = cstYear(new Date());

const services = () => file.api.stack.services;
const seed = (type: Parameters<typeof seedApproved>[1]['type'], regionCode: string) => seedApproved(services(), { type, regionCode, at: new Date() });
const report = (overrides: Record<string, unknown> = {}) => ({
  services: '全年开展柑橘病虫害防治现场指导12次，推广水肥一体化技术，带动果农增收。',
  expertDaysOnSite: 86,
  trainings: 9,
  peopleTrained: 420,
  technologies: [{ name: '柑橘黄龙病综合防控' }, { name: '水肥一体化' }],
  farmersServed: 650,
  enterprisesServed: 7,
  problems: '冷链物流设施不足，希望协调建设产地预冷库。',
  ...overrides,
});
const fileReport = (no: string, token: string, body: unknown = { year: YEAR, form: report() }) => file.api.call('POST', `/v1/certificates/${no}/reports`, { token, body });
const certificate = async (no: string) => (await file.api.call('GET', `/v1/certificates/${no}`)).body;
const mine = async () => (await file.api.call('GET', '/v1/applications?limit=100', { token: file.tokens.applicant })).body.items.length;

describe('annual report (年度报告)', () => {
  it('filed, returned with every problem, corrected and accepted by the county; the certificate and the registry show the year’s status', async () => {
    // Prepare: a township-hosted station of 连州市 (its county decides its reports)
    const { api, tokens } = file;
    const station = await seed('commissioner-station', '441882102');
    expect((await certificate(station.certificateNo)).report).toMatchObject({ year: YEAR, status: 'DUE', statusName: '未报送' });

    // Act: filed
    const filed = await fileReport(station.certificateNo, tokens.applicant);

    // Assess: a report awaiting the county alone, the certificate saying so
    expect(filed.status, filed.text).toBe(201);
    expect(filed.body).toMatchObject({ type: 'annual-report', status: 'PENDING', currentLevel: 'county', regionCode: '441882102', subject: { certificateNo: station.certificateNo, year: YEAR } });
    expect(filed.body.subject.title).toBe(`${station.name} ${YEAR}年度报告`);
    const id = filed.body.id;
    expect((await certificate(station.certificateNo)).report).toMatchObject({ year: YEAR, status: 'PENDING', id });
    // The township never sees it in its inbox; the county does
    const task = await taskInInbox(api, tokens.county, id);
    expect(task).toMatchObject({ type: 'annual-report', subject: { certificateNo: station.certificateNo } });
    expect((await api.call('GET', '/v1/tasks', { token: tokens.township })).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    // Act: returned with two problems at once
    const issues = [
      { path: 'form.peopleTrained', message: '培训人数与培训签到表不符' },
      { path: 'form.problems', message: '请写明需要县级协调的具体事项' },
    ];
    const returned = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.county, body: { action: 'return', comment: '请核实后重新报送', issues } });
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: 'RETURNED', currentLevel: 'county' });
    expect((await certificate(station.certificateNo)).report.status).toBe('RETURNED');
    const notices = (await api.call('GET', '/v1/notifications', { token: tokens.applicant })).body.items;
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'returned', applicationId: id, body: expect.stringContaining('培训人数与培训签到表不符') }));

    // Act: a bad correction is refused at its fields; a good one goes back to the county
    await eventually(async () => ((await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body.task ? true : undefined), 10_000, 'the correction awaited');
    const bad = await api.call('PUT', `/v1/applications/${id}`, { token: tokens.applicant, body: { form: report({ peopleTrained: -1, services: '短' }) } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['form.peopleTrained', 'form.services']);
    const corrected = await api.call('PUT', `/v1/applications/${id}`, { token: tokens.applicant, body: { form: report({ peopleTrained: 380, problems: '请县科协协调建设产地预冷库一座。' }) } });
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.body.history.at(-1)).toMatchObject({ action: 'resubmit', changes: expect.arrayContaining(['form.peopleTrained', 'form.problems']) });
    expect((await certificate(station.certificateNo)).report.status).toBe('PENDING');

    // Act: the county accepts
    await taskInInbox(api, tokens.county, id);
    const approved = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.county, body: { action: 'approve' } });
    expect(approved.status, approved.text).toBe(200);

    // Assess: accepted by the county alone (the workflow records it), the certificate number unchanged
    const done = await awaitStatus(api, tokens.applicant, id, 'APPROVED');
    expect(done.certificateNo).toBeNull();
    expect(done.history.map((e: { action: string }) => e.action)).toEqual(['submit', 'return', 'resubmit', 'approve']);
    const cert = await certificate(station.certificateNo);
    expect(cert).toMatchObject({ certificateNo: station.certificateNo, valid: true, report: { year: YEAR, status: 'APPROVED', statusName: '已通过' } });
    expect(cert.reports).toEqual([{ year: YEAR, status: 'APPROVED', statusName: '已通过' }]);
    const registry = (await api.call('GET', '/v1/registry?region=441882102&limit=100', { token: tokens.admin })).body.items;
    expect(registry.find((r: { certificateNo: string }) => r.certificateNo === station.certificateNo)).toMatchObject({ report: { year: YEAR, status: 'APPROVED' } });
    expect((await api.call('GET', '/v1/notifications', { token: tokens.applicant })).body.items).toContainEqual(expect.objectContaining({ kind: 'approved', applicationId: id, title: expect.stringContaining('年度报告已通过') }));
  });

  it('refuses a year already reported, a station not its own, a revoked station, a year before the station existed and a bad form: clear 4xx in Chinese, nothing stored', async () => {
    const { api, tokens } = file;
    const station = await seed('society-station', '441882101');
    expect((await fileReport(station.certificateNo, tokens.applicant)).status).toBe(201);
    const other = await chainTokens(api, OTHER_ORG);
    const revoked = await seed('expert-station', '441882');
    expect((await api.call('POST', `/v1/certificates/${revoked.certificateNo}/revoke`, { token: tokens.province, body: { reason: '核查发现已停止服务' } })).status).toBe(200);
    const before = await mine();

    const again = await fileReport(station.certificateNo, tokens.applicant);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'duplicate', message: expect.stringContaining(`${YEAR} 年度报告已报送`) });

    const notOurs = await fileReport(station.certificateNo, other.applicant, { year: YEAR - 0, form: report() });
    expect(notOurs.status).toBe(403);
    expect(notOurs.body.message).toMatch(/不属于本单位/);

    const gone = await fileReport(revoked.certificateNo, tokens.applicant);
    expect(gone.status).toBe(409);
    expect(gone.body.message).toMatch(/已撤销，不能再报送年度报告/);

    const early = await fileReport(station.certificateNo, tokens.applicant, { year: YEAR - 1, form: report({ trainings: 'many' }) });
    expect(early.status).toBe(400);
    // Every problem at once: the year and the form's
    expect(early.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'year', message: `站点于 ${YEAR} 年设立，不能报送 ${YEAR - 1} 年度的报告` },
        expect.objectContaining({ path: 'form.trainings', message: expect.stringMatching(/举办培训次数/) }),
      ]),
    );
    const future = await fileReport(station.certificateNo, tokens.applicant, { year: YEAR + 1, form: report() });
    expect(future.status).toBe(400);
    expect(future.body.issues).toContainEqual({ path: 'year', message: `${YEAR + 1} 年度尚未开始，不能报送` });
    expect((await fileReport(station.certificateNo, tokens.county)).status).toBe(403);
    expect((await fileReport('GDKX-2001-999999', tokens.applicant)).status).toBe(404);

    // Nothing stored
    expect(await mine()).toBe(before);
    expect((await certificate(revoked.certificateNo)).report.status).toBe('DUE');
  });

  it('a year not filed by its deadline is flagged to the county once, however many sweeps take it; a filed one is not', async () => {
    const { api, tokens } = file;
    const late = await seed('expert-station', '441882');
    const lateRevoked = await seed('expert-station', '441882');
    const onTime = await seed('commissioner-station', '441882103');
    expect((await fileReport(onTime.certificateNo, tokens.applicant)).status).toBe(201);
    await eventually(async () => (Date.now() > Date.parse(late.approvedAt) + 4_500 ? true : undefined), 10_000, 'the deadline to pass');

    const overdueCount = async () => (await api.call('GET', '/v1/stats', { token: tokens.admin })).body.certificates.reportsOverdue as number;
    const before = await overdueCount();

    // Act: three sweepers at once (a restart, a duplicate invocation), then another
    const sweeper = () => sweep(sweepServicesOf(services()));
    await Promise.all([file.api.stack.sweep(), sweeper(), sweeper()]);
    await sweeper();

    // Assess: the late one OVERDUE, the county told once; the filed one still PENDING
    expect((await certificate(late.certificateNo)).reports).toContainEqual({ year: YEAR, status: 'OVERDUE', statusName: '逾期未报' });
    expect((await certificate(onTime.certificateNo)).reports).toContainEqual({ year: YEAR, status: 'PENDING', statusName: '已报送，待县级审核' });
    const county = (await api.call('GET', '/v1/notifications?limit=100', { token: tokens.county })).body.items;
    expect(county.filter((n: { kind: string; applicationId: string }) => n.kind === 'report-overdue' && n.applicationId === late.id)).toHaveLength(1);
    expect(county.filter((n: { kind: string; applicationId: string }) => n.kind === 'report-overdue' && n.applicationId === onTime.id)).toHaveLength(0);
    // The statistics count it (with the other stations of this file whose year the sweeps flagged), once
    const flagged = await overdueCount();
    expect(flagged).toBeGreaterThanOrEqual(before + 1);
    const marks = await services().registry.getCertificate(late.certificateNo);
    expect(Object.values(marks!.reports ?? {}).filter((m) => m.status === 'OVERDUE')).toHaveLength(1);
    // An overdue year may still be filed, and leaves the count
    expect((await fileReport(late.certificateNo, tokens.applicant)).status).toBe(201);
    expect(await overdueCount()).toBe(flagged - 1);
    // A station revoked with a year overdue takes it out of the count
    expect((await certificate(lateRevoked.certificateNo)).reports).toContainEqual({ year: YEAR, status: 'OVERDUE', statusName: '逾期未报' });
    expect((await api.call('POST', `/v1/certificates/${lateRevoked.certificateNo}/revoke`, { token: tokens.province, body: { reason: '连续未报送年度报告' } })).status).toBe(200);
    expect(await overdueCount()).toBe(flagged - 2);
  });
});

describe('change (变更)', () => {
  it('a change of contact and name goes through the host level and the province; the number stays, the dates show, the history names the fields', async () => {
    const { api, tokens } = file;
    const station = await seed('commissioner-station', '441882102');
    const body = { form: { name: '连州市大路边镇农村科技特派员服务站', contact: { name: '黄志强', mobile: '13912345678' }, reason: '站点更名，联系人调整' } };

    const filed = await api.call('POST', `/v1/certificates/${station.certificateNo}/changes`, { token: tokens.applicant, body });
    expect(filed.status, filed.text).toBe(201);
    expect(filed.body).toMatchObject({ type: 'certificate-change', status: 'PENDING', currentLevel: 'township' });
    expect(filed.body.history[0].changes).toEqual(['form.name', 'form.contact']);
    // One change at a time
    expect((await api.call('POST', `/v1/certificates/${station.certificateNo}/changes`, { token: tokens.applicant, body })).status).toBe(409);

    // The township, then the province (the county is not asked)
    const id = filed.body.id;
    await taskInInbox(api, tokens.township, id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } })).status).toBe(200);
    await taskInInbox(api, tokens.province, id);
    expect((await api.call('GET', '/v1/tasks', { token: tokens.county })).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.province, body: { action: 'approve' } })).status).toBe(200);
    await awaitStatus(api, tokens.applicant, id, 'APPROVED');

    const cert = await certificate(station.certificateNo);
    expect(cert).toMatchObject({ certificateNo: station.certificateNo, valid: true, name: '连州市大路边镇农村科技特派员服务站', changedAt: { name: expect.any(String), contact: expect.any(String) } });
    // The contact person is not on the public page
    expect(JSON.stringify(cert)).not.toContain('13912345678');
    const history = await api.call('GET', `/v1/certificates/${station.certificateNo}/history`, { token: tokens.applicant });
    expect(history.status, history.text).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ action: 'change', changes: ['name', 'contact'], applicationId: id, reason: '站点更名，联系人调整', actor: expect.objectContaining({ role: 'official', level: 'province' }) }),
    ]);
    const registry = (await api.call('GET', '/v1/registry?region=441882102&limit=100', { token: tokens.admin })).body.items;
    expect(registry.find((r: { certificateNo: string }) => r.certificateNo === station.certificateNo)).toMatchObject({ name: '连州市大路边镇农村科技特派员服务站' });
    // Another organisation may not read its history
    expect((await api.call('GET', `/v1/certificates/${station.certificateNo}/history`, { token: (await chainTokens(api, OTHER_ORG)).applicant })).status).toBe(404);
  });

  it('a move into a village whose one-per-village place is held is 409 naming the holder; a bad change lists every problem; nothing stored', async () => {
    const { api, tokens } = file;
    const holder = await approveThroughChain(api, tokens.applicant, officials(api), 'rural-tech-association', '441882102202');
    const mover = await seed('rural-tech-association', '441882102203');
    const before = await mine();

    const moved = await api.call('POST', `/v1/certificates/${mover.certificateNo}/changes`, { token: tokens.applicant, body: { form: { regionCode: '441882102202', address: '连州市大路边镇新村委会办公楼二楼', reason: '迁往邻村办公' } } });
    expect(moved.status, moved.text).toBe(409);
    expect(moved.body).toMatchObject({ error: 'duplicate', existing: { id: holder.id, certificateNo: holder.certificateNo } });
    expect(moved.body.message).toContain(holder.certificateNo);

    const bad = await api.call('POST', `/v1/certificates/${mover.certificateNo}/changes`, { token: tokens.applicant, body: { form: { contact: { name: '王', mobile: '123' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['form.contact.name', 'form.contact.mobile', 'form.reason']));
    const nothing = await api.call('POST', `/v1/certificates/${mover.certificateNo}/changes`, { token: tokens.applicant, body: { form: { reason: '无' + '变更内容' } } });
    expect(nothing.status).toBe(400);
    expect(nothing.body.issues[0].message).toMatch(/请至少填写一项变更内容/);

    expect(await mine()).toBe(before);
    expect((await certificate(mover.certificateNo)).regionCode).toBe('441882102203');
  });
});

describe('a report or a change that ends unapproved', () => {
  it('a rejected report frees its year; a withdrawn change lets another be filed', async () => {
    const { api, tokens } = file;
    const station = await seed('expert-station', '441882');
    const filed = await fileReport(station.certificateNo, tokens.applicant);
    await taskInInbox(api, tokens.county, filed.body.id);
    const rejected = await api.call('POST', `/v1/applications/${filed.body.id}/decision`, { token: tokens.county, body: { action: 'reject', comment: '内容与实际不符' } });
    expect(rejected.status, rejected.text).toBe(200);
    expect((await certificate(station.certificateNo)).report).toMatchObject({ status: 'REJECTED', statusName: '未通过' });
    expect((await fileReport(station.certificateNo, tokens.applicant)).status).toBe(201);

    const change = { form: { address: '连州市连州镇新区科技大楼三楼', reason: '办公地点搬迁' } };
    const first = await api.call('POST', `/v1/certificates/${station.certificateNo}/changes`, { token: tokens.applicant, body: change });
    expect(first.status, first.text).toBe(201);
    expect((await api.call('POST', `/v1/applications/${first.body.id}/withdraw`, { token: tokens.applicant })).status).toBe(200);
    const second = await api.call('POST', `/v1/certificates/${station.certificateNo}/changes`, { token: tokens.applicant, body: change });
    expect(second.status, second.text).toBe(201);
  });
});

describe('a change that moves the station (迁址)', () => {
  it('approved: the station is in its new village’s registry and not its old one’s, the plan rule’s place moved with it', async () => {
    // Prepare: a village 农技协 approved through the whole chain (holding its village's place)
    const { api, tokens } = file;
    const station = await approveThroughChain(api, tokens.applicant, officials(api), 'rural-tech-association', '441882102205');
    const body = { form: { regionCode: '441882102206', address: '连州市大路边镇邻村村委会办公楼一楼', reason: '协会迁往邻村办公' } };

    // Act: filed, approved by the township and the province
    const filed = await api.call('POST', `/v1/certificates/${station.certificateNo}/changes`, { token: tokens.applicant, body });
    expect(filed.status, filed.text).toBe(201);
    // While it is decided the new village's place is held for it
    const meanwhile = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('rural-tech-association', '441882102206') });
    expect(meanwhile.status, meanwhile.text).toBe(409);
    for (const office of [tokens.township, tokens.province]) {
      await taskInInbox(api, office, filed.body.id);
      expect((await api.call('POST', `/v1/applications/${filed.body.id}/decision`, { token: office, body: { action: 'approve' } })).status).toBe(200);
    }
    await awaitStatus(api, tokens.applicant, filed.body.id, 'APPROVED');

    // Assess: the same number, the new region and address, its registry entries moved
    expect(await certificate(station.certificateNo)).toMatchObject({ regionCode: '441882102206', address: body.form.address, changedAt: { regionCode: expect.any(String), address: expect.any(String) } });
    const inRegion = async (code: string) =>
      (await api.call('GET', `/v1/registry?region=${code}&limit=100`, { token: tokens.admin })).body.items.map((i: { certificateNo: string }) => i.certificateNo);
    expect(await inRegion('441882102206')).toContain(station.certificateNo);
    expect(await inRegion('441882102205')).not.toContain(station.certificateNo);
    // The old village's place is free, the new one's the station's
    expect((await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('rural-tech-association', '441882102206') })).status).toBe(409);
    expect((await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('rural-tech-association', '441882102205') })).status).toBe(201);
  });
});

describe('dissolution (注销)', () => {
  it('needs a reason; the county and the province are told; the station leaves the active counts', async () => {
    const { api, tokens } = file;
    const station = await seed('society-station', '441882102');
    const before = (await api.call('GET', '/v1/stats', { token: tokens.admin })).body;

    expect((await api.call('POST', `/v1/certificates/${station.certificateNo}/dissolve`, { token: tokens.applicant, body: {} })).status).toBe(400);
    const out = await api.call('POST', `/v1/certificates/${station.certificateNo}/dissolve`, { token: tokens.applicant, body: { reason: '依托单位撤并，站点停止运行' } });

    expect(out.status, out.text).toBe(200);
    expect(out.body).toMatchObject({ status: 'DISSOLVED', reason: '依托单位撤并，站点停止运行' });
    for (const office of [tokens.county, tokens.province]) {
      const notices = (await api.call('GET', '/v1/notifications?limit=100', { token: office })).body.items;
      expect(notices).toContainEqual(expect.objectContaining({ kind: 'dissolved', applicationId: station.id, body: expect.stringContaining('依托单位撤并') }));
    }
    const after = (await api.call('GET', '/v1/stats', { token: tokens.admin })).body;
    expect(after.approved.total).toBe(before.approved.total - 1);
    expect(after.certificates.dissolved).toBe(before.certificates.dissolved + 1);
    // No report may be filed for it any more
    expect((await fileReport(station.certificateNo, tokens.applicant)).status).toBe(409);
  });
});
