// The local Step Functions engine: runs the deployed workflow definition in-process with aws-local-stepfunctions,
// and adds what that library lacks and the app relies on:
//   - callback tasks (`.waitForTaskToken`) with real task tokens and their timeouts;
//   - AWS SDK integrations (`arn:aws:states:::aws-sdk:dynamodb:*`) against DynamoDB Local;
//   - Lambda tasks (`arn:aws:states:::lambda:invoke`) run by in-process handlers;
//   - durability: every Task state's input is checkpointed in DynamoDB Local before it acts, and a
//     delivered callback before it is acknowledged, so a restart resumes each execution where it was.
// This module is its Step Functions API (the operations the app calls, through infra/local/sfn-endpoint.ts); the
// runs are runner.ts's, the tasks tasks.ts's, the durable state executions.ts's.
import '../polyfills.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Logger } from '#functions/log.js';
import type { Json } from './definition.js';
import { SfnApiError } from './errors.js';
import { ExecutionStore, createExecutionsTable, type ExecutionItem } from './executions.js';
import { Runner } from './runner.js';
import { Callbacks, Tasks, startCheckpoint, type LambdaHandler } from './tasks.js';

export interface EngineOptions {
  dynamodb: DynamoDBClient;
  /** The engine's own table, standing in for the service's durable state; the engine creates it. */
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

const taskGone = () => new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
const noSuchExecution = (arn: string) => new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
const seconds = (iso: string) => Date.parse(iso) / 1000;

export class LocalEngine {
  private readonly definition: StateMachineDefinition;
  private readonly executions: ExecutionStore;
  private readonly callbacks: Callbacks;
  private readonly runner: Runner;

  /** The engine on its table, created first if it is not there yet. */
  static async create(options: EngineOptions): Promise<LocalEngine> {
    await createExecutionsTable(options.dynamodb, options.executionsTable);
    return new LocalEngine(options);
  }

  private constructor(private readonly options: EngineOptions) {
    this.definition = JSON.parse(options.definition);
    this.executions = new ExecutionStore(options.dynamodb, options.executionsTable);
    this.callbacks = new Callbacks(options.maxTimerMs);
    const tasks = new Tasks({ executions: this.executions, callbacks: this.callbacks, dynamodb: options.dynamodb, lambdas: options.lambdas });
    this.runner = new Runner({
      definition: this.definition,
      executions: this.executions,
      tasks,
      callbacks: this.callbacks,
      log: options.log,
      retryIntervalMs: options.retryIntervalMs,
    });
  }

  /** State transitions entered since start, for the cost benchmark. */
  get transitions(): number {
    return this.runner.transitions;
  }

  executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async startExecution(stateMachineArn: string, name: string, input: string): Promise<{ executionArn: string; startDate: number }> {
    this.assertMachine(stateMachineArn);
    if (!/^[\w-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `invalid execution name ${name}`);
    const arn = this.executionArn(name);
    const startDate = new Date().toISOString();
    const item = await this.executions.create({ pk: arn, name, input, startDate, checkpoint: startCheckpoint(this.definition, JSON.parse(input)) });
    if (!item) {
      const existing = await this.executions.get(arn);
      // As in AWS: the same name and input while running is the same execution; anything else is refused.
      if (existing?.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: seconds(existing.startDate) };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    this.runner.run(item, undefined, true);
    return { executionArn: arn, startDate: seconds(startDate) };
  }

  /** A callback is durable once answered: recorded in the checkpoint, then handed to the waiting task. */
  async sendTaskSuccess(token: string, output: string): Promise<void> {
    let parsed: Json;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'output is not JSON');
    }
    const waiter = this.callbacks.get(token);
    if (!waiter) throw taskGone();
    if (!(await this.executions.recordCallback(waiter.arn, token, { output }))) throw taskGone();
    // Two racing callbacks: only the one that recorded its answer gets here.
    if (!this.callbacks.take(token, waiter)) throw taskGone();
    waiter.resolve(parsed);
  }

  async describeExecution(executionArn: string) {
    const item = await this.executions.get(executionArn);
    if (!item) throw noSuchExecution(executionArn);
    return {
      executionArn,
      stateMachineArn: this.options.stateMachineArn,
      name: item.name,
      status: item.status,
      startDate: seconds(item.startDate),
      ...(item.stopDate ? { stopDate: seconds(item.stopDate) } : {}),
      input: item.input,
      ...(item.output !== undefined ? { output: item.output } : {}),
      ...(item.error !== undefined ? { error: item.error, cause: item.cause } : {}),
    };
  }

  async listExecutions(stateMachineArn: string, maxResults = 100) {
    this.assertMachine(stateMachineArn);
    const running: ExecutionItem[] = [];
    for await (const item of this.executions.running(Math.min(Math.max(maxResults, 1), 1000))) running.push(item);
    return {
      executions: running.map((item) => ({ executionArn: item.pk, stateMachineArn, name: item.name, status: item.status, startDate: seconds(item.startDate) })),
    };
  }

  /**
   * Picks up every execution that was running when the engine last stopped. Call before serving: it returns once
   * every resumed callback task listens again.
   */
  resume(): Promise<number> {
    return this.runner.resume();
  }

  /** Stops running executions in memory only: their checkpoints stay, and the next engine resumes them. */
  close(): void {
    this.runner.close();
  }

  private assertMachine(stateMachineArn: string) {
    if (stateMachineArn !== this.options.stateMachineArn) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  }
}
