// The API's side of the approval workflow: start it, and hand each decision back to the waiting task.
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DomainError, type WorkflowStep } from './domain/application.js';

/** Errors by which Step Functions says a token was already used or is gone: the step was delivered before. */
const settledTokenErrors = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class Workflow {
  constructor(
    readonly sfn: SFNClient,
    /** Absent for functions that never drive the workflow (parseConfig's `needs` makes the others have it). */
    readonly stateMachineArn: string | undefined,
  ) {}

  /**
   * Starts an execution for the application, named by its id (or by the reconciler's name for one started again),
   * so that a repeated start is the same execution.
   */
  async start(step: WorkflowStep, name = step.id): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.requireArn(), name, input: JSON.stringify(step) }));
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return;
      throw unavailable(error);
    }
  }

  /** The status of the execution named `name` (RUNNING, SUCCEEDED, FAILED, …), or null when there is none. */
  async executionStatus(name: string): Promise<string | null> {
    const executionArn = `${this.requireArn().replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return status ?? null;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return null;
      throw unavailable(error);
    }
  }

  /** Whether the engine answers: one execution listed (the health check). */
  async ping(abortSignal: AbortSignal): Promise<void> {
    await this.sfn.send(new ListExecutionsCommand({ stateMachineArn: this.requireArn(), maxResults: 1 }), { abortSignal });
  }

  private requireArn(): string {
    if (!this.stateMachineArn) throw new Error('configuration: STATE_MACHINE_ARN is not set for this function');
    return this.stateMachineArn;
  }

  /** Completes the waiting task with the next step. Returns false when the token was already settled. */
  async complete(token: string, step: WorkflowStep): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(step) }));
      return true;
    } catch (error) {
      if (settledTokenErrors.has((error as Error).name)) return false;
      throw unavailable(error);
    }
  }
}

function unavailable(error: unknown): DomainError {
  return new DomainError('unavailable', '审批流程服务暂时不可用，已记录的内容不会丢失，系统将自动重试', {
    cause: (error as Error).name,
  });
}
