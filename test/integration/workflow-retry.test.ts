// A callback task whose call to DynamoDB fails for a passing reason (throttling, a service error) is tried again
// by the workflow's Retry, on the local engine running the deployed definition: the application still reaches
// the inbox, also when the failed attempt had in fact written its token.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { chainTokens, eventually, harness, type Client, type Harness } from '../support/local.js';

let h: Harness;
let api: Client;
let tokens: Awaited<ReturnType<typeof chainTokens>>;

beforeAll(async () => {
  h = await harness();
  api = await h.start();
  tokens = await chainTokens(api);
});
afterAll(() => h?.close());

/**
 * Makes the next `count` calls that record a task token fail with `name`, as DynamoDB answers a throttled or failed
 * request. `afterWrite`: the call reaches DynamoDB and writes, and only its answer is lost. Added before the SDK's
 * own retries, so the error reaches the workflow as it does in AWS once those are spent.
 */
function failTokenWrites(name: string, count: number, afterWrite = false) {
  const dynamodb = (api.stack.engine as unknown as { options: { dynamodb: DynamoDBClient } }).options.dynamodb;
  const failed: string[] = [];
  const middlewareName = `fail-token-writes-${name}-${afterWrite}`;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ConditionExpression?: string; ExpressionAttributeValues?: Record<string, { S?: string }> };
      const recordsToken = context.commandName === 'UpdateItemCommand' && input.ConditionExpression?.includes('taskToken');
      if (!recordsToken || failed.length >= count) return next(args);
      failed.push(input.ExpressionAttributeValues?.[':token']?.S ?? '');
      if (afterWrite) await next(args);
      throw Object.assign(new Error(`${name} (injected)`), { name, $fault: 'server' });
    },
    { step: 'initialize', name: middlewareName },
  );
  return { failed, remove: () => dynamodb.middlewareStack.remove(middlewareName) };
}

async function submit() {
  const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  return out.body.id as string;
}

const inInbox = (who: string, id: string) =>
  eventually(async () => {
    const out = await api.call('GET', '/v1/tasks', { token: who });
    return out.body.items.find((item: { id: string }) => item.id === id);
  }, 15_000, `task ${id} in inbox`);

const status = async (id: string) => (await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant })).body;

describe('a callback task whose DynamoDB call fails for a passing reason', () => {
  it('is tried again: throttled twice, the application still reaches the township inbox', async () => {
    // Prepare
    const fault = failTokenWrites('ProvisionedThroughputExceededException', 2);

    // Act
    const id = await submit();
    const task = await inInbox(tokens.township, id);
    fault.remove();

    // Assess
    expect(fault.failed).toHaveLength(2);
    expect(task.task).toMatchObject({ level: 'township', region: '441882102' });
    const execution = await api.stack.engine.describeExecution(api.stack.engine.executionArn(id));
    expect(execution.status).toBe('RUNNING');
  });

  it('replaces the token a failed attempt wrote with its own, and the decision taken with it goes through', async () => {
    // Prepare: the first attempt writes its token and then answers an internal error
    const fault = failTokenWrites('InternalServerError', 1, true);

    // Act
    const id = await submit();
    const failedToken = await eventually(async () => fault.failed[0], 5_000, 'the failed attempt');
    // The retried attempt puts its own token in place of the failed one's (which Step Functions no longer takes).
    const recorded = await eventually(async () => {
      const app = await api.stack.services.applications.get(id);
      return app?.taskToken && app.taskToken !== failedToken ? app.taskToken : undefined;
    }, 10_000, 'the retried attempt’s token');
    await inInbox(tokens.township, id);
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } });
    fault.remove();

    // Assess
    expect(recorded).not.toBe(failedToken);
    expect(decided.status, decided.text).toBe(200);
    await inInbox(tokens.county, id);
    expect(await status(id)).toMatchObject({ status: 'PENDING', currentLevel: 'county' });
  });

  it('stops trying once the application has moved on: withdrawn between two attempts, the wait ends and no task appears', async () => {
    // Prepare: every attempt fails until the application is withdrawn
    const fault = failTokenWrites('ThrottlingException', 1_000);
    const id = await submit();
    await eventually(async () => (fault.failed.length >= 1 ? true : undefined), 5_000, 'a failed attempt');

    // Act
    const withdrawn = await api.call('POST', `/v1/applications/${id}/withdraw`, { token: tokens.applicant });
    fault.remove();

    // Assess: the next attempt's condition fails (nothing waits any more) and the execution ends as superseded
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const execution = await eventually(async () => {
      const out = await api.stack.engine.describeExecution(api.stack.engine.executionArn(id));
      return out.status === 'RUNNING' ? undefined : out;
    }, 15_000, 'the execution to end');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await status(id)).toMatchObject({ status: 'WITHDRAWN' });
    const inbox = await api.call('GET', '/v1/tasks', { token: tokens.township });
    expect(inbox.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
  });
});
