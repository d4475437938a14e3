// 常用意见 (issue 18): an office keeps its stock comments; suggestions until it saves its own; of two saves over one
// version one is kept; other offices and applicants may not read or change them; bad input stored nowhere.
import { describe, expect, it } from 'vitest';
import { stackForFile } from '../support/local.js';

const file = stackForFile();
const path = '/v1/offices/township/441882102/comments';
const call = (method: string, url: string, token: string, body?: unknown) => file.api.call(method, url, { token, body });

describe('stock comments (常用意见)', () => {
  it('offers suggestions, then keeps what the office saves, in its order', async () => {
    // Act
    const first = await call('GET', path, file.tokens.township);
    const saved = await call('PUT', path, file.tokens.township, { version: first.body.version, comments: ['  材料齐全，同意上报。 ', '请补充村委会意见后重新提交。'] });
    const again = await call('GET', path, file.tokens.township);
    const byAdmin = await call('GET', path, file.tokens.admin);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ suggested: true, version: 0, office: { level: 'township', region: '441882102', name: '大路边镇' } });
    expect(first.body.comments.length).toBeGreaterThan(0);
    expect(saved.status, saved.text).toBe(200);
    expect(again.body).toMatchObject({ suggested: false, version: 1, comments: ['材料齐全，同意上报。', '请补充村委会意见后重新提交。'], updatedBy: { name: '大路边镇科协' } });
    expect(byAdmin.body.comments).toEqual(again.body.comments);
  });

  it('of two saves over one version, one is kept and the other told (409)', async () => {
    // Prepare
    const county = '/v1/offices/county/441882/comments';
    const seen = await call('GET', county, file.tokens.county);

    // Act
    const [a, b] = await Promise.all([['甲意见'], ['乙意见']].map((comments) => call('PUT', county, file.tokens.county, { version: seen.body.version, comments })));

    // Assess
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const kept = (a.status === 200 ? a : b).body.comments;
    expect((await call('GET', county, file.tokens.county)).body).toMatchObject({ version: 1, comments: kept });
    expect((a.status === 409 ? a : b).body.message).toContain('刷新');
  });

  it('is the office\'s own: others 403, an unknown office 404, bad input 400 at its field with nothing stored', async () => {
    // Act
    const otherOffice = await call('GET', path, file.tokens.county);
    const applicant = await call('PUT', path, file.tokens.applicant, { version: 0, comments: [] });
    const unknown = await call('GET', '/v1/offices/township/441882999/comments', file.tokens.admin);
    const bad = await call('PUT', path, file.tokens.township, { version: -1, comments: ['同', '重复的意见', '重复的意见', 'x'.repeat(201)], extra: 1 });
    const tooMany = await call('PUT', path, file.tokens.township, { version: 1, comments: Array.from({ length: 21 }, (_, i) => `第${i}条意见`) });
    const now = await call('GET', path, file.tokens.township);

    // Assess
    expect(otherOffice.status).toBe(403);
    expect(applicant.status).toBe(403);
    expect(unknown.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['comments.0', 'comments.2', 'comments.3', 'extra', 'version']);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues).toEqual([expect.objectContaining({ path: 'comments' })]);
    const hugeVersion = await call('PUT', path, file.tokens.township, { version: Number.MAX_SAFE_INTEGER, comments: [] });
    expect(hugeVersion.status, hugeVersion.text).toBe(400);
    expect(hugeVersion.body.issues).toEqual([expect.objectContaining({ path: 'version' })]);
    expect(now.body.version).toBe(1);
  });
});
