// An execution that ends before it takes a recorded decision (its next call kept failing, its record could not be
// written) leaves the application with nobody carrying it. The reconciler sees the step still in the outbox with a
// settled token, and starts a new execution from that step (workflows/approval.ts, `Resume`): the application goes
// on where it would have, once, and no second execution is started while the first is still trying.
import { describe, expect, it } from 'vitest';
import { reconcile } from '#functions/services/reconcile.js';
import { submission } from '../support/submissions.js';
import { failEngineCalls, failLambdas, recordsTaskToken } from '../support/faults.js';
import { eventually, stackForFile, taskInInbox, type Client } from '../support/local.js';

// Retries without their backoff: a state that keeps failing fails for good at once.
const file = stackForFile({ engine: { retryIntervalMs: 10 } });

const executionStatus = (client: Client, name: string) => client.stack.services.workflow.executionStatus(name);

const ended = (client: Client, name: string) =>
  eventually(async () => {
    const status = await executionStatus(client, name);
    return status && status !== 'RUNNING' ? status : undefined;
  }, 10_000, `execution ${name} to end`);

const decide = (client: Client, who: string, id: string, body: Record<string, unknown>) =>
  client.call('POST', `/v1/applications/${id}/decision`, { token: who, body });

async function submit(client = file.api) {
  const out = await client.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  return out.body.id as string;
}

describe('an execution that ended before taking a recorded decision', () => {
  it('the last approval: its record failed for good; started again, the application is APPROVED with a certificate', async () => {
    // Prepare: township and county approve; the province approves while the record-outcome function is broken
    const id = await submit();
    await taskInInbox(file.api, file.tokens.township, id);
    expect((await decide(file.api, file.tokens.township, id, { action: 'approve' })).status).toBe(200);
    await taskInInbox(file.api, file.tokens.county, id);
    expect((await decide(file.api, file.tokens.county, id, { action: 'approve' })).status).toBe(200);
    await taskInInbox(file.api, file.tokens.province, id);
    const broken = failLambdas(file.api);
    expect((await decide(file.api, file.tokens.province, id, { action: 'approve' })).status).toBe(200);
    expect(await ended(file.api, id)).toBe('FAILED');
    broken.heal();

    // Act
    const first = await reconcile(file.api.stack.services, 0);

    // Assess
    expect(first.resumed).toBe(1);
    const approved = await eventually(async () => {
      const out = await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant });
      return out.body.status === 'APPROVED' ? out.body : undefined;
    }, 10_000, 'APPROVED');
    expect(approved.certificateNo).toMatch(/^GDKX-\d{4}-\d{6}$/);
    expect(await ended(file.api, `${id}-r1`)).toBe('SUCCEEDED');
    expect(await reconcile(file.api.stack.services, 0)).toEqual({ redelivered: 0, resumed: 0 });
    expect(approved.history.filter((e: { action: string }) => e.action === 'approve')).toHaveLength(3);
  });

  it('an approval to the next level: the county’s task could not be recorded; started again, the county decides', async () => {
    // Prepare
    const id = await submit();
    await taskInInbox(file.api, file.tokens.township, id);
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'ThrottlingException' });
    expect((await decide(file.api, file.tokens.township, id, { action: 'approve' })).status).toBe(200);
    expect(await ended(file.api, id)).toBe('FAILED');
    fault.heal();

    // Act
    const first = await reconcile(file.api.stack.services, 0);

    // Assess
    expect(first.resumed).toBe(1);
    const task = await taskInInbox(file.api, file.tokens.county, id);
    expect(task.task).toMatchObject({ level: 'county', region: '441882' });
    expect((await decide(file.api, file.tokens.county, id, { action: 'approve' })).status).toBe(200);
    await taskInInbox(file.api, file.tokens.province, id);
    expect(await reconcile(file.api.stack.services, 0)).toEqual({ redelivered: 0, resumed: 0 });
  });

  it('a return: the resubmission wait could not be recorded; started again, the applicant resubmits', async () => {
    // Prepare
    const id = await submit();
    await taskInInbox(file.api, file.tokens.township, id);
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'ThrottlingException' });
    const returned = await decide(file.api, file.tokens.township, id, { action: 'return', comment: '请补充材料', issues: [{ path: 'form.address', message: '请写明门牌号' }] });
    expect(returned.status, returned.text).toBe(200);
    expect(await ended(file.api, id)).toBe('FAILED');
    fault.heal();

    // Act
    expect((await reconcile(file.api.stack.services, 0)).resumed).toBe(1);
    const form = { ...returned.body.form, address: '广东省清远市连州市大路边镇大路边街18号' };
    const resubmitted = await eventually(async () => {
      const out = await file.api.call('PUT', `/v1/applications/${id}`, { token: file.tokens.applicant, body: { form } });
      return out.status === 200 ? out : undefined;
    }, 10_000, 'the resubmission');

    // Assess: back at the township, in its inbox
    expect(resubmitted.body).toMatchObject({ status: 'PENDING', currentLevel: 'township' });
    await taskInInbox(file.api, file.tokens.township, id);
    expect(await executionStatus(file.api, `${id}-r1`)).toBe('RUNNING');
  });

  it('starts nothing while the execution is still trying, and nothing twice', async () => {
    // Prepare: a stack whose retries wait long enough to look at them
    const slow = await file.h.start({ engine: { retryIntervalMs: 1_500 } });
    const id = await submit(slow);
    await taskInInbox(slow, file.tokens.township, id);
    const fault = failEngineCalls(slow, { matches: recordsTaskToken, name: 'ThrottlingException' });
    expect((await decide(slow, file.tokens.township, id, { action: 'approve' })).status).toBe(200);

    // Act: the reconciler runs (twice at once) while the county's task is being retried
    const runs = await Promise.all([reconcile(slow.stack.services, 0), reconcile(slow.stack.services, 0)]);
    fault.heal();

    // Assess: the first execution takes the step itself
    expect(runs.map((r) => r.resumed)).toEqual([0, 0]);
    await taskInInbox(slow, file.tokens.county, id);
    expect(await executionStatus(slow, id)).toBe('RUNNING');
    expect(await executionStatus(slow, `${id}-r1`)).toBeNull();
  });
});
