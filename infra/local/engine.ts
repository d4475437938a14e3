// The local Step Functions engine: runs the deployed workflow definition in-process with
// aws-local-stepfunctions, and adds what that library lacks and the app relies on:
//   - callback tasks (`.waitForTaskToken`) with real task tokens and their timeouts;
//   - AWS SDK integrations (`arn:aws:states:::aws-sdk:dynamodb:*`) against DynamoDB Local;
//   - Lambda tasks (`arn:aws:states:::lambda:invoke`) run by in-process handlers;
//   - durability: every Task state's input is checkpointed in DynamoDB Local before it acts, and a
//     delivered callback before it is acknowledged, so a restart resumes each execution where it was.
import './polyfills.js';
import { randomBytes } from 'node:crypto';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Logger } from '../../functions/log.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type LambdaHandler = (payload: any) => Promise<unknown>;

/** An error the Step Functions API answers with; the endpoint turns it into the AWS JSON error shape. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** A failure inside a state, matched by `ErrorEquals` through its name. */
class StateError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The engine's own store (DynamoDB Local) did not take a checkpoint: the execution is not at fault. It runs again
 * from its last checkpoint once the store answers, as Step Functions' executions outlive any outage of their own.
 */
class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the local engine could not record its progress: ${(cause as Error).message}`);
    this.name = 'LocalEngine.StoreUnavailable';
  }
}

const TOKEN_PLACEHOLDER = '__local_task_token__';
/** Waits between attempts to run an execution again after its store failed: doubling, up to this. */
const STORE_RETRY_MAX_MS = 30_000;
/** How long `resume()` waits at most for resumed callback tasks to listen again. */
const RESUME_WAIT_MS = 15_000;
/** Longest delay a Node timer can hold (about 24.8 days). */
const MAX_TIMER_SECONDS = 2_147_483;

interface Checkpoint {
  state: string;
  input: Json;
  token?: string;
  deadline?: string;
  /** A delivered callback (success or failure), kept until the state moves on. */
  callback?: { output?: string; error?: string; cause?: string };
  /** The callback task's SDK call was made: resuming must not make it again (a decision may have followed it). */
  recorded?: boolean;
}

interface ExecutionItem {
  pk: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  checkpoint?: Checkpoint;
  runningPk?: string;
}

interface Waiter {
  arn: string;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
}

export interface EngineOptions {
  dynamodb: ddb.DynamoDBClient;
  /** The engine's own table, standing in for the service's durable state. */
  executionsTable: string;
  stateMachineArn: string;
  /** The definition with its substitutions filled in. */
  definition: string;
  lambdas: Record<string, LambdaHandler>;
  /** Where the engine says what went wrong with an execution (the stack's logger). */
  log?: Logger;
  /** The longest single timer (Node's limit, ~24.8 days, by default; tests make it short). */
  maxTimerMs?: number;
  /** Every `Retry` waits this long instead of its backoff (tests that let a state fail for good). */
  retryIntervalMs?: number;
}

export const executionsTableIndex = { name: 'running', pk: 'runningPk', sk: 'startDate' } as const;

export class LocalEngine {
  /** The definition as deployed, and as the library runs it locally. */
  readonly original: StateMachineDefinition;
  readonly definition: StateMachineDefinition;
  private readonly db: DynamoDBDocumentClient;
  private readonly waiters = new Map<string, Waiter>();
  private readonly runs = new Map<string, { abort: () => void }>();
  private readonly machines = new Map<string, StateMachine>();
  /** The library's overrides of every Task state's retry intervals (options.retryIntervalMs), made once. */
  private readonly retryIntervalOverrides?: Record<string, number>;
  private closed = false;
  /** State transitions entered since start, for the cost benchmark. */
  transitions = 0;

  constructor(private readonly options: EngineOptions) {
    this.original = JSON.parse(options.definition);
    this.definition = localDefinition(this.original);
    const { retryIntervalMs } = options;
    if (retryIntervalMs !== undefined) {
      const tasks = Object.entries(this.original.States).filter(([, state]) => state.Type === 'Task');
      this.retryIntervalOverrides = Object.fromEntries(tasks.map(([name]) => [name, retryIntervalMs]));
    }
    this.db = DynamoDBDocumentClient.from(options.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  }

  executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  // --- the Step Functions API ---------------------------------------------------------------

  async startExecution(stateMachineArn: string, name: string, input: string): Promise<{ executionArn: string; startDate: number }> {
    this.assertMachine(stateMachineArn);
    if (!/^[\w-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `invalid execution name ${name}`);
    const arn = this.executionArn(name);
    const startDate = new Date().toISOString();
    const item: ExecutionItem = {
      pk: arn,
      name,
      status: 'RUNNING',
      input,
      startDate,
      runningPk: 'RUNNING',
      checkpoint: this.startCheckpoint(JSON.parse(input)),
    };
    try {
      await this.db.send(new PutCommand({ TableName: this.options.executionsTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const existing = await this.get(arn);
      // As in AWS: the same name and input while running is the same execution; anything else is refused.
      if (existing?.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: Date.parse(existing.startDate) / 1000 };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    this.run(item, undefined, true);
    return { executionArn: arn, startDate: Date.parse(startDate) / 1000 };
  }

  async sendTaskSuccess(token: string, output: string): Promise<void> {
    let parsed: Json;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'output is not JSON');
    }
    await this.settle(token, { output }, (waiter) => waiter.resolve(parsed));
  }

  async sendTaskFailure(token: string, error = '', cause = ''): Promise<void> {
    await this.settle(token, { error, cause }, (waiter) => waiter.reject(new StateError(error, cause)));
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: number }> {
    const item = await this.get(executionArn);
    if (!item) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const stopDate = new Date().toISOString();
    if (item.status === 'RUNNING') {
      this.runs.get(executionArn)?.abort();
      this.forgetWaiters(executionArn);
      await this.finish(executionArn, { status: 'ABORTED', error, cause, stopDate });
    }
    return { stopDate: Date.parse(item.stopDate ?? stopDate) / 1000 };
  }

  async describeExecution(executionArn: string) {
    const item = await this.get(executionArn);
    if (!item) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return {
      executionArn,
      stateMachineArn: this.options.stateMachineArn,
      name: item.name,
      status: item.status,
      startDate: Date.parse(item.startDate) / 1000,
      ...(item.stopDate ? { stopDate: Date.parse(item.stopDate) / 1000 } : {}),
      input: item.input,
      ...(item.output !== undefined ? { output: item.output } : {}),
      ...(item.error !== undefined ? { error: item.error, cause: item.cause } : {}),
    };
  }

  async listExecutions(stateMachineArn: string, maxResults = 100) {
    this.assertMachine(stateMachineArn);
    const running: ExecutionItem[] = [];
    for await (const item of this.runningItems(Math.min(Math.max(maxResults, 1), 1000))) running.push(item);
    return {
      executions: running.map((item) => ({
        executionArn: item.pk,
        stateMachineArn,
        name: item.name,
        status: item.status,
        startDate: Date.parse(item.startDate) / 1000,
      })),
    };
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /**
   * Picks up every execution that was running when the engine last stopped. Call before serving: it returns once
   * every resumed callback task listens again, so that a callback handed over right after (the reconciler's) finds
   * its task instead of `TaskDoesNotExist`.
   */
  async resume(): Promise<number> {
    const listening: Promise<void>[] = [];
    for await (const item of this.runningItems()) {
      if (!this.runs.has(item.pk)) listening.push(new Promise<void>((done) => this.run(item, done)));
    }
    // A run that cannot get going (the store down) fails and settles its promise; the bound is for anything else.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(listening), new Promise((done) => (bound = setTimeout(done, RESUME_WAIT_MS)))]);
    clearTimeout(bound);
    return listening.length;
  }

  /** Stops running executions in memory only: their checkpoints stay, and the next engine resumes them. */
  close(): void {
    this.closed = true;
    for (const run of this.runs.values()) run.abort();
    this.runs.clear();
    this.waiters.clear();
  }

  // --- running --------------------------------------------------------------------------------

  /**
   * `onListening` is called once the resumed callback task waits again, or once nothing can call back. `started`: the
   * item was just stored by `startExecution`, with the start state's checkpoint as `startCheckpoint` made it.
   */
  private run(item: ExecutionItem, onListening: () => void = () => undefined, started = false): void {
    const arn = item.pk;
    const checkpoint: Checkpoint = item.checkpoint ?? { state: this.definition.StartAt, input: JSON.parse(item.input) };
    if (!checkpoint.token || checkpoint.callback) onListening();
    // Resuming is running the same definition from the checkpointed state with its checkpointed input.
    const machine = this.machineFrom(checkpoint.state);
    let entered: { state: string; input: Json } = { state: checkpoint.state, input: checkpoint.input };
    let resumeFrom: Checkpoint | undefined = checkpoint;
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [name, state] of Object.entries(this.original.States)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (processed) => {
        // Let the event log catch up so `entered` holds this state's raw input.
        await new Promise((resolve) => setImmediate(resolve));
        if (entered.state !== name) throw new StateError('States.Runtime', `local engine lost track of state ${name}`);
        const resumed = resumeFrom?.state === name ? resumeFrom : undefined;
        resumeFrom = undefined;
        return this.runTask(arn, name, state as TaskDefinition, entered.input, processed, resumed, resumed ? onListening : undefined, started && resumed !== undefined);
      };
    }
    const execution = machine.run(checkpoint.input, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: this.retryIntervalOverrides },
      context: { Task: { Token: TOKEN_PLACEHOLDER }, Execution: { Id: arn, Name: item.name } },
      noThrowOnAbort: true,
    });
    this.runs.set(arn, execution);
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered' && event.index === undefined) {
          entered = { state: event.state.name, input: event.state.input as Json };
          if (process.env.LOCAL_ENGINE_DEBUG) console.log('ENTER', event.state.name, JSON.stringify(event.state.input));
          this.transitions += 1;
        }
      }
    })();
    execution.result.finally(onListening).catch(() => undefined);
    execution.result.then(
      async (output) => {
        this.runs.delete(arn);
        if (this.closed || output === null) return; // aborted: stopped, or the engine is closing
        await this.finish(arn, { status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: new Date().toISOString() });
      },
      async (error: Error & { cause?: Error }) => {
        this.runs.delete(arn);
        if (this.closed) return;
        const cause = (error.cause as Error | undefined) ?? error;
        if (cause instanceof StoreUnavailable || error instanceof StoreUnavailable) return this.runAgainLater(arn);
        this.log('execution failed', { arn, error: cause.name, cause: cause.message });
        await this.finish(arn, { status: 'FAILED', error: cause.name, cause: cause.message, stopDate: new Date().toISOString() });
      },
    );
  }

  /** Runs an execution again from its last checkpoint once its store answers again (see StoreUnavailable). */
  private runAgainLater(arn: string, attempt = 0): void {
    const delay = Math.min(STORE_RETRY_MAX_MS, 500 * 2 ** attempt);
    if (attempt === 0) this.log('execution paused: its store is unavailable; it goes on from its last checkpoint once the store answers', { arn });
    this.forgetWaiters(arn);
    setTimeout(() => {
      if (this.closed || this.runs.has(arn)) return;
      this.get(arn).then(
        (item) => {
          if (item?.status === 'RUNNING' && !this.closed && !this.runs.has(arn)) this.run(item);
        },
        () => this.runAgainLater(arn, attempt + 1),
      );
    }, delay).unref();
  }

  /**
   * The definition starting at `state`, validated once: validating it again for every run compiled the ASL
   * schema each time and took half the CPU of a submission.
   */
  private machineFrom(state: string): StateMachine {
    let machine = this.machines.get(state);
    if (!machine) {
      machine = new StateMachine({ ...this.definition, StartAt: state }, { validationOptions: { checkArn: false, checkPaths: false } });
      this.machines.set(state, machine);
    }
    return machine;
  }

  /**
   * The start's checkpoint of a callback task: its token and deadline are stored with the execution, so that a
   * submission costs one write less; stored before the task's SDK call, as a checkpoint saved on entry would be.
   */
  private startCheckpoint(input: Json): Checkpoint {
    const name = this.definition.StartAt;
    const state = this.original.States[name] as TaskDefinition;
    if (state.Type !== 'Task' || parseResource(state.Resource).kind !== 'callback') return { state: name, input };
    try {
      return callbackCheckpoint(name, state, input);
    } catch {
      return { state: name, input }; // a bad TimeoutSecondsPath: the task fails when it runs, as it would have
    }
  }

  /** `justStarted`: `resumed` is the checkpoint `startExecution` stored with the execution; no call was made yet. */
  private async runTask(
    arn: string,
    name: string,
    state: TaskDefinition,
    rawInput: Json,
    processed: Json,
    resumed?: Checkpoint,
    onListening?: () => void,
    justStarted = false,
  ): Promise<Json> {
    const resource = parseResource(state.Resource);
    if (resource.kind === 'callback') {
      const checkpoint: Checkpoint = resumed?.token ? resumed : callbackCheckpoint(name, state, rawInput);
      if (!justStarted) await this.saveCheckpoint(arn, checkpoint);
      const waiting = this.waitFor(arn, checkpoint);
      onListening?.();
      // Answered before the engine stopped: the application has moved on; only the answer remains to hand over.
      if (checkpoint.callback || checkpoint.recorded) return waiting;
      // Record the token where the app finds it. In AWS this call is made once: made again after a decision that
      // kept the level (the province's approval, awaiting its certificate) it would put the task back.
      const made = await this.callSdk(resource.service, resource.action, replaceToken(processed, checkpoint.token!)).then(
        () => true,
        (error) => {
          // Resumed after a crash between this call and its mark below, a decision may have been recorded with the
          // token since, whose callback the reconciler hands over: the task goes on waiting for it.
          if (resumed?.token && !justStarted && (error as Error).name === 'DynamoDb.ConditionalCheckFailedException') return false;
          this.forgetWaiter(checkpoint.token!);
          throw error;
        },
      );
      if (made) await this.markRecorded(arn, checkpoint.token!);
      return waiting;
    }
    await this.saveCheckpoint(arn, { state: name, input: rawInput });
    if (resource.kind === 'sdk') return this.callSdk(resource.service, resource.action, processed);
    return this.invokeLambda(processed as { FunctionName: string; Payload: Json });
  }

  private waitFor(arn: string, checkpoint: Checkpoint): Promise<Json> {
    const token = checkpoint.token!;
    if (checkpoint.callback) {
      const { output, error, cause } = checkpoint.callback;
      return output !== undefined ? Promise.resolve(JSON.parse(output)) : Promise.reject(new StateError(error ?? '', cause ?? ''));
    }
    return new Promise<Json>((resolve, reject) => {
      const deadline = Date.parse(checkpoint.deadline!);
      let timer: NodeJS.Timeout;
      // A Node timer holds at most ~24.8 days; a longer wait (20 working days for a resubmission) is armed again.
      const arm = () => {
        const remaining = deadline - Date.now();
        timer = setTimeout(
          () => {
            if (Date.now() < deadline) return arm();
            this.forgetWaiter(token);
            reject(new StateError('States.Timeout', 'the task did not get a callback before its TimeoutSeconds'));
          },
          Math.max(0, Math.min(remaining, this.options.maxTimerMs ?? MAX_TIMER_SECONDS * 1000)),
        );
      };
      arm();
      this.waiters.set(token, {
        arn,
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** A callback is durable once answered: recorded in the checkpoint, then handed to the waiting task. */
  private async settle(token: string, callback: Checkpoint['callback'], deliver: (waiter: Waiter) => void): Promise<void> {
    const waiter = this.waiters.get(token);
    if (!waiter) throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.executionsTable,
          Key: { pk: waiter.arn },
          UpdateExpression: 'SET checkpoint.#callback = :callback',
          ConditionExpression: 'checkpoint.#token = :token AND attribute_not_exists(checkpoint.#callback)',
          ExpressionAttributeNames: { '#callback': 'callback', '#token': 'token' },
          ExpressionAttributeValues: { ':callback': callback, ':token': token },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
      throw error;
    }
    // Two racing callbacks: only the one that recorded its answer gets here.
    if (this.waiters.get(token) !== waiter) throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
    this.waiters.delete(token);
    deliver(waiter);
  }

  private async callSdk(service: string, action: string, params: Json): Promise<Json> {
    if (service !== 'dynamodb') throw new StateError('States.Runtime', `local engine has no SDK integration for ${service}`);
    const commandName = `${action[0].toUpperCase()}${action.slice(1)}Command`;
    const Command = (ddb as unknown as Record<string, new (input: unknown) => any>)[commandName];
    if (!Command) throw new StateError('States.Runtime', `unknown DynamoDB action ${action}`);
    try {
      const { $metadata: _metadata, ...out } = await this.options.dynamodb.send(new Command(params));
      return out as Json;
    } catch (error) {
      // The names the SDK integration gives service errors in AWS.
      throw new StateError(`DynamoDb.${(error as Error).name}`, (error as Error).message);
    }
  }

  private async invokeLambda(params: { FunctionName: string; Payload: Json }): Promise<Json> {
    const handler = this.options.lambdas[params.FunctionName];
    if (!handler) throw new StateError('States.Runtime', `no local handler for ${params.FunctionName}`);
    try {
      const payload = await handler(params.Payload);
      return { StatusCode: 200, Payload: (payload ?? null) as Json };
    } catch (error) {
      throw new StateError((error as Error).name || 'Error', (error as Error).message);
    }
  }

  // --- persistence ------------------------------------------------------------------------------

  private async saveCheckpoint(arn: string, checkpoint: Checkpoint): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.executionsTable,
          Key: { pk: arn },
          UpdateExpression: 'SET checkpoint = :checkpoint',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':checkpoint': checkpoint, ':running': 'RUNNING' },
        }),
      );
    } catch (error) {
      // Stopped meanwhile: the execution ends here. Anything else is the store's failure, not the execution's.
      if ((error as Error).name === 'ConditionalCheckFailedException') throw error;
      throw new StoreUnavailable(error);
    }
  }

  private async markRecorded(arn: string, token: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.executionsTable,
          Key: { pk: arn },
          UpdateExpression: 'SET checkpoint.#recorded = :true',
          ConditionExpression: 'checkpoint.#token = :token',
          ExpressionAttributeNames: { '#recorded': 'recorded', '#token': 'token' },
          ExpressionAttributeValues: { ':true': true, ':token': token },
        }),
      );
    } catch (error) {
      // Stopped meanwhile (withdrawn): there is no checkpoint left to mark.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw new StoreUnavailable(error);
    }
  }

  private async finish(arn: string, end: Pick<ExecutionItem, 'status' | 'output' | 'error' | 'cause' | 'stopDate'>): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':running': 'RUNNING' };
    const sets: string[] = [];
    for (const [key, value] of Object.entries(end)) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.executionsTable,
          Key: { pk: arn },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE runningPk, checkpoint`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') this.log('could not record the end of an execution', { arn, error: (error as Error).message });
    }
  }

  private async get(arn: string): Promise<ExecutionItem | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.options.executionsTable, Key: { pk: arn }, ConsistentRead: true }));
    return out.Item as ExecutionItem | undefined;
  }

  /** Running executions, oldest first, read through the engine's index (which holds keys only). */
  private async *runningItems(limit = Infinity): AsyncGenerator<ExecutionItem> {
    let start: Record<string, unknown> | undefined;
    let count = 0;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.options.executionsTable,
          IndexName: executionsTableIndex.name,
          KeyConditionExpression: `${executionsTableIndex.pk} = :running`,
          ExpressionAttributeValues: { ':running': 'RUNNING' },
          // A bounded listing (ListExecutions' maxResults) reads no more of the index than it lists.
          ...(Number.isFinite(limit) ? { Limit: limit - count } : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const key of out.Items ?? []) {
        const item = await this.get(String(key.pk));
        if (item?.status !== 'RUNNING') continue;
        yield item;
        if (++count >= limit) return;
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  private forgetWaiter(token: string) {
    this.waiters.delete(token);
  }

  private forgetWaiters(arn: string) {
    for (const [token, waiter] of this.waiters) if (waiter.arn === arn) this.waiters.delete(token);
  }

  private assertMachine(stateMachineArn: string) {
    if (stateMachineArn !== this.options.stateMachineArn) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  }

  private log(message: string, fields: Record<string, unknown> = {}) {
    this.options.log?.warn(`local engine: ${message}`, fields);
  }
}

type TaskDefinition = { Type: 'Task'; Resource: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string };

function parseResource(resource: string): { kind: 'callback' | 'sdk'; service: string; action: string } | { kind: 'lambda' } {
  const sdk = /^arn:[\w-]+:states:::aws-sdk:(\w+):(\w+)(\.waitForTaskToken)?$/.exec(resource);
  if (sdk) return { kind: sdk[3] ? 'callback' : 'sdk', service: sdk[1], action: sdk[2] };
  if (/^arn:[\w-]+:states:::lambda:invoke$/.test(resource)) return { kind: 'lambda' };
  throw new StateError('States.Runtime', `local engine cannot run resource ${resource}`);
}

/** The definition as the library runs it: callback tasks' timeouts are the engine's to keep (durably). */
function localDefinition(definition: StateMachineDefinition): StateMachineDefinition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Type !== 'Task' || !state.Resource.endsWith('.waitForTaskToken')) return [name, state];
      const { TimeoutSecondsPath: _path, ...rest } = state as TaskDefinition;
      return [name, { ...rest, TimeoutSeconds: MAX_TIMER_SECONDS }];
    }),
  );
  return { ...definition, States: states } as StateMachineDefinition;
}

/** A callback task's checkpoint on entry: a new token, and the deadline its timeout sets. */
function callbackCheckpoint(name: string, state: TaskDefinition, rawInput: Json): Checkpoint {
  return {
    state: name,
    input: rawInput,
    token: randomBytes(24).toString('base64url'),
    deadline: new Date(Date.now() + timeoutSecondsOf(state, rawInput) * 1000).toISOString(),
  };
}

function timeoutSecondsOf(state: TaskDefinition, rawInput: Json): number {
  if (state.TimeoutSecondsPath) {
    const value = state.TimeoutSecondsPath.replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<Json | undefined>((at, key) => (at && typeof at === 'object' && !Array.isArray(at) ? at[key] : undefined), rawInput);
    if (typeof value !== 'number' || value < 1) throw new StateError('States.Runtime', `${state.TimeoutSecondsPath} is not a positive number`);
    return value;
  }
  return state.TimeoutSeconds ?? 99_999_999;
}

function replaceToken(value: Json, token: string): Json {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, token));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, token)]));
  return value;
}
