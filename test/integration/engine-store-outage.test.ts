// The local engine keeps its executions in DynamoDB Local. When that store fails a checkpoint write while the stack
// keeps running, the execution waits for the store and goes on from its last checkpoint: it neither fails nor needs
// a restart, as a Step Functions execution outlives any outage of the service's own state.
import { describe, expect, it } from 'vitest';
import { submission } from '../support/submissions.js';
import { failEngineCalls, type CallInput } from '../support/faults.js';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';

const file = stackForFile();

/**
 * The engine's checkpoint writes to its own table (`sfn-executions…`): a checkpoint saved on entering a task, and the
 * mark that a callback task's call was made. (A callback arriving while they fail is refused: the API answers 503
 * and its reconciler hands it over later.)
 */
const checkpoints = (command: string, input: CallInput) =>
  command === 'UpdateItemCommand' &&
  !!input.TableName?.startsWith('sfn-executions') &&
  (input.UpdateExpression === 'SET checkpoint = :checkpoint' || input.UpdateExpression === 'SET checkpoint.#recorded = :true');

/** A store that stopped answering. */
const breakEngineStore = () => failEngineCalls(file.api, { matches: checkpoints, name: 'ECONNREFUSED' });

const inInbox = (who: string, id: string, ms?: number) => taskInInbox(file.api, who, id, ms);

describe('the local engine when its store fails a checkpoint', () => {
  it('goes on from its last checkpoint once the store answers: the submission reaches the inbox without a restart', async () => {
    // Prepare
    const store = breakEngineStore();

    // Act: the submission is taken, the execution starts (its first checkpoint stored with it), the first write
    // after it fails
    const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
    expect(out.status, out.text).toBe(201);
    await eventually(async () => (store.failed.length > 0 ? true : undefined), 5_000, 'a failed checkpoint');
    store.heal();

    // Assess
    const task = await inInbox(file.tokens.township, out.body.id);
    expect(task.task).toMatchObject({ level: 'township' });
    const execution = await file.api.stack.engine.describeExecution(file.api.stack.engine.executionArn(out.body.id));
    expect(execution.status).toBe('RUNNING');
  });

  it('hands a decision on when the store fails the next level’s checkpoint', async () => {
    // Prepare: the first level's task is waiting
    const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: submission('society-station', '441882102') });
    const id = out.body.id as string;
    await inInbox(file.tokens.township, id);
    const store = breakEngineStore();

    // Act: the township approves; the engine's checkpoint for the county's task fails, then the store comes back
    const decided = await file.api.call('POST', `/v1/applications/${id}/decision`, { token: file.tokens.township, body: { action: 'approve' } });
    await eventually(async () => (store.failed.length > 0 ? true : undefined), 5_000, 'a failed checkpoint');
    store.heal();

    // Assess
    expect(decided.status, decided.text).toBe(200);
    await inInbox(file.tokens.county, id);
    const approved = await file.api.call('POST', `/v1/applications/${id}/decision`, { token: file.tokens.county, body: { action: 'approve' } });
    expect(approved.status, approved.text).toBe(200);
    await inInbox(file.tokens.province, id);
  });
});
