// A restart of the local stack on the same data loses nothing: every application and every pending approval is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { chainTokens, eventually, harness, taskInInbox, type Client, type Harness } from '../support/local.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h?.close());

const inbox = (api: Client, token: string, id: string) => taskInInbox(api, token, id, 5_000);

describe('restarting the local stack', () => {
  it('keeps applications and pending approvals, and carries on without applying a decision twice', async () => {
    // Prepare: two applications, one waiting at township, one moved on to county
    const first = await h.start({ suffix: '-restart' });
    let t = await chainTokens(first);
    const submit = async () =>
      (
        await first.call('POST', '/v1/applications', {
          token: t.applicant,
          body: submission('society-station', '441882102'),
        })
      ).body;
    const waiting = await submit();
    const moved = await submit();
    await inbox(first, t.township, waiting.id);
    await inbox(first, t.township, moved.id);
    expect((await first.call('POST', `/v1/applications/${moved.id}/decision`, { token: t.township, body: { action: 'approve' } })).status).toBe(200);
    await inbox(first, t.county, moved.id);

    // Act: stop, start again on the same data
    await first.stack.stop();
    const second = await h.start({ suffix: '-restart' });
    t = await chainTokens(second);

    // Assess: both are where they were, and both go on to the end
    expect((await inbox(second, t.township, waiting.id)).currentLevel).toBe('township');
    expect((await inbox(second, t.county, moved.id)).currentLevel).toBe('county');
    for (const [token, id] of [
      [t.township, waiting.id],
      [t.county, waiting.id],
      [t.province, waiting.id],
    ] as const) {
      await inbox(second, token, id);
      expect((await second.call('POST', `/v1/applications/${id}/decision`, { token, body: { action: 'approve' } })).status).toBe(200);
    }
    await expect(second.call('POST', `/v1/applications/${moved.id}/decision`, { token: t.county, body: { action: 'approve' } })).resolves.toMatchObject({ status: 200 });
    await inbox(second, t.province, moved.id);
    await second.call('POST', `/v1/applications/${moved.id}/decision`, { token: t.province, body: { action: 'approve' } });
    for (const id of [waiting.id, moved.id]) {
      const done = await eventually(async () => {
        const out = await second.call('GET', `/v1/applications/${id}`, { token: t.applicant });
        return out.body.status === 'APPROVED' ? out.body : undefined;
      }, 5_000, `${id} approved`);
      const actions = done.history.map((e: { action: string; level: string }) => `${e.action}@${e.level}`);
      expect(actions).toEqual(['submit@null', 'approve@township', 'approve@county', 'approve@province']);
    }
  });
});
