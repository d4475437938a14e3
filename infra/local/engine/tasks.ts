// What a Task state does locally, once its input is checkpointed: an AWS SDK integration calls DynamoDB Local, a
// Lambda task the in-process handler, and a callback task (`.waitForTaskToken`) makes its call with a real token and
// waits for SendTaskSuccess or its deadline.
import { randomBytes } from 'node:crypto';
import * as ddb from '@aws-sdk/client-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { MAX_TIMER_SECONDS, parseResource, replaceToken, timeoutSecondsOf, type Json, type TaskDefinition } from './definition.js';
import { StateError } from './errors.js';
import type { Checkpoint, ExecutionStore } from './executions.js';

export type LambdaHandler = (payload: any) => Promise<unknown>;

/** One Task state to run: the library calls its handler with the state's processed input. */
export interface TaskRun {
  arn: string;
  name: string;
  state: TaskDefinition;
  /** The state's input as it entered (what a checkpoint keeps), and as its Parameters made it. */
  rawInput: Json;
  processed: Json;
  /** The checkpoint the execution resumes from, when it resumes at this state. */
  resumed?: Checkpoint;
  /** Called once the resumed callback task waits again. */
  onListening?: () => void;
  /** `resumed` is the checkpoint `startExecution` stored with the execution: no call was made yet. */
  justStarted: boolean;
}

interface Waiter {
  arn: string;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
  /** Stops its deadline's timer: nothing will wait for this task any more. */
  cancel: () => void;
}

/** The callback tasks waiting in this process, by token, each with its deadline's timer. */
export class Callbacks {
  private readonly waiters = new Map<string, Waiter>();

  /** `maxTimerMs`: the longest single timer (Node's limit by default; tests make it short). */
  constructor(private readonly maxTimerMs = MAX_TIMER_SECONDS * 1000) {}

  /** Waits for the callback of the task `checkpoint` holds: answered already, delivered later, or its deadline passed. */
  wait(arn: string, checkpoint: Checkpoint): Promise<Json> {
    const token = checkpoint.token!;
    if (checkpoint.callback) return Promise.resolve(JSON.parse(checkpoint.callback.output));
    return new Promise<Json>((resolve, reject) => {
      const deadline = Date.parse(checkpoint.deadline!);
      let timer: NodeJS.Timeout;
      // A Node timer holds at most ~24.8 days; a longer wait (20 working days for a resubmission) is armed again.
      const arm = () => {
        const remaining = deadline - Date.now();
        timer = setTimeout(
          () => {
            if (Date.now() < deadline) return arm();
            this.waiters.delete(token);
            reject(new StateError('States.Timeout', 'the task did not get a callback before its TimeoutSeconds'));
          },
          Math.max(0, Math.min(remaining, this.maxTimerMs)),
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
        cancel: () => clearTimeout(timer),
      });
    });
  }

  get(token: string): Waiter | undefined {
    return this.waiters.get(token);
  }

  /** Takes `waiter` out to deliver its callback; false when it no longer waits (another callback took it). */
  take(token: string, waiter: Waiter): boolean {
    if (this.waiters.get(token) !== waiter) return false;
    this.waiters.delete(token);
    return true;
  }

  /** Nothing waits for this task any more (its run failed): its deadline must not reject a promise nobody holds. */
  forget(token: string): void {
    this.waiters.get(token)?.cancel();
    this.waiters.delete(token);
  }

  forgetExecution(arn: string): void {
    for (const [token, waiter] of this.waiters) if (waiter.arn === arn) this.forget(token);
  }

  clear(): void {
    for (const token of [...this.waiters.keys()]) this.forget(token);
  }
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

/**
 * The start's checkpoint: for a callback task, its token and deadline, stored with the execution so that a submission
 * costs one write less (stored before the task's SDK call, as a checkpoint saved on entry would be).
 */
export function startCheckpoint(definition: StateMachineDefinition, input: Json): Checkpoint {
  const name = definition.StartAt;
  const state = definition.States[name] as TaskDefinition;
  if (state.Type !== 'Task' || parseResource(state.Resource).kind !== 'callback') return { state: name, input };
  try {
    return callbackCheckpoint(name, state, input);
  } catch {
    return { state: name, input }; // a bad TimeoutSecondsPath: the task fails when it runs, as it would have
  }
}

export class Tasks {
  constructor(
    private readonly deps: {
      executions: ExecutionStore;
      callbacks: Callbacks;
      /** Read at each call: tests add faults to this client and swap these handlers. */
      dynamodb: ddb.DynamoDBClient;
      lambdas: Record<string, LambdaHandler>;
    },
  ) {}

  /** Checkpoints the task's input, then does what its resource says. */
  async run({ arn, name, state, rawInput, processed, resumed, onListening, justStarted }: TaskRun): Promise<Json> {
    const { executions, callbacks } = this.deps;
    const resource = parseResource(state.Resource);
    if (resource.kind === 'callback') {
      const checkpoint: Checkpoint = resumed?.token ? resumed : callbackCheckpoint(name, state, rawInput);
      const token = checkpoint.token!;
      if (!justStarted) await executions.saveCheckpoint(arn, checkpoint);
      const waiting = callbacks.wait(arn, checkpoint);
      onListening?.();
      // Answered before the engine stopped: the application has moved on; only the answer remains to hand over.
      if (checkpoint.callback || checkpoint.recorded) return waiting;
      // Record the token where the app finds it. In AWS this call is made once: made again after a decision that
      // kept the level (the province's approval, awaiting its certificate) it would put the task back.
      const made = await this.callSdk(resource.service, resource.action, replaceToken(processed, token)).then(
        () => true,
        (error) => {
          // Resumed after a crash between this call and its mark below, a decision may have been recorded with the
          // token since, whose callback the reconciler hands over: the task goes on waiting for it.
          if (resumed?.token && !justStarted && (error as Error).name === 'DynamoDb.ConditionalCheckFailedException') return false;
          callbacks.forget(token);
          throw error;
        },
      );
      if (made) await executions.markRecorded(arn, token);
      return waiting;
    }
    await executions.saveCheckpoint(arn, { state: name, input: rawInput });
    if (resource.kind === 'sdk') return this.callSdk(resource.service, resource.action, processed);
    return this.invokeLambda(processed as { FunctionName: string; Payload: Json });
  }

  private async callSdk(service: string, action: string, params: Json): Promise<Json> {
    if (service !== 'dynamodb') throw new StateError('States.Runtime', `local engine has no SDK integration for ${service}`);
    const commandName = `${action[0].toUpperCase()}${action.slice(1)}Command`;
    const Command = (ddb as unknown as Record<string, new (input: unknown) => any>)[commandName];
    if (!Command) throw new StateError('States.Runtime', `unknown DynamoDB action ${action}`);
    try {
      const { $metadata: _metadata, ...out } = await this.deps.dynamodb.send(new Command(params));
      return out as Json;
    } catch (error) {
      // The names the SDK integration gives service errors in AWS.
      throw new StateError(`DynamoDb.${(error as Error).name}`, (error as Error).message);
    }
  }

  private async invokeLambda(params: { FunctionName: string; Payload: Json }): Promise<Json> {
    const handler = this.deps.lambdas[params.FunctionName];
    if (!handler) throw new StateError('States.Runtime', `no local handler for ${params.FunctionName}`);
    try {
      const payload = await handler(params.Payload);
      return { StatusCode: 200, Payload: (payload ?? null) as Json };
    } catch (error) {
      throw new StateError((error as Error).name || 'Error', (error as Error).message);
    }
  }
}
