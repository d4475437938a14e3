// The local engine keeps its executions in DynamoDB Local. When that store fails a checkpoint write while the stack
// keeps running, the execution waits for the store and goes on from its last checkpoint: it neither fails nor needs
// a restart, as a Step Functions execution outlives any outage of the service's own state.
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
 * Fails the engine's checkpoint writes to its own table (`sfn-executions…`) until `heal()`, as a store that stopped
 * answering: a checkpoint saved on entering a task, and the mark that a callback task's call was made. (A callback arriving meanwhile is refused: the API answers 503 and its reconciler hands it over later.)
 */
function breakEngineStore() {
  const dynamodb = (api.stack.engine as unknown as { options: { dynamodb: DynamoDBClient } }).options.dynamodb;
  let failed = 0;
  const name = 'break-engine-store';
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; UpdateExpression?: string };
      const checkpoint =
        input.TableName?.startsWith('sfn-executions') &&
        (input.UpdateExpression === 'SET checkpoint = :checkpoint' || input.UpdateExpression === 'SET checkpoint.#recorded = :true');
      if (context.commandName !== 'UpdateItemCommand' || !checkpoint) return next(args);
      failed += 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1 (injected)'), { name: 'Error', code: 'ECONNREFUSED' });
    },
    { step: 'initialize', name },
  );
  return { failed: () => failed, heal: () => dynamodb.middlewareStack.remove(name) };
}

const inInbox = (who: string, id: string, ms = 10_000) =>
  eventually(async () => {
    const out = await api.call('GET', '/v1/tasks', { token: who });
    return out.body.items.find((item: { id: string }) => item.id === id);
  }, ms, `task ${id} in inbox`);

describe('the local engine when its store fails a checkpoint', () => {
  it('goes on from its last checkpoint once the store answers: the submission reaches the inbox without a restart', async () => {
    // Prepare
    const store = breakEngineStore();

    // Act: the submission is taken, the execution starts (its first checkpoint stored with it), the first write
    // after it fails
    const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', '441882102') });
    expect(out.status, out.text).toBe(201);
    await eventually(async () => (store.failed() > 0 ? true : undefined), 5_000, 'a failed checkpoint');
    store.heal();

    // Assess
    const task = await inInbox(tokens.township, out.body.id);
    expect(task.task).toMatchObject({ level: 'township' });
    const execution = await api.stack.engine.describeExecution(api.stack.engine.executionArn(out.body.id));
    expect(execution.status).toBe('RUNNING');
  });

  it('hands a decision on when the store fails the next level’s checkpoint', async () => {
    // Prepare: the first level's task is waiting
    const out = await api.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', '441882102') });
    const id = out.body.id as string;
    await inInbox(tokens.township, id);
    const store = breakEngineStore();

    // Act: the township approves; the engine's checkpoint for the county's task fails, then the store comes back
    const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } });
    await eventually(async () => (store.failed() > 0 ? true : undefined), 5_000, 'a failed checkpoint');
    store.heal();

    // Assess
    expect(decided.status, decided.text).toBe(200);
    await inInbox(tokens.county, id);
    const approved = await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.county, body: { action: 'approve' } });
    expect(approved.status, approved.text).toBe(200);
    await inInbox(tokens.province, id);
  });
});
