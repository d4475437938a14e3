// A certificate's life on the local stack: revoked by the province (the organisation told, the registry and the public
// page saying so, the counts and the plan's targets without it, its one-per-region place freed, its history appended),
// two revocations racing (one wins), bad input refused with nothing stored, dissolved by its own organisation, and a
// short term (TERMS) run out: the sweeper expires it once however many sweeps take it.
import { describe, expect, it } from 'vitest';
import { chainTokens, eventually, stackForFile, sweepServicesOf, type Client } from '../support/local.js';
import { submission } from '../support/submissions.js';
import { sweep } from '#functions/services/sweep.js';
import { keys } from '#functions/store/keys.js';
import { scopesOf } from '#functions/store/registry.js';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { approveThroughChain, officials, seedApproved } from './registry-fixtures.js';

// The sweeper is called by the tests (sweepEveryMs 0), so what one sweep does is seen exactly.
const file = stackForFile({ env: { TERMS: 'academician-station=20s' }, sweepEveryMs: 0 });
const OTHER_ORG = '51441882MJ1234567W';

const services = () => file.api.stack.services;
const seed = (type: Parameters<typeof seedApproved>[1]['type'], regionCode: string, change?: (form: any) => void) =>
  seedApproved(services(), { type, regionCode, at: new Date(), change });
const revoke = (no: string, token: string, body: unknown = { reason: '连续两年未报送年度报告，经核查已停止服务' }) =>
  file.api.call('POST', `/v1/certificates/${no}/revoke`, { token, body });
const stats = async (api: Client, admin: string) => (await api.call('GET', '/v1/stats', { token: admin })).body;
const goal = (report: any, id: string) => report.progress.find((p: { goal: string }) => p.goal === id).count;
const registryIds = async (query: string) =>
  (await file.api.call('GET', `/v1/registry?${query}&limit=100`, { token: file.tokens.admin })).body.items.map((i: { certificateNo: string }) => i.certificateNo);

describe('revocation (撤销)', () => {
  it('revokes with a reason: REVOKED everywhere, the organisation told, counts and targets without it, its place freed, history appended', async () => {
    // Prepare: a village 农技协 (one per village, counted toward the plan's 1,000 village associations), approved
    // through the whole chain
    const { api, tokens } = file;
    const before = await stats(api, tokens.admin);
    const approved = await approveThroughChain(api, tokens.applicant, officials(api), 'rural-tech-association', '441882102201');
    const record = (await services().registry.getCertificate(approved.certificateNo))!;
    expect(goal(await stats(api, tokens.admin), 'village-rural-tech-associations')).toBe(goal(before, 'village-rural-tech-associations') + 1);
    const duplicate = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('rural-tech-association', '441882102201') });
    expect(duplicate.status, duplicate.text).toBe(409);

    // Act
    const out = await revoke(record.certificateNo, tokens.province);

    // Assess: the answer is the record, REVOKED, with when and why
    expect(out.status, out.text).toBe(200);
    expect(out.body).toMatchObject({ certificateNo: record.certificateNo, status: 'REVOKED', reason: '连续两年未报送年度报告，经核查已停止服务', revokedAt: expect.any(String) });
    const certificate = await api.call('GET', `/v1/certificates/${record.certificateNo}`);
    expect(certificate.body).toMatchObject({ valid: false, status: 'REVOKED', statusName: '已撤销', revokedAt: out.body.revokedAt, reason: out.body.reason });
    expect(certificate.body.validity).toMatch(/^证书已于 \d{4}-\d{2}-\d{2} 撤销，原因：连续两年未报送年度报告/);
    // The registry keeps it, marked, and its status partitions say so
    expect(await registryIds('status=REVOKED')).toContain(record.certificateNo);
    expect(await registryIds('status=ACTIVE')).not.toContain(record.certificateNo);
    expect(await registryIds('region=441882102201')).toContain(record.certificateNo);
    // Counts and the plan's targets count active stations only
    const after = await stats(api, tokens.admin);
    expect(after.approved.total).toBe(before.approved.total);
    expect(after.approved.byType.find((t: { type: string }) => t.type === 'rural-tech-association').count).toBe(
      before.approved.byType.find((t: { type: string }) => t.type === 'rural-tech-association').count,
    );
    expect(after.approved.byCounty.find((c: { code: string }) => c.code === '441882').count).toBe(before.approved.byCounty.find((c: { code: string }) => c.code === '441882').count);
    expect(goal(after, 'village-rural-tech-associations')).toBe(goal(before, 'village-rural-tech-associations'));
    expect(after.certificates.revoked).toBe(before.certificates.revoked + 1);
    // The organisation is told
    const notices = await api.call('GET', '/v1/notifications', { token: tokens.applicant });
    expect(notices.body.items).toContainEqual(expect.objectContaining({ kind: 'revoked', applicationId: record.id, title: expect.stringContaining('证书已撤销') }));
    // Its one-per-region place is free again
    const again = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('rural-tech-association', '441882102201') });
    expect(again.status, again.text).toBe(201);
    // History appended
    expect(await services().registry.certificateHistory(record.certificateNo)).toEqual([
      expect.objectContaining({ action: 'revoke', reason: out.body.reason, actor: expect.objectContaining({ role: 'official', level: 'province' }) }),
    ]);
  });

  it('two revocations racing: one wins, the other is 409; counted once, one history entry', async () => {
    const { api, tokens } = file;
    const record = await seed('society-station', '441882101');
    const before = await stats(api, tokens.admin);

    const answers = await Promise.all([revoke(record.certificateNo, tokens.province), revoke(record.certificateNo, tokens.admin, { reason: '另一位管理员同时撤销' })]);

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('已撤销') });
    expect(await services().registry.certificateHistory(record.certificateNo)).toHaveLength(1);
    const after = await stats(api, tokens.admin);
    expect(after.approved.total).toBe(before.approved.total - 1);
    expect(after.certificates.revoked).toBe(before.certificates.revoked + 1);
  });

  it('only the province and administrators revoke; an unknown number is 404', async () => {
    const { tokens } = file;
    const record = await seed('expert-station', '441882');

    expect((await revoke(record.certificateNo, tokens.applicant)).status).toBe(403);
    expect((await revoke(record.certificateNo, tokens.county)).status).toBe(403);
    expect((await revoke(record.certificateNo, tokens.township)).status).toBe(403);
    expect((await file.api.call('POST', `/v1/certificates/${record.certificateNo}/revoke`, { body: { reason: '无令牌' } })).status).toBe(401);
    expect((await revoke('GDKX-2001-999999', tokens.province)).status).toBe(404);
    expect((await file.api.call('GET', `/v1/certificates/${record.certificateNo}`)).body).toMatchObject({ valid: true, status: 'ACTIVE' });
  });

  it('refuses a missing, empty, non-text or over-long reason and unknown fields with 400 at their paths, storing nothing', async () => {
    const { api, tokens } = file;
    const record = await seed('expert-station', '441881');

    const cases: [unknown, string][] = [
      [{}, 'reason'],
      [{ reason: '  ' }, 'reason'],
      [{ reason: 42 }, 'reason'],
      [{ reason: '长'.repeat(501) }, 'reason'],
      [{ reason: '材料造假', extra: true }, 'extra'],
    ];
    for (const [body, path] of cases) {
      const out = await revoke(record.certificateNo, tokens.province, body);
      expect(out.status, JSON.stringify(body)).toBe(400);
      expect(out.body.error).toBe('validation');
      expect(out.body.issues.map((i: { path: string }) => i.path)).toContain(path);
      expect(out.body.issues[0].message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const notJson = await api.call('POST', `/v1/certificates/${record.certificateNo}/revoke`, { token: tokens.province, body: 'reason=x', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((await api.call('GET', `/v1/certificates/${record.certificateNo}`)).body.status).toBe('ACTIVE');
    expect(await services().registry.certificateHistory(record.certificateNo)).toEqual([]);
  });

  it('uncounts an expert only when no other active station names them', async () => {
    const { api, tokens } = file;
    const expert = { name: '欧阳建华', title: '研究员', affiliation: '广东省农业科学院茶叶研究所', specialty: '茶树栽培' };
    const first = await seed('expert-station', '441802', (form) => (form.experts = [expert]));
    const second = await seed('society-station', '441803', (form) => (form.experts = [expert]));
    const named = goal(await stats(api, tokens.admin), 'experts');

    expect((await revoke(first.certificateNo, tokens.province)).status).toBe(200);
    expect(goal(await stats(api, tokens.admin), 'experts')).toBe(named);
    expect((await revoke(second.certificateNo, tokens.province)).status).toBe(200);
    expect(goal(await stats(api, tokens.admin), 'experts')).toBe(named - 1);
  });
});

describe('dissolution (注销)', () => {
  it('the organisation dissolves its own station; anyone else is 403; a second is 409', async () => {
    const { api, tokens } = file;
    const record = await seed('commissioner-station', '441882102');
    const other = await chainTokens(api, OTHER_ORG);
    const before = await stats(api, tokens.admin);
    const dissolve = (token: string, body: unknown = { reason: '合作协议到期，双方协商撤站' }) => api.call('POST', `/v1/certificates/${record.certificateNo}/dissolve`, { token, body });

    expect((await dissolve(other.applicant)).status).toBe(403);
    expect((await dissolve(tokens.province)).status).toBe(403);
    const out = await dissolve(tokens.applicant);
    expect(out.status, out.text).toBe(200);
    expect(out.body).toMatchObject({ status: 'DISSOLVED', dissolvedAt: expect.any(String), reason: '合作协议到期，双方协商撤站' });
    expect((await dissolve(tokens.applicant, {})).status).toBe(400);
    expect((await dissolve(tokens.applicant)).status).toBe(409);
    expect((await api.call('GET', `/v1/certificates/${record.certificateNo}`)).body).toMatchObject({ valid: false, status: 'DISSOLVED', statusName: '已注销' });
    expect((await revoke(record.certificateNo, tokens.province)).status).toBe(409);
    const after = await stats(api, tokens.admin);
    expect(after.approved.total).toBe(before.approved.total - 1);
    expect(after.certificates.dissolved).toBe(before.certificates.dissolved + 1);
  });
});

describe('expiry (到期)', () => {
  it('a term of 20 s (TERMS) ends: the public page says so at once, the sweeper records EXPIRED once however many sweeps run', async () => {
    const { api, tokens } = file;
    const record = await seed('academician-station', '441882');
    // Not yet due: a sweep leaves it alone
    expect((await file.api.stack.sweep()).expired).toBe(0);
    expect(Date.parse(record.validUntil!) - Date.parse(record.approvedAt)).toBe(20_000);
    const before = await stats(api, tokens.admin);
    expect((await api.call('GET', `/v1/certificates/${record.certificateNo}`)).body).toMatchObject({ valid: true, status: 'ACTIVE', validUntil: record.validUntil });

    await eventually(async () => (Date.now() > Date.parse(record.validUntil!) + 50 ? true : undefined), 30_000, 'the term to end');
    // Past its term the certificate is no longer valid, even before a sweep records it
    expect((await api.call('GET', `/v1/certificates/${record.certificateNo}`)).body).toMatchObject({ valid: false, status: 'EXPIRED', statusName: '已到期' });
    expect((await revoke(record.certificateNo, tokens.province)).status).toBe(409);

    // Three sweepers at once (the stack's, and two more as a restarted or duplicate invocation would be): one records it
    const sweeper = () => sweep(sweepServicesOf(services()));
    const results = await Promise.all([file.api.stack.sweep(), sweeper(), sweeper()]);
    const again = await sweeper();

    expect(results.reduce((n, r) => n + r.expired, 0) + again.expired).toBe(1);
    const certificate = (await api.call('GET', `/v1/certificates/${record.certificateNo}`)).body;
    expect(certificate).toMatchObject({ valid: false, status: 'EXPIRED', expiredAt: expect.any(String) });
    expect(certificate.validity).toMatch(/^服务期已于 \d{4}-\d{2}-\d{2} 届满，证书已到期$/);
    expect(await registryIds('status=EXPIRED')).toContain(record.certificateNo);
    expect(await services().registry.certificateHistory(record.certificateNo)).toEqual([expect.objectContaining({ action: 'expire', actor: expect.objectContaining({ role: 'system' }) })]);
    const after = await stats(api, tokens.admin);
    expect(after.approved.total).toBe(before.approved.total - 1);
    expect(after.certificates.expired).toBe(before.certificates.expired + 1);
    const notices = await api.call('GET', '/v1/notifications', { token: tokens.applicant });
    expect(notices.body.items).toContainEqual(expect.objectContaining({ kind: 'term-ended', applicationId: record.id }));
  });

  it('an association has no term: its validUntil is null and no sweep ends it', async () => {
    const record = await seed('tech-federation', '441802');
    expect(record.validUntil).toBeNull();
    expect((await file.api.call('GET', `/v1/certificates/${record.certificateNo}`)).body).toMatchObject({ valid: true, validUntil: null, validity: '证书有效（长期）' });
  });
});

describe('records from before certificates had a life', () => {
  it('read as ACTIVE with their type’s term, and the backfill puts them in the status partitions and their term on the due index, once', async () => {
    // Prepare: an approved certificate, its item and entries put back as they were written before (no status, no term,
    // no version, not on any index)
    const { db, table } = services().registry;
    const approved = await seedApproved(services(), { type: 'expert-station', regionCode: '441882', at: new Date('2025-06-01T02:00:00.000Z') });
    const { status: _status, validUntil: _validUntil, ...old } = approved;
    const items = [{ ...keys.certificate(old.certificateNo), ...old }, ...scopesOf(old).map((scope) => ({ ...keys.registryEntry(scope, old.approvedAt, old.id), ...old }))];
    for (const Item of items) await db.send(new PutCommand({ TableName: table, Item }));
    await db.send(new DeleteCommand({ TableName: table, Key: keys.migration('registry-life') }));
    expect((await file.api.call('GET', `/v1/certificates/${old.certificateNo}`)).body).toMatchObject({ valid: true, status: 'ACTIVE', validUntil: '2028-06-01T02:00:00.000Z' });
    expect(await registryIds('status=ACTIVE')).not.toContain(old.certificateNo);

    // Act
    const first = await services().registry.backfillLife();
    const second = await services().registry.backfillLife();

    // Assess
    expect(first).toBe(1);
    expect(second).toBe(0);
    expect(await registryIds('status=ACTIVE&region=441882')).toContain(old.certificateNo);
    expect((await services().registry.getStoredCertificate(old.certificateNo))).toMatchObject({ version: 1, migrated: true });
    const cert = (await db.send(new GetCommand({ TableName: table, Key: keys.certificate(old.certificateNo) }))).Item!;
    expect(cert.dueKind).toBe('term');
    expect(cert.dueSk).toBe(`2028-06-01T02:00:00.000Z#CERT#${old.certificateNo}#CERT`);
    // And it may end like any other
    expect((await revoke(old.certificateNo, file.tokens.province)).status).toBe(200);
  });
});

