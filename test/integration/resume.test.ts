// An execution that ends before it takes a recorded decision (its next call kept failing, its record could not be
// written) leaves the application with nobody carrying it. The reconciler sees the step still in the outbox with a
// settled token, and starts a new execution from that step (workflows/approval.ts, `Resume`): the application goes
// on where it would have, once, and no second execution is started while the first is still trying.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../functions/services/reconcile.js';
import { submission } from '../support/submissions.js';
import { chainTokens, eventually, harness, type Client, type Harness } from '../support/local.js';

let h: Harness;
let api: Client;
let tokens: Awaited<ReturnType<typeof chainTokens>>;

beforeAll(async () => {
  h = await harness();
  // Retries without their backoff: a state that keeps failing fails for good at once.
  api = await h.start({ engine: { retryIntervalMs: 10 } });
  tokens = await chainTokens(api);
});
afterAll(() => h?.close());

type Engine = { options: { dynamodb: DynamoDBClient; lambdas: Record<string, (event: unknown) => Promise<unknown>> } };
const engineOf = (client: Client) => client.stack.engine as unknown as Engine;

/** Fails every call that records a task token, until `heal()`, as DynamoDB throttling for minutes would. */
function failTokenWrites(client: Client) {
  const { dynamodb } = engineOf(client).options;
  const name = 'fail-every-token-write';
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ConditionExpression?: string };
      if (context.commandName === 'UpdateItemCommand' && input.ConditionExpression?.includes('taskToken')) {
        throw Object.assign(new Error('Rate exceeded (injected)'), { name: 'ThrottlingException', $fault: 'client' });
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { heal: () => dynamodb.middlewareStack.remove(name) };
}

/** Makes the record-outcome function fail on every call, until `heal()`. */
function failRecordOutcome(client: Client) {
  const { lambdas } = engineOf(client).options;
  const saved = { ...lambdas };
  for (const arn of Object.keys(lambdas)) lambdas[arn] = async () => Promise.reject(new Error('record-outcome is broken (injected)'));
  return { heal: () => Object.assign(lambdas, saved) };
}

const executionStatus = (client: Client, name: string) => client.stack.services.workflow.executionStatus(name);

const ended = (client: Client, name: string) =>
  eventually(async () => {
    const status = await executionStatus(client, name);
    return status && status !== 'RUNNING' ? status : undefined;
  }, 10_000, `execution ${name} to end`);

const inInbox = (client: Client, who: string, id: string) =>
  eventually(async () => {
    const out = await client.call('GET', '/v1/tasks', { token: who });
    return out.body.items.find((item: { id: string }) => item.id === id);
  }, 10_000, `task ${id} in inbox`);

const decide = (client: Client, who: string, id: string, body: Record<string, unknown>) =>
  client.call('POST', `/v1/applications/${id}/decision`, { token: who, body });

async function submit(client = api) {
  const out = await client.call('POST', '/v1/applications', { token: tokens.applicant, body: submission('society-station', '441882102') });
  expect(out.status, out.text).toBe(201);
  return out.body.id as string;
}

describe('an execution that ended before taking a recorded decision', () => {
  it('the last approval: its record failed for good; started again, the application is APPROVED with a certificate', async () => {
    // Prepare: township and county approve; the province approves while the record-outcome function is broken
    const id = await submit();
    await inInbox(api, tokens.township, id);
    expect((await decide(api, tokens.township, id, { action: 'approve' })).status).toBe(200);
    await inInbox(api, tokens.county, id);
    expect((await decide(api, tokens.county, id, { action: 'approve' })).status).toBe(200);
    await inInbox(api, tokens.province, id);
    const broken = failRecordOutcome(api);
    expect((await decide(api, tokens.province, id, { action: 'approve' })).status).toBe(200);
    expect(await ended(api, id)).toBe('FAILED');
    broken.heal();

    // Act
    const first = await reconcile(api.stack.services, 0);

    // Assess
    expect(first.resumed).toBe(1);
    const approved = await eventually(async () => {
      const out = await api.call('GET', `/v1/applications/${id}`, { token: tokens.applicant });
      return out.body.status === 'APPROVED' ? out.body : undefined;
    }, 10_000, 'APPROVED');
    expect(approved.certificateNo).toMatch(/^GDKX-\d{4}-\d{6}$/);
    expect(await ended(api, `${id}-r1`)).toBe('SUCCEEDED');
    expect(await reconcile(api.stack.services, 0)).toEqual({ redelivered: 0, resumed: 0 });
    expect(approved.history.filter((e: { action: string }) => e.action === 'approve')).toHaveLength(3);
  });

  it('an approval to the next level: the county’s task could not be recorded; started again, the county decides', async () => {
    // Prepare
    const id = await submit();
    await inInbox(api, tokens.township, id);
    const fault = failTokenWrites(api);
    expect((await decide(api, tokens.township, id, { action: 'approve' })).status).toBe(200);
    expect(await ended(api, id)).toBe('FAILED');
    fault.heal();

    // Act
    const first = await reconcile(api.stack.services, 0);

    // Assess
    expect(first.resumed).toBe(1);
    const task = await inInbox(api, tokens.county, id);
    expect(task.task).toMatchObject({ level: 'county', region: '441882' });
    expect((await decide(api, tokens.county, id, { action: 'approve' })).status).toBe(200);
    await inInbox(api, tokens.province, id);
    expect(await reconcile(api.stack.services, 0)).toEqual({ redelivered: 0, resumed: 0 });
  });

  it('a return: the resubmission wait could not be recorded; started again, the applicant resubmits', async () => {
    // Prepare
    const id = await submit();
    await inInbox(api, tokens.township, id);
    const fault = failTokenWrites(api);
    const returned = await decide(api, tokens.township, id, { action: 'return', comment: '请补充材料', issues: [{ path: 'form.address', message: '请写明门牌号' }] });
    expect(returned.status, returned.text).toBe(200);
    expect(await ended(api, id)).toBe('FAILED');
    fault.heal();

    // Act
    expect((await reconcile(api.stack.services, 0)).resumed).toBe(1);
    const form = { ...returned.body.form, address: '广东省清远市连州市大路边镇大路边街18号' };
    const resubmitted = await eventually(async () => {
      const out = await api.call('PUT', `/v1/applications/${id}`, { token: tokens.applicant, body: { form } });
      return out.status === 200 ? out : undefined;
    }, 10_000, 'the resubmission');

    // Assess: back at the township, in its inbox
    expect(resubmitted.body).toMatchObject({ status: 'PENDING', currentLevel: 'township' });
    await inInbox(api, tokens.township, id);
    expect(await executionStatus(api, `${id}-r1`)).toBe('RUNNING');
  });

  it('starts nothing while the execution is still trying, and nothing twice', async () => {
    // Prepare: a stack whose retries wait long enough to look at them
    const slow = await h.start({ engine: { retryIntervalMs: 1_500 } });
    const id = await submit(slow);
    await inInbox(slow, tokens.township, id);
    const fault = failTokenWrites(slow);
    expect((await decide(slow, tokens.township, id, { action: 'approve' })).status).toBe(200);

    // Act: the reconciler runs (twice at once) while the county's task is being retried
    const runs = await Promise.all([reconcile(slow.stack.services, 0), reconcile(slow.stack.services, 0)]);
    fault.heal();

    // Assess: the first execution takes the step itself
    expect(runs.map((r) => r.resumed)).toEqual([0, 0]);
    await inInbox(slow, tokens.county, id);
    expect(await executionStatus(slow, id)).toBe('RUNNING');
    expect(await executionStatus(slow, `${id}-r1`)).toBeNull();
  });
});
