// A decision and the level's hard limit racing: a decision recorded before the limit wins even when its callback
// reaches the workflow after the timeout fired; a decision after the limit loses with 409; an expiry only ever
// expires the wait that timed out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireApplication } from '#functions/services/record-outcome.js';
import { chainTokens, eventually, harness, taskInInbox, type ChainTokens, type Client, type Harness } from '../support/local.js';
import { submission } from '../support/submissions.js';

const TOWNSHIP = '441882102'; // 大路边镇, 连州市: a society station there has no one-per-region rule

let h: Harness;
let quick: Client;
let t: ChainTokens;

beforeAll(async () => {
  h = await harness();
  // The township's hard limit is short enough to reach in a test; the applicant's correction has a long one.
  quick = await h.start({ env: { TIME_LIMITS: 'township=3s/6s,resubmission=60s/120s' } });
  t = await chainTokens(quick);
});
afterAll(() => h?.close());

async function submitted(): Promise<string> {
  const out = await quick.call('POST', '/v1/applications', { token: t.applicant, body: submission('society-station', TOWNSHIP) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

const read = async (id: string) => (await quick.call('GET', `/v1/applications/${id}`, { token: t.applicant })).body;
const actions = (app: { history: { action: string; level: string | null }[] }) => app.history.map((e) => `${e.action}@${e.level}`);

/**
 * Holds the API's next SendTaskSuccess until `until` has passed: the decision is recorded in time, and its callback
 * reaches the workflow only after the task's timeout fired (a slow network, a busy engine).
 */
function holdCallbackUntil(until: number) {
  const sfn = quick.stack.services.workflow.sfn;
  const name = `hold-callback-${Math.random()}`;
  let held = 0;
  sfn.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendTaskSuccessCommand' && held === 0) {
        held += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())));
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { release: () => sfn.middlewareStack.remove(name), held: () => held };
}

describe('a decision at the hard limit', () => {
  it('recorded before the limit, with its callback after the timeout: the approval stands and the county gets the task', async () => {
    // Prepare
    const id = await submitted();
    const task = await taskInInbox(quick, t.township, id);
    const hold = holdCallbackUntil(Date.parse(task.task.expiresAt) + 700);
    try {
      // Act
      const out = await quick.call('POST', `/v1/applications/${id}/decision`, { token: t.township, body: { action: 'approve', comment: '同意' } });

      // Assess
      expect(out.status, out.text).toBe(200);
      expect(hold.held()).toBe(1);
      await taskInInbox(quick, t.county, id);
      const app = await read(id);
      expect(app.status).toBe('PENDING');
      expect(app.currentLevel).toBe('county');
      expect(actions(app)).toEqual(['submit@null', 'approve@township']);
    } finally {
      hold.release();
    }
  });

  it('a return recorded before the limit, with its callback after the timeout: the applicant may correct, never blamed', async () => {
    // Prepare
    const id = await submitted();
    const task = await taskInInbox(quick, t.township, id);
    const hold = holdCallbackUntil(Date.parse(task.task.expiresAt) + 700);
    try {
      // Act
      const out = await quick.call('POST', `/v1/applications/${id}/decision`, {
        token: t.township,
        body: { action: 'return', comment: '请补充', issues: [{ path: 'form.summary', message: '请写明服务内容' }] },
      });
      expect(out.status, out.text).toBe(200);

      // Assess: it waits for the applicant (its correction clock running from the return), and was not expired
      const waiting = await eventually(async () => {
        const app = await read(id);
        return app.status === 'RETURNED' && app.task ? app : undefined;
      }, 8_000, 'RETURNED with a task');
      expect(Date.parse(waiting.task.expiresAt) - Date.parse(waiting.history.at(-1).at)).toBe(120_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(actions(await read(id))).toEqual(['submit@null', 'return@township']);

      const form = waiting.form;
      form.summary = `${form.summary}（已补充服务内容）`;
      const again = await quick.call('PUT', `/v1/applications/${id}`, { token: t.applicant, body: { form } });
      expect(again.status, again.text).toBe(200);
      expect(again.body.status).toBe('PENDING');
    } finally {
      hold.release();
    }
  });

  it('after the limit: 409 saying the time limit passed, and nothing recorded', async () => {
    // Prepare: a long limit, and the API's clock past it (the decision arrives before the timeout has run)
    const slow = await h.start({ env: { TIME_LIMITS: 'township=60s/120s' } });
    const tokens = await chainTokens(slow);
    const out = await slow.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', TOWNSHIP) });
    const id = out.body.id as string;
    const task = await taskInInbox(slow, tokens.township, id);
    const realNow = slow.stack.services.now;
    slow.stack.services.now = () => new Date(Date.parse(task.task.expiresAt) + 50);
    try {
      // Act
      const late = await slow.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } });

      // Assess
      expect(late.status, late.text).toBe(409);
      expect(late.body).toMatchObject({ error: 'conflict' });
      expect(late.body.message).toContain('期限已过');
    } finally {
      slow.stack.services.now = realNow;
    }
    const app = (await slow.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;
    expect(actions(app)).toEqual(['submit@null']);
    expect(app.task).not.toBeNull();
  });
});

describe('an expiry', () => {
  it('expires only the wait that timed out: a stale one leaves a later wait alone, the current one expires', async () => {
    // Prepare: an application that has moved on from the township to the county
    const slow = await h.start({ env: { TIME_LIMITS: 'township=60s/120s,county=60s/120s', ESCALATION: 'township=expire,county=expire' } });
    const tokens = await chainTokens(slow);
    const out = await slow.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', TOWNSHIP) });
    const id = out.body.id as string;
    await taskInInbox(slow, tokens.township, id);
    expect((await slow.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } })).status).toBe(200);
    const atCounty = await taskInInbox(slow, tokens.county, id);

    // Act: the township's wait (started by the submission) times out late, then the county's own
    const stale = await expireApplication(slow.stack.services, id, 'township', out.body.submittedAt);
    const staleAtCounty = await expireApplication(slow.stack.services, id, 'county', out.body.submittedAt);
    const afterStale = await slow.stack.services.applications.get(id);
    const current = await expireApplication(slow.stack.services, id, 'county', afterStale!.updatedAt);

    // Assess
    expect(stale).toEqual({ status: 'PENDING', next: null });
    expect(staleAtCounty).toEqual({ status: 'PENDING', next: null });
    expect(afterStale).toMatchObject({ status: 'PENDING', currentLevel: 'county', version: atCounty.version });
    expect(current).toEqual({ status: 'EXPIRED', next: null });
    const app = (await slow.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;
    expect(actions(app)).toEqual(['submit@null', 'approve@township', 'expire@county']);
  });
});
