// Runs executions with aws-local-stepfunctions: each from its checkpoint (the start state, or where a restart found
// it), every Task state through the engine's own handlers (tasks.ts), and records how it ended.
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Logger } from '#functions/log.js';
import { TOKEN_PLACEHOLDER, localDefinition, taskStates, type Json } from './definition.js';
import { StateError, StoreUnavailable } from './errors.js';
import type { Checkpoint, ExecutionEnd, ExecutionItem, ExecutionStore } from './executions.js';
import type { Callbacks, Tasks } from './tasks.js';

/** Waits between attempts to run an execution again after its store failed: doubling, up to this. */
const STORE_RETRY_MAX_MS = 30_000;
/** How long `resume()` waits at most for resumed callback tasks to listen again. */
const RESUME_WAIT_MS = 15_000;

export class Runner {
  /** The definition as the library runs it locally (definition.ts's localDefinition). */
  private readonly local: StateMachineDefinition;
  private readonly runs = new Map<string, { abort: () => void }>();
  private readonly machines = new Map<string, StateMachine>();
  /** The library's overrides of every Task state's retry intervals (retryIntervalMs), made once. */
  private readonly retryIntervalOverrides?: Record<string, number>;
  private closed = false;
  /** State transitions entered since start, for the cost benchmark. */
  transitions = 0;

  constructor(
    private readonly deps: {
      /** The definition as deployed. */
      definition: StateMachineDefinition;
      executions: ExecutionStore;
      tasks: Tasks;
      callbacks: Callbacks;
      log?: Logger;
      /** Every `Retry` waits this long instead of its backoff (tests that let a state fail for good). */
      retryIntervalMs?: number;
    },
  ) {
    this.local = localDefinition(deps.definition);
    const { retryIntervalMs } = deps;
    if (retryIntervalMs !== undefined) this.retryIntervalOverrides = Object.fromEntries(taskStates(deps.definition).map(([name]) => [name, retryIntervalMs]));
  }

  /**
   * Runs `item` from its checkpoint. `onListening` is called once the resumed callback task waits again, or once
   * nothing can call back. `started`: the item was just stored by `startExecution`, with the start state's checkpoint
   * as `startCheckpoint` made it.
   */
  run(item: ExecutionItem, onListening: () => void = () => undefined, started = false): void {
    const arn = item.pk;
    const checkpoint: Checkpoint = item.checkpoint ?? { state: this.local.StartAt, input: JSON.parse(item.input) };
    if (!checkpoint.token || checkpoint.callback) onListening();
    // Resuming is running the same definition from the checkpointed state with its checkpointed input.
    const machine = this.machineFrom(checkpoint.state);
    let entered: { state: string; input: Json } = { state: checkpoint.state, input: checkpoint.input };
    let resumeFrom: Checkpoint | undefined = checkpoint;
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [name, state] of taskStates(this.deps.definition)) {
      handlers[name] = async (processed) => {
        // Let the event log catch up so `entered` holds this state's raw input.
        await new Promise((resolve) => setImmediate(resolve));
        if (entered.state !== name) throw new StateError('States.Runtime', `local engine lost track of state ${name}`);
        const resumed = resumeFrom?.state === name ? resumeFrom : undefined;
        resumeFrom = undefined;
        return this.deps.tasks.run({
          arn,
          name,
          state,
          rawInput: entered.input,
          processed,
          resumed,
          onListening: resumed ? onListening : undefined,
          justStarted: started && resumed !== undefined,
        });
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
        if (this.closed || output === null) return; // aborted: the engine is closing
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

  /**
   * Picks up every execution that was running when the engine last stopped. It returns once every resumed callback
   * task listens again, so that a callback handed over right after (the reconciler's) finds its task instead of
   * `TaskDoesNotExist`.
   */
  async resume(): Promise<number> {
    const listening: Promise<void>[] = [];
    for await (const item of this.deps.executions.running()) {
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
    this.deps.callbacks.clear();
  }

  private async finish(arn: string, end: ExecutionEnd): Promise<void> {
    await this.deps.executions.finish(arn, end).catch((error) => this.log('could not record the end of an execution', { arn, error: (error as Error).message }));
  }

  /** Runs an execution again from its last checkpoint once its store answers again (see StoreUnavailable). */
  private runAgainLater(arn: string, attempt = 0): void {
    const delay = Math.min(STORE_RETRY_MAX_MS, 500 * 2 ** attempt);
    if (attempt === 0) this.log('execution paused: its store is unavailable; it goes on from its last checkpoint once the store answers', { arn });
    this.deps.callbacks.forgetExecution(arn);
    setTimeout(() => {
      if (this.closed || this.runs.has(arn)) return;
      this.deps.executions.get(arn).then(
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
      machine = new StateMachine({ ...this.local, StartAt: state }, { validationOptions: { checkArn: false, checkPaths: false } });
      this.machines.set(state, machine);
    }
    return machine;
  }

  private log(message: string, fields: Record<string, unknown>) {
    this.deps.log?.warn(`local engine: ${message}`, fields);
  }
}
