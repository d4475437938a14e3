// What goes wrong in the local engine: the Step Functions API's refusals, a state's failures, and its own store's.

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
export class StateError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The engine's own store (DynamoDB Local) did not take a checkpoint: the execution is not at fault. It runs again
 * from its last checkpoint once the store answers, as Step Functions' executions outlive any outage of their own.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the local engine could not record its progress: ${(cause as Error).message}`);
    this.name = 'LocalEngine.StoreUnavailable';
  }
}
