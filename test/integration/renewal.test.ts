// A station's evaluation and renewal (期满评估与续期) at the end of its term, on the local stack: filed in the last 180
// days of its term with its self-assessment, reviewed by its county (which may propose a grade), graded by the
// province (合格 renews a whole term from its end, the history and the certificate say so), refused with nothing
// stored when too early, for a type without a term, by another organisation or with a bad form; two 不合格 in a row
// propose revocation to the province, the first leaving half a year to put things right.
import { describe, expect, it } from 'vitest';
import { cstDate } from '#functions/domain/china-time.js';
import { stackForFile, taskInInbox } from '../support/local.js';
import { seedApproved } from './registry-fixtures.js';

const file = stackForFile();
const DAY = 24 * 3600_000;
const services = () => file.api.stack.services;
/** A station approved long enough ago that `daysLeft` days of its three-year term remain. */
const seedEnding = (daysLeft: number, type: 'commissioner-station' | 'township-association' = 'commissioner-station', regionCode = '441882102') => {
  const at = new Date();
  at.setUTCFullYear(at.getUTCFullYear() - 3);
  return seedApproved(services(), { type, regionCode, at: new Date(at.getTime() + daysLeft * DAY) });
};
const selfAssessment = (overrides: Record<string, unknown> = {}) => ({
  summary: '服务期内开展柑橘病虫害防治现场指导36次，推广水肥一体化技术，带动果农增收。',
  servicesGiven: 36,
  expertDaysOnSite: 240,
  peopleTrained: 1260,
  selfGrade: 'excellent',
  plan: '下一服务期建设柑橘绿色防控示范基地两个。',
  ...overrides,
});
const fileRenewal = (no: string, token: string, body: unknown = { form: selfAssessment() }) => file.api.call('POST', `/v1/certificates/${no}/renewals`, { token, body });
const certificate = async (no: string) => (await file.api.call('GET', `/v1/certificates/${no}`)).body;
const decide = (id: string, token: string, body: Record<string, unknown>) => file.api.call('POST', `/v1/applications/${id}/decision`, { token, body });

/** Files a renewal and takes it through the county (approving) to the province's decision with `grade`. */
async function evaluated(no: string, grade: string) {
  const { api, tokens } = file;
  const filed = await fileRenewal(no, tokens.applicant);
  expect(filed.status, filed.text).toBe(201);
  await taskInInbox(api, tokens.county, filed.body.id);
  expect((await decide(filed.body.id, tokens.county, { action: 'approve' })).status).toBe(200);
  await taskInInbox(api, tokens.province, filed.body.id);
  const out = await decide(filed.body.id, tokens.province, { action: 'approve', grade });
  expect(out.status, out.text).toBe(200);
  return filed.body.id as string;
}

async function awaitEvaluations(no: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const cert = await certificate(no);
    if (cert.evaluations.length >= count && !cert.renewal?.pending) return cert;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${no}: not evaluated ${count} times`);
}

describe('evaluation and renewal (期满评估与续期)', () => {
  it('filed near the end of the term, reviewed by the county, graded 合格 by the province: a whole term more, said on the certificate and in its history', async () => {
    // Prepare: a township-hosted station with 100 days of its term left
    const { api, tokens } = file;
    const station = await seedEnding(100);
    const before = await certificate(station.certificateNo);
    expect(before.renewal).toEqual({ opensAt: new Date(Date.parse(station.validUntil!) - 180 * DAY).toISOString(), pending: false });
    expect(before.evaluations).toEqual([]);

    // Act: filed
    const filed = await fileRenewal(station.certificateNo, tokens.applicant);

    // Assess: a renewal awaiting the county first, one at a time
    expect(filed.status, filed.text).toBe(201);
    expect(filed.body).toMatchObject({ type: 'certificate-renewal', status: 'PENDING', currentLevel: 'county', subject: { certificateNo: station.certificateNo } });
    expect(filed.body.subject.title).toBe(`${station.name} 期满评估与续期（服务期至 ${cstDate(new Date(station.validUntil!))}）`);
    const id = filed.body.id;
    expect((await certificate(station.certificateNo)).renewal.pending).toBe(true);
    const second = await fileRenewal(station.certificateNo, tokens.applicant);
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('已有一项续期申请在审批中');

    // Act: the county approves with a proposed grade; the province must grade it
    await taskInInbox(api, tokens.county, id);
    expect((await api.call('GET', '/v1/tasks', { token: tokens.township })).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await decide(id, tokens.county, { action: 'approve', grade: 'excellent', comment: '初评优秀' })).status).toBe(200);
    await taskInInbox(api, tokens.province, id);
    const ungraded = await decide(id, tokens.province, { action: 'approve' });
    expect(ungraded.status).toBe(400);
    expect(ungraded.body.issues).toEqual([{ path: 'grade', message: '省级通过期满评估须给出评估等级（优秀、合格或不合格）' }]);
    const gradedReturn = await decide(id, tokens.province, { action: 'return', comment: '请补充', issues: ['补充培训记录'], grade: 'qualified' });
    expect(gradedReturn.status).toBe(400);
    expect(gradedReturn.body.issues.map((i: { path: string }) => i.path)).toEqual(['grade']);
    const graded = await decide(id, tokens.province, { action: 'approve', grade: 'qualified', comment: '评估合格' });
    expect(graded.status, graded.text).toBe(200);

    // Assess: a whole term more from the term's end, the evaluation listed, the organisation told, the history says so
    const after = await awaitEvaluations(station.certificateNo, 1);
    const renewedUntil = new Date(station.validUntil!);
    renewedUntil.setUTCFullYear(renewedUntil.getUTCFullYear() + 3);
    expect(after).toMatchObject({ valid: true, status: 'ACTIVE', validUntil: renewedUntil.toISOString(), renewal: { pending: false } });
    expect(after.evaluations).toEqual([{ at: expect.any(String), grade: 'qualified', gradeName: '合格', validUntil: renewedUntil.toISOString() }]);
    const history = (await api.call('GET', `/v1/certificates/${station.certificateNo}/history`, { token: tokens.applicant })).body.items;
    expect(history.at(-1)).toMatchObject({ action: 'renew', grade: 'qualified', validUntil: renewedUntil.toISOString(), applicationId: id, reason: '评估合格' });
    const app = (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;
    expect(app.status).toBe('APPROVED');
    expect(app.history.filter((e: { action: string }) => e.action === 'approve').map((e: { grade?: string }) => e.grade)).toEqual(['excellent', 'qualified']);
    const notices = (await api.call('GET', '/v1/notifications', { token: tokens.applicant })).body.items;
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'approved', applicationId: id, title: expect.stringContaining('期满评估合格：') }));
    // The next term's window opens 180 days before its new end: too early now
    expect((await fileRenewal(station.certificateNo, tokens.applicant)).status).toBe(409);
  });

  it('refuses too early, a type without a term, another organisation and a bad form: clear 4xx in Chinese, nothing stored', async () => {
    const { api, tokens } = file;
    const mine = async () => (await api.call('GET', '/v1/applications?limit=100', { token: tokens.applicant })).body.items.length;
    const fresh = await seedEnding(365 * 3 - 1);
    const association = await seedEnding(100, 'township-association', '441882101');
    const ending = await seedEnding(30);
    const count = await mine();
    const early = await fileRenewal(fresh.certificateNo, tokens.applicant);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/期满前 180 天（\d{4}-\d{2}-\d{2} 起）方可申请评估续期/);
    const termless = await fileRenewal(association.certificateNo, tokens.applicant);
    expect(termless.status).toBe(409);
    expect(termless.body.message).toContain('没有服务期限');
    const other = await api.token({ role: 'applicant', org: '51441882MJ1234567W', name: '其他单位' });
    expect((await fileRenewal(ending.certificateNo, other)).status).toBe(403);
    const bad = await fileRenewal(ending.certificateNo, tokens.applicant, { form: selfAssessment({ summary: '短', selfGrade: 'great', peopleTrained: -3, plan: undefined }) });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['form.peopleTrained', 'form.plan', 'form.selfGrade', 'form.summary']);
    expect(await mine()).toBe(count);
    expect((await certificate(ending.certificateNo)).renewal.pending).toBe(false);
  });

  it('不合格 leaves half a year to put things right and may be evaluated again at once; a second 不合格 in a row proposes revocation to the province', async () => {
    const { api, tokens } = file;
    const station = await seedEnding(20);
    const first = await evaluated(station.certificateNo, 'unqualified');
    const once = await awaitEvaluations(station.certificateNo, 1);
    const sixth = Math.round((Date.parse(new Date(new Date(station.validUntil!).setUTCFullYear(new Date(station.validUntil!).getUTCFullYear() + 3)).toISOString()) - Date.parse(station.validUntil!)) / 6);
    expect(once.validUntil).toBe(new Date(Date.parse(station.validUntil!) + sixth).toISOString());
    const told = (await api.call('GET', '/v1/notifications', { token: tokens.applicant })).body.items.find((n: { applicationId: string }) => n.applicationId === first);
    expect(told.body).toContain('请于');
    const provinceNotices = async () => (await api.call('GET', '/v1/notifications?limit=100', { token: tokens.province })).body.items.filter((n: { kind: string; applicationId: string }) => n.kind === 'revocation-proposed' && n.applicationId === station.id);
    expect(await provinceNotices()).toHaveLength(0);

    // Act: evaluated again straight away (its window is open while it puts things right), 不合格 again
    await evaluated(station.certificateNo, 'unqualified');

    // Assess: the province is asked to consider revoking it, once
    const twice = await awaitEvaluations(station.certificateNo, 2);
    expect(twice.evaluations.map((e: { grade: string }) => e.grade)).toEqual(['unqualified', 'unqualified']);
    expect(await provinceNotices()).toEqual([expect.objectContaining({ title: expect.stringContaining('连续两次评估不合格，提请撤销') })]);
    expect(twice.status).toBe('ACTIVE');
  });
});
