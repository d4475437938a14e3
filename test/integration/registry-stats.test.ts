// GET /v1/stats and certificate numbering against DynamoDB Local and the local workflow engine: only
// approvals count, each once; distinct experts are distinct; concurrent approvals get gapless numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstYear } from '#functions/domain/china-time.js';
import { recordApproval } from '#functions/services/record-outcome.js';
import { chainTokens, harness, type Client, type Harness } from '../support/local.js';
import { approveThroughChain, awaitStatus, awaitTask, decideChain, officials, storeAwaitingRecord, submit } from './registry-fixtures.js';

let h: Harness;
let api: Client;
let admin: string;
let applicant: string;
let official: ReturnType<typeof officials>;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  ({ admin, applicant } = await chainTokens(api));
  official = officials(api);
});
afterAll(() => h?.close());

const expert = (name: string, affiliation: string) => ({ name, title: '研究员', affiliation, specialty: '果树栽培' });

async function stats() {
  const out = await api.call('GET', '/v1/stats', { token: admin });
  expect(out.status, out.text).toBe(200);
  const body = out.body;
  return {
    body,
    total: body.approved.total as number,
    type: (type: string) => body.approved.byType.find((t: { type: string }) => t.type === type).count as number,
    city: (code: string) => body.approved.byCity.find((c: { code: string }) => c.code === code) as { count: number; byType: Record<string, number> },
    county: (code: string) => body.approved.byCounty.find((c: { code: string }) => c.code === code) as { count: number; city: string; byType: Record<string, number> },
    goal: (goal: string) => body.progress.find((p: { goal: string }) => p.goal === goal) as { count: number; target: number; percent: number },
  };
}

describe('GET /v1/stats', () => {
  it('starts at zero against the plan’s targets', async () => {
    const s = await stats();

    expect(s.total).toBe(0);
    expect(s.body.approved.byType).toHaveLength(9);
    expect(s.body.approved.byCity).toHaveLength(21);
    expect(s.body.approved.byCounty).toHaveLength(124);
    expect(s.body.progress.map((p: { goal: string; target: number; count: number }) => [p.goal, p.target, p.count])).toEqual([
      ['county-tech-federations', 100, 0],
      ['village-rural-tech-associations', 1_000, 0],
      ['county-consortium-stations', 124, 0],
      ['township-associations', 1_757, 0],
      ['experts', 20_000, 0],
    ]);
  });

  it('counts approvals through the chain, and never a rejection (at any level) or a withdrawal', async () => {
    // Prepare: seven to approve, two to reject, one to withdraw, one left pending
    const approvals = [
      approveThroughChain(api, applicant, official, 'tech-federation', '441882'),
      approveThroughChain(api, applicant, official, 'tech-federation', '441882102'),
      approveThroughChain(api, applicant, official, 'rural-tech-association', '441882102201'),
      approveThroughChain(api, applicant, official, 'consortium-station', '441882', (form) => {
        form.experts = [expert('王芳', '华南农业大学')];
      }),
      approveThroughChain(api, applicant, official, 'township-association', '441882102'),
      approveThroughChain(api, applicant, official, 'commissioner-station', '441882101', (form) => {
        form.experts = [expert('李建国', '广东省农业科学院果树研究所'), expert('王芳', '华南农业大学')];
      }),
      approveThroughChain(api, applicant, official, 'academician-station', '440104', (form) => {
        form.experts = [expert('李 建国', '广东省农业科学院 果树研究所'), expert('赵强', '华南农业大学')];
        form.academicians = [{ name: '周明远', academy: 'CAE', field: '果树遗传育种' }];
      }),
    ];
    const refusals = (async () => {
      const early = await submit(api, applicant, 'society-station', '441881', (form) => (form.experts = [expert('钱一', '某大学')]));
      await decideChain(api, official, early, 'reject-at-first-level');
      const late = await submit(api, applicant, 'expert-station', '441881', (form) => (form.experts = [expert('孙二', '某大学')]));
      await decideChain(api, official, late, 'reject-at-province');
      await awaitStatus(api, applicant, late.id, 'REJECTED');
      const withdrawn = await submit(api, applicant, 'expert-station', '441802', (form) => (form.experts = [expert('周三', '某大学')]));
      expect((await api.call('POST', `/v1/applications/${withdrawn.id}/withdraw`, { token: applicant })).status).toBe(200);
      await submit(api, applicant, 'tech-federation', '441881');
    })();

    // Act
    await Promise.all([...approvals, refusals]);
    const s = await stats();

    // Assess
    expect(s.total).toBe(7);
    expect(s.type('tech-federation')).toBe(2);
    expect(s.type('society-station')).toBe(0);
    expect(s.type('expert-station')).toBe(0);
    expect(s.city('4418')).toMatchObject({ count: 6, byType: { 'tech-federation': 2, 'commissioner-station': 1 } });
    expect(s.city('4401')).toMatchObject({ count: 1, byType: { 'academician-station': 1 } });
    expect(s.county('441882')).toMatchObject({ count: 6, city: '4418' });
    expect(s.county('441881').count).toBe(0);
    expect(s.county('441802').count).toBe(0);
    expect(s.goal('county-tech-federations').count).toBe(1); // the township's federation is not a county's
    expect(s.goal('village-rural-tech-associations').count).toBe(1);
    expect(s.goal('county-consortium-stations')).toMatchObject({ count: 1, target: 124, percent: 0.8 });
    expect(s.goal('township-associations').count).toBe(1);
    // 李建国 (twice, spelled with spaces once), 王芳 (twice), 赵强, academician 周明远; not the association's expert
    expect(s.goal('experts').count).toBe(4);
  }, 180_000);

  it('counts an approval recorded twice (a retried workflow task) once', async () => {
    const before = await stats();
    const { services } = api.stack;
    const app = await storeAwaitingRecord(services, {
      type: 'expert-station',
      regionCode: '441882',
      at: new Date(),
      change: (form) => (form.experts = [expert('冯四', '仲恺农业工程学院'), expert('陈五', '仲恺农业工程学院')]),
    });

    const first = await recordApproval(services, app.id);
    const again = await recordApproval(services, app.id);

    expect(again.certificateNo).toBe(first.certificateNo);
    const after = await stats();
    expect(after.total - before.total).toBe(1);
    expect(after.goal('experts').count - before.goal('experts').count).toBe(2);
  });

  it('refuses applicants and officials with 403', async () => {
    const province = await official('province', '44');

    expect((await api.call('GET', '/v1/stats', { token: applicant })).status).toBe(403);
    expect((await api.call('GET', '/v1/stats', { token: province })).status).toBe(403);
  });
});

describe('certificate numbers under concurrent approvals', () => {
  it('records 10 approvals at once with unique, gapless numbers, each counted once, a shared expert once', async () => {
    // Prepare: ten stations in ten townships, each naming the same expert and one of its own
    const { services } = api.stack;
    const at = new Date('2031-03-01T02:00:00Z');
    const townships = ['441882100', '441882101', '441882102', '441882103', '441881101', '441881102', '441881103', '441900003', '441900004', '441900005'];
    const apps = await Promise.all(
      townships.map((regionCode, i) =>
        storeAwaitingRecord(services, {
          type: 'commissioner-station',
          regionCode,
          at,
          change: (form) => (form.experts = [expert('共同专家', '广东省科学院'), expert(`专家${i}`, `单位${i}`)]),
        }),
      ),
    );
    const before = await stats();

    // Act
    const recorded = await Promise.all(apps.map((app) => recordApproval({ ...services, now: () => at }, app.id)));

    // Assess
    expect(recorded.map((r) => r.certificateNo).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `GDKX-2031-${String(i + 1).padStart(6, '0')}`));
    const after = await stats();
    expect(after.type('commissioner-station') - before.type('commissioner-station')).toBe(10);
    expect(after.county('441900').count - before.county('441900').count).toBe(3);
    expect(after.goal('experts').count - before.goal('experts').count).toBe(11);
    for (const [i, app] of apps.entries()) {
      const certificate = await api.call('GET', `/v1/certificates/${recorded[i].certificateNo}`);
      expect(certificate.body).toMatchObject({ valid: true, regionCode: app.regionCode });
    }
  }, 60_000);

  it('gives province approvals decided at the same moment through the API distinct, consecutive numbers', async () => {
    // Prepare: five county stations, each approved by its county, all waiting for the province
    const counties = ['441802', '441803', '441821', '441823', '441881'];
    const apps = await Promise.all(counties.map((regionCode) => submit(api, applicant, 'expert-station', regionCode)));
    const decide = (token: string, id: string) => api.call('POST', `/v1/applications/${id}/decision`, { token, body: { action: 'approve' } });
    for (const app of apps) {
      const county = await official('county', app.regionCode);
      await awaitTask(api, county, app.id);
      expect((await decide(county, app.id)).status).toBe(200);
    }
    const province = await official('province', '44');
    for (const app of apps) await awaitTask(api, province, app.id);

    // Act: the province approves all five at once
    const decided = await Promise.all(apps.map((app) => decide(province, app.id)));

    // Assess: distinct numbers, and every certificate of this year in the registry numbered 1..n without a gap
    expect(decided.map((d) => d.status)).toEqual([200, 200, 200, 200, 200]);
    const approved = await Promise.all(apps.map((app) => awaitStatus(api, applicant, app.id, 'APPROVED')));
    expect(new Set(approved.map((a) => a.certificateNo)).size).toBe(5);
    const year = cstYear(new Date());
    const all = await api.call('GET', `/v1/registry?from=${year}-01-01&to=${year}-12-31&limit=100`, { token: admin });
    const serials = all.body.items.map((i: { certificateNo: string }) => Number(i.certificateNo.slice(-6))).sort((a: number, b: number) => a - b);
    expect(serials.length).toBeGreaterThanOrEqual(5 + 7);
    expect(serials).toEqual(Array.from({ length: serials.length }, (_, i) => i + 1));
  }, 120_000);
});
