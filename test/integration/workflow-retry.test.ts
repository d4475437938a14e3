// A callback task whose call to DynamoDB fails for a passing reason (throttling, a service error) is tried again
// by the workflow's Retry, on the local engine running the deployed definition: the application still reaches
// the inbox, also when the failed attempt had in fact written its token.
import { describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { failEngineCalls, recordsTaskToken } from '../support/faults.js';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';

const file = stackForFile();

async function submit() {
  const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  return out.body.id as string;
}

const inInbox = (who: string, id: string) => taskInInbox(file.api, who, id, 15_000);

const status = async (id: string) => (await file.api.call('GET', `/v1/applications/${id}`, { token: file.tokens.applicant })).body;

describe('a callback task whose DynamoDB call fails for a passing reason', () => {
  it('is tried again: throttled twice, the application still reaches the township inbox', async () => {
    // Prepare
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'ProvisionedThroughputExceededException', times: 2 });

    // Act
    const id = await submit();
    const task = await inInbox(file.tokens.township, id);
    fault.heal();

    // Assess
    expect(fault.failed).toHaveLength(2);
    expect(task.task).toMatchObject({ level: 'township', region: '441882102' });
    const execution = await file.api.stack.engine.describeExecution(file.api.stack.engine.executionArn(id));
    expect(execution.status).toBe('RUNNING');
  });

  it('replaces the token a failed attempt wrote with its own, and the decision taken with it goes through', async () => {
    // Prepare: the first attempt writes its token and then answers an internal error
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'InternalServerError', times: 1, afterWrite: true });

    // Act
    const id = await submit();
    const failedToken = await eventually(async () => fault.failed[0]?.ExpressionAttributeValues?.[':token']?.S, 5_000, 'the failed attempt');
    // The retried attempt puts its own token in place of the failed one's (which Step Functions no longer takes).
    const recorded = await eventually(async () => {
      const app = await file.api.stack.services.applications.get(id);
      return app?.taskToken && app.taskToken !== failedToken ? app.taskToken : undefined;
    }, 10_000, 'the retried attempt’s token');
    await inInbox(file.tokens.township, id);
    const decided = await file.api.call('POST', `/v1/applications/${id}/decision`, { token: file.tokens.township, body: { action: 'approve' } });
    fault.heal();

    // Assess
    expect(recorded).not.toBe(failedToken);
    expect(decided.status, decided.text).toBe(200);
    await inInbox(file.tokens.county, id);
    expect(await status(id)).toMatchObject({ status: 'PENDING', currentLevel: 'county' });
  });

  it('stops trying once the application has moved on: withdrawn between two attempts, the wait ends and no task appears', async () => {
    // Prepare: every attempt fails until the application is withdrawn
    const fault = failEngineCalls(file.api, { matches: recordsTaskToken, name: 'ThrottlingException' });
    const id = await submit();
    await eventually(async () => (fault.failed.length >= 1 ? true : undefined), 5_000, 'a failed attempt');

    // Act
    const withdrawn = await file.api.call('POST', `/v1/applications/${id}/withdraw`, { token: file.tokens.applicant });
    fault.heal();

    // Assess: the next attempt's condition fails (nothing waits any more) and the execution ends as superseded
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const execution = await eventually(async () => {
      const out = await file.api.stack.engine.describeExecution(file.api.stack.engine.executionArn(id));
      return out.status === 'RUNNING' ? undefined : out;
    }, 15_000, 'the execution to end');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await status(id)).toMatchObject({ status: 'WITHDRAWN' });
    const inbox = await file.api.call('GET', '/v1/tasks', { token: file.tokens.township });
    expect(inbox.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
  });
});
