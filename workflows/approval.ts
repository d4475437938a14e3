/**
 * The approval workflow, defined once. CDK deploys it (infra/workflow.ts) and the local stack
 * runs it (infra/local/engine/); both fill in the same `${...}` substitutions.
 *
 * State data is ids and region codes only, never personal data:
 *   { id, level, region, at, dueAt, expiresAt, timeoutSeconds }
 * Each level waits in `AwaitDecision`, which records its task token on the application item
 * (making it visible in the deciding region's inbox) and waits for the API's callback. The
 * callback's output is the next step, chosen by the API's pure chain module:
 *   { id, action: 'approve', final: false, level, region, ... }  next level
 *   { id, action: 'approve', final: true, level }                 the last level approved
 *   { id, action: 'reject' | 'withdraw' }           the end
 *   { id, action: 'return', ... }                   wait for the applicant's correction
 *   { id, action: 'resubmit', level, region, ... }  back to the level that returned it
 *   { id, action: 'escalate', level, region, ... }  a level's hard limit passed: the level above decides
 * A wait that times out goes to `RecordExpiry`, which acts only if the application is still in that wait: it expires
 * it, or (an office's delay, by the level's rule) answers an `escalate` step to the level above; when a decision was
 * recorded before the limit and its callback came too late, it answers that decision's step. The workflow takes
 * either step as the callback's output (`AfterExpiry`, `TakeRecordedStep`).
 */
import { aslKeys } from '#functions/store/keys.js';

/** Names of the `${...}` placeholders in the definition. */
export const substitutionNames = ['Partition', 'TableName', 'RecordOutcomeFunctionArn'] as const;
export type Substitutions = Record<(typeof substitutionNames)[number], string>;

const idx = aslKeys.indexes;
/** The application item's attributes, named where the store names them (functions/store/keys.ts). */
const a = aslKeys.attributes;

/**
 * Errors of the DynamoDB SDK integration worth another attempt, as Step Functions names them (`DynamoDb.` and the
 * service's exception): throttling, a transaction holding the item, and the service's own failures. Not
 * `ConditionalCheckFailedException` (the application moved on: caught below) nor validation errors.
 */
const transientDynamoDbErrors = [
  'DynamoDb.ProvisionedThroughputExceededException',
  'DynamoDb.ThrottlingException',
  'DynamoDb.RequestLimitExceeded',
  'DynamoDb.TransactionConflictException',
  'DynamoDb.InternalServerErrorException',
  'DynamoDb.InternalServerError',
  'DynamoDb.ServiceUnavailableException',
  'DynamoDb.DynamoDbException',
  'DynamoDb.AmazonDynamoDBException',
] as const;

/**
 * Records the task token on the application, conditional on the application still awaiting it. `moved`: where the
 * execution goes when the application no longer waits here.
 */
function awaitTask(expect: { status: 'PENDING' | 'RETURNED'; inbox: boolean }, moved: string) {
  const set = [
    `${a.taskToken} = :token`,
    `${a.taskSince} = :at`,
    `${a.taskDueAt} = :due`,
    `${a.taskExpiresAt} = :exp`,
    ...(expect.inbox ? [`${idx.inbox.pk} = :inbox`, `${idx.inbox.sk} = :order`] : []),
  ];
  return {
    Type: 'Task',
    Resource: 'arn:${Partition}:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken',
    TimeoutSecondsPath: '$.timeoutSeconds',
    Parameters: {
      TableName: '${TableName}',
      Key: aslKeys.application('$.id'),
      // Whatever the API left for the engine to pick up has arrived once we are here.
      UpdateExpression: `SET ${set.join(', ')} REMOVE ${idx.outbox.pk}, ${idx.outbox.sk}, ${a.outbox}`,
      // Nothing else may hold the task: no other token, and not an approval awaiting its certificate. Our own token
      // may already be there (an engine making the call again), or one of this same wait's earlier attempts (a Retry
      // below after a call that wrote but answered an error; every attempt gets a new token): both are replaced.
      ConditionExpression:
        `#status = :status AND ${a.currentLevel} = :level AND attribute_not_exists(${a.awaitingRecord}) AND ` +
        `(attribute_not_exists(${a.taskToken}) OR ${a.taskToken} = :token OR ${a.taskSince} = :at)`,
      ExpressionAttributeNames: { '#status': a.status },
      ExpressionAttributeValues: {
        ':token': { 'S.$': '$$.Task.Token' },
        ':at': { 'S.$': '$.at' },
        ':due': { 'S.$': '$.dueAt' },
        ':exp': { 'S.$': '$.expiresAt' },
        ':status': { S: expect.status },
        ':level': { 'S.$': '$.level' },
        ...(expect.inbox ? { ':inbox': aslKeys.inbox('$.region'), ':order': aslKeys.inboxOrder('$.at', '$.id') } : {}),
      },
    },
    // No ResultPath: by default the callback's output (the next step) replaces the state data.
    Next: 'Route',
    // A throttled or failed call must not end the execution: nothing else would ever put the task in an inbox.
    // The retried call is the same write, and its condition still holds only while the application waits here.
    Retry: [{ ErrorEquals: [...transientDynamoDbErrors], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, JitterStrategy: 'FULL' }],
    Catch: [
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpiry' },
      // The application moved on before the token was recorded (withdrawn, decided): nothing waits here.
      { ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], ResultPath: '$.error', Next: moved },
    ],
  };
}

/** The Lambda task that records an outcome; its retries cover the function's and the service's passing failures. */
function recordOutcome(outcome: 'approve' | 'expire', next: string) {
  return {
    Type: 'Task',
    Resource: 'arn:${Partition}:states:::lambda:invoke',
    Parameters: {
      FunctionName: '${RecordOutcomeFunctionArn}',
      // An expiry names the wait that timed out by the time of the change that started it (its step's `at`), so
      // that it expires that wait and no later one.
      Payload: { 'id.$': '$.id', outcome, 'level.$': '$.level', ...(outcome === 'expire' ? { 'since.$': '$.at' } : {}) },
    },
    ResultSelector:
      outcome === 'approve'
        ? { 'status.$': '$.Payload.status', 'certificateNo.$': '$.Payload.certificateNo' }
        : { 'status.$': '$.Payload.status', 'next.$': '$.Payload.next' },
    ResultPath: '$.result',
    Retry: [
      {
        ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'States.TaskFailed'],
        IntervalSeconds: 2,
        MaxAttempts: 6,
        BackoffRate: 2,
      },
    ],
    Next: next,
  };
}

export function approvalDefinition() {
  return {
    Comment: '科技工作者上山下乡站点与协会申报：乡镇 → 县 → 省 逐级审批',
    StartAt: 'AwaitDecision',
    States: {
      AwaitDecision: awaitTask({ status: 'PENDING', inbox: true }, 'Resume'),
      AwaitResubmission: awaitTask({ status: 'RETURNED', inbox: false }, 'Superseded'),
      // Only an execution the reconciler started again (functions/services/reconcile.ts) comes here with a step
      // other than one to decide on: it carries a decision whose execution ended before taking it (a return, or
      // the last approval), and goes on where that execution would have. Anything else has simply moved on.
      Resume: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.action', StringEquals: 'return', Next: 'AwaitResubmission' },
          {
            And: [
              { Variable: '$.action', StringEquals: 'approve' },
              { Variable: '$.final', BooleanEquals: true },
            ],
            Next: 'RecordApproval',
          },
        ],
        Default: 'Superseded',
      },
      Route: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.action', StringEquals: 'approve' },
              { Variable: '$.final', BooleanEquals: true },
            ],
            Next: 'RecordApproval',
          },
          {
            Or: [
              { Variable: '$.action', StringEquals: 'approve' },
              { Variable: '$.action', StringEquals: 'resubmit' },
              // A level's hard limit passed: the level above decides (or, held, the same level with its limits anew).
              { Variable: '$.action', StringEquals: 'escalate' },
            ],
            Next: 'AwaitDecision',
          },
          { Variable: '$.action', StringEquals: 'return', Next: 'AwaitResubmission' },
          { Variable: '$.action', StringEquals: 'reject', Next: 'Rejected' },
          { Variable: '$.action', StringEquals: 'withdraw', Next: 'Withdrawn' },
        ],
        Default: 'UnknownAction',
      },
      RecordApproval: recordOutcome('approve', 'Approved'),
      RecordExpiry: recordOutcome('expire', 'AfterExpiry'),
      // A decision recorded before the hard limit wins over the timeout that fired before its callback arrived: the
      // expiry then expired nothing and answers the step that decision recorded, which the workflow takes as if the
      // callback had come.
      AfterExpiry: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.result.status', StringEquals: 'EXPIRED', Next: 'Expired' },
          // (`IsNull: true` rather than `IsNull: false` to the other branch: the local library reads `false` wrongly.)
          { Variable: '$.result.next', IsNull: true, Next: 'Superseded' },
        ],
        Default: 'TakeRecordedStep',
      },
      TakeRecordedStep: { Type: 'Pass', InputPath: '$.result.next', Next: 'Route' },
      Approved: { Type: 'Succeed' },
      Rejected: { Type: 'Succeed' },
      Withdrawn: { Type: 'Succeed' },
      Expired: { Type: 'Succeed' },
      Superseded: { Type: 'Succeed' },
      UnknownAction: { Type: 'Fail', Error: 'UnknownAction', Cause: 'The callback carried an action the workflow does not know.' },
    },
  };
}

export type ApprovalDefinition = ReturnType<typeof approvalDefinition>;

/** The definition as a string with its placeholders filled in (the local stack; CDK lets CloudFormation do it). */
export function renderDefinition(subs: Substitutions): string {
  return JSON.stringify(approvalDefinition()).replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in subs)) throw new Error(`workflow definition: no value for \${${name}}`);
    return subs[name as keyof Substitutions];
  });
}
