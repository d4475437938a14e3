// `npm start` killed with SIGKILL while decisions are in flight: started again on the same data it ends the
// stale DynamoDB Local, every pending task is back, and each application completes with one decision per level.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/stack.js';
import { alive, javaPid, npmStarts } from '../support/npm-start.js';
import { chainTokens } from '../support/local.js';
import { submission } from '../support/submissions.js';
import { isSettled, listAll, waitForApplications } from '../support/applications.js';

const TOWNSHIP = '441882102';
const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-kill-'));
const servers = npmStarts(dataDir);
const startServer = servers.start;

afterAll(async () => {
  await servers.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const levels = ['township', 'county', 'province'] as const;

describe('the server killed with SIGKILL in the middle of a flow', () => {
  it('comes back with every pending task, and each completes exactly once', { timeout: 180_000 }, async () => {
    // Prepare: 15 applications, spread over the three levels
    const port = await freePort();
    const first = await startServer(port);
    const t: Record<string, string> = await chainTokens(first.api);
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const out = await first.api.call('POST', '/v1/applications', { token: t.applicant, body: submission('society-station', TOWNSHIP) });
      expect(out.status, out.text).toBe(201);
      ids.push(out.body.id);
    }
    // (Settling is not what is tested here: under the whole suite's load fifteen first tasks once took over 10 s.)
    await waitForApplications(first.api, t.applicant, ids, isSettled, 30_000);
    for (const [i, id] of ids.entries()) {
      for (const level of levels.slice(0, i % 3)) {
        expect((await first.api.call('POST', `/v1/applications/${id}/decision`, { token: t[level], body: { action: 'approve' } })).status).toBe(200);
        await waitForApplications(first.api, t.applicant, [id], isSettled, 30_000);
      }
    }
    const before = await waitForApplications(first.api, t.applicant, ids, isSettled, 30_000);
    const staleJava = javaPid(dataDir);

    // Act: every application's next approval in flight at once, and the server killed among them
    // (staggered, and killed early: some recorded but cut off, some never recorded, maybe some answered)
    const inFlight = before.map(async (app, i) => {
      await new Promise((r) => setTimeout(r, 5 * i));
      return first.api
        .call('POST', `/v1/applications/${app.id}/decision`, { token: t[app.currentLevel], body: { action: 'approve' } })
        .then((out) => out.status)
        .catch(() => 'cut off');
    });
    await Promise.race([...inFlight, new Promise((r) => setTimeout(r, 60))]);
    first.child.kill('SIGKILL');
    const answers = await Promise.all(inFlight);
    await new Promise((done) => (first.child.exitCode !== null || first.child.signalCode !== null ? done(null) : first.child.once('exit', done)));
    expect(alive(staleJava)).toBe(true); // SIGKILL left Java running, holding the data

    const second = await startServer(port);

    // Assess: the stale Java is gone; each application is back with its task at exactly one level
    expect(alive(staleJava)).toBe(false);
    const back = await waitForApplications(second.api, t.applicant, ids, isSettled, 15_000);
    const pending = back.filter((app) => app.status === 'PENDING');
    expect(back.filter((app) => app.status !== 'PENDING').every((app) => app.status === 'APPROVED')).toBe(true);
    const inboxes = await Promise.all(levels.map((level) => listAll(second.api, '/v1/tasks', t[level])));
    const tasks = inboxes.flat().map((item) => item.id);
    expect(tasks.sort()).toEqual(pending.map((app) => app.id).sort());
    for (const [i, app] of back.entries()) {
      // An approval answered 200 was recorded; one cut off was recorded or not, never by halves.
      const recorded = app.history.length - before[i].history.length;
      if (answers[i] === 200) expect(recorded, app.id).toBe(1);
      else expect([0, 1], app.id).toContain(recorded);
      expect(app.history.slice(0, before[i].history.length)).toEqual(before[i].history);
      if (app.status === 'PENDING') expect(app.task.level).toBe(levels[app.history.length - 1]);
    }

    if (process.env.DEBUG_RESILIENCE) {
      console.log('answers when killed', answers.join(' '), '| recorded', back.map((app, i) => app.history.length - before[i].history.length).join(' '));
    }

    // ... and each completes to APPROVED with exactly one approval per level
    await Promise.all(
      pending.map(async (app) => {
        for (const level of levels.slice(levels.indexOf(app.currentLevel))) {
          await waitForApplications(second.api, t.applicant, [app.id], (a) => a.currentLevel === level && !!a.task);
          const out = await second.api.call('POST', `/v1/applications/${app.id}/decision`, { token: t[level], body: { action: 'approve' } });
          expect(out.status, out.text).toBe(200);
        }
      }),
    );
    const done = await waitForApplications(second.api, t.applicant, ids, (app) => app.status === 'APPROVED' && !!app.certificateNo);
    for (const app of done) {
      expect(app.history.map((e: { action: string; level: string | null }) => `${e.action}@${e.level}`)).toEqual([
        'submit@null',
        'approve@township',
        'approve@county',
        'approve@province',
      ]);
    }
    expect(new Set(done.map((app) => app.certificateNo)).size).toBe(ids.length);
  });
});
