// DynamoDB Local killed (SIGKILL) while submissions and decisions are in flight: callers get a clear 503,
// nothing is written by halves, and once it is back every application is whole and moves on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type LocalDynamo } from '#infra/local/dynamodb.js';
import { chainTokens, eventually, harness, type Client, type Harness } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { listAll, waitForApplications } from '../support/applications.js';

const TOWNSHIP = '441882102';
const SUFFIX = '-outage';
/** The longest a request may take while the store is down: the SDK's retries on a refused connection, with room for a busy machine. */
const MAX_MS = 12_000;

let h: Harness<LocalDynamo>;
let revived: LocalDynamo | undefined;
const t: Record<string, string> = {};

beforeAll(async () => {
  h = await harness({ ownDynamoDB: true }); // a DynamoDB Local of this file's own, to kill
});
afterAll(async () => {
  await revived?.stop();
  await h?.close();
});

interface Outcome {
  kind: 'submit' | 'decide';
  id?: string;
  status: number;
  body: any;
  ms: number;
  afterKill: boolean;
}

describe('DynamoDB Local killed in the middle of requests', () => {
  it('answers 503 unavailable, leaves no half-written application, and is consistent once it is back', { timeout: 90_000 }, async () => {
    // Prepare: applications waiting at the township, so that decisions can be in flight too
    // (no per-caller limit: a client retrying a store that is down answers fast, and this test is not about limits)
    const api = await h.start({ suffix: SUFFIX, env: { RATE_LIMITS: 'caller=off' } });
    Object.assign(t, await chainTokens(api));
    const waiting: string[] = [];
    for (let i = 0; i < 12; i++) {
      const out = await api.call('POST', '/v1/applications', { token: t.applicant, body: submission('society-station', TOWNSHIP) });
      expect(out.status, out.text).toBe(201);
      waiting.push(out.body.id);
    }
    await eventually(async () => ((await listAll(api, '/v1/tasks', t.township)).length === waiting.length ? true : undefined), 10_000, 'tasks');

    // Act: six clients submit and decide without pause; DynamoDB Local is killed once some have succeeded
    const outcomes: Outcome[] = [];
    let killed = false;
    let stop = false;
    const timed = async (kind: Outcome['kind'], id: string | undefined, request: () => ReturnType<Client['call']>) => {
      const afterKill = killed;
      const t0 = performance.now();
      const out = await request();
      outcomes.push({ kind, id: id ?? out.body?.id, status: out.status, body: out.body, ms: performance.now() - t0, afterKill });
    };
    const clients = Array.from({ length: 6 }, async (_, c) => {
      for (let n = 0; !stop; n++) {
        const decide = c % 2 === 0 ? waiting.pop() : undefined;
        if (decide) {
          await timed('decide', decide, () => api.call('POST', `/v1/applications/${decide}/decision`, { token: t.township, body: { action: 'approve' } }));
        } else {
          await timed('submit', undefined, () =>
            api.call('POST', '/v1/applications', {
              token: t.applicant,
              body: submission('society-station', TOWNSHIP, ORG, (form) => (form.name = `断库测试站点${c}-${n}`)),
            }),
          );
        }
      }
    });
    await eventually(async () => (outcomes.filter((o) => o.status < 300).length >= 8 ? true : undefined), 10_000, 'first successes');
    h.dynamo.process.kill('SIGKILL');
    killed = true;
    await new Promise((r) => setTimeout(r, 2_500));
    const health = await api.call('GET', '/v1/health');
    stop = true;
    await Promise.all(clients);

    // Assess: while it was down, a clear 503 in the API's error shape, never a 500, never a hang
    const during = outcomes.filter((o) => o.afterKill);
    expect(during.length).toBeGreaterThan(0);
    for (const o of outcomes) {
      expect([200, 201, 503], JSON.stringify(o)).toContain(o.status);
      expect(o.ms, JSON.stringify(o)).toBeLessThan(MAX_MS);
      if (o.status === 503) expect(o.body).toEqual({ error: 'unavailable', message: expect.stringMatching(/[\u4e00-\u9fa5]/), ...(o.body.cause ? { cause: o.body.cause } : {}) });
    }
    expect(during.some((o) => o.status === 503)).toBe(true);
    expect(health.status).toBe(503);
    expect(health.body.error).toBe('unavailable');

    // Act: DynamoDB Local again on the same data and port, and the stack restarted on it
    await api.stack.stop();
    revived = await startDynamo(h.dataDir, Number(new URL(h.dynamo.endpoint).port));
    const back = await h.start({ suffix: SUFFIX });

    // Assess: every answered submission and decision is there; everything there is whole
    const answeredSubmits = outcomes.filter((o) => o.kind === 'submit' && o.status === 201).map((o) => o.id!);
    const answeredDecisions = outcomes.filter((o) => o.kind === 'decide' && o.status === 200).map((o) => o.id!);
    const listed = await listAll(back, '/v1/applications', t.applicant);
    const ids = listed.map((a) => a.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...answeredSubmits, ...answeredDecisions]));
    // The reconciler hands over what was recorded but not started; the engine resumes what was running.
    const settled = await waitForApplications(back, t.applicant, ids, (app) => app.status === 'PENDING' && !!app.task, 15_000);
    for (const app of settled) {
      const actions = app.history.map((e: { action: string; level: string | null }) => `${e.action}@${e.level}`);
      expect(actions[0]).toBe('submit@null');
      const approved = actions.includes('approve@township');
      expect(actions).toEqual(approved ? ['submit@null', 'approve@township'] : ['submit@null']);
      expect(app.currentLevel).toBe(approved ? 'county' : 'township');
      expect(app.task.level).toBe(app.currentLevel);
    }
    if (process.env.DEBUG_RESILIENCE) {
      const refused = outcomes.filter((o) => o.status === 503);
      const decidedAnyway = refused.filter((o) => o.kind === 'decide' && settled.some((a) => a.id === o.id && a.currentLevel === 'county'));
      const submittedAnyway = ids.length - answeredSubmits.length - 12;
      console.log({ requests: outcomes.length, afterKill: during.length, refused: refused.length, decidedAnyway: decidedAnyway.length, submittedAnyway, slowestMs: Math.round(Math.max(...outcomes.map((o) => o.ms))) });
    }
    for (const id of answeredDecisions) expect(settled.find((a) => a.id === id)?.currentLevel).toBe('county');

    // ... and every one of them takes its next decision
    const township = await listAll(back, '/v1/tasks', t.township);
    const county = await listAll(back, '/v1/tasks', t.county);
    expect(township.length + county.length).toBe(ids.length);
    for (const app of settled) {
      const token = app.currentLevel === 'county' ? t.county : t.township;
      const out = await back.call('POST', `/v1/applications/${app.id}/decision`, { token, body: { action: 'approve' } });
      expect(out.status, out.text).toBe(200);
    }
  });
});
