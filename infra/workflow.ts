// The approval workflow in AWS: the state machine of workflows/approval.ts, the Lambda task it
// calls to record an outcome, and the scheduled reconciler that hands it work the API recorded.
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnStateMachine, DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { approvalDefinition, type Substitutions } from '#workflows/approval.js';
import { lambdaEntries } from './bundling.js';
import { logRetention, ProjectFunction } from './function.js';
import type { Storage } from './storage.js';

export interface WorkflowProps {
  storage: Storage;
  /** Configuration every function reads (functions/config.ts), except TABLE_NAME and STATE_MACHINE_ARN. */
  environment: Record<string, string>;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly recordOutcome: ProjectFunction;
  readonly reconciler: ProjectFunction;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { storage } = props;

    this.recordOutcome = new ProjectFunction(this, 'RecordOutcome', {
      entry: lambdaEntries.recordOutcome,
      description: 'Workflow task: records an approval (certificate, registry) or an expiry',
      timeout: Duration.seconds(30),
      // No STATE_MACHINE_ARN: this function never drives the workflow (and the ARN would be a cycle).
      environment: props.environment,
    }).bindTable(storage);

    const substitutions: Substitutions = {
      Partition: Aws.PARTITION,
      TableName: storage.tableName,
      RecordOutcomeFunctionArn: this.recordOutcome.functionArn,
    };
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(approvalDefinition())),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN }),
        level: LogLevel.ALL,
        // Execution data would put each task token (a bearer credential for the callback) into the logs.
        includeExecutionData: false,
      },
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Logging and tracing: the CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, …) and X-Ray ' +
        '(xray:PutTraceSegments, …) take no resource-level permissions; test/infra/stack.test.ts fails if any other action is granted on "*".',
    });
    // The definition is a string, so CDK cannot see its integrations: grant exactly what they call.
    storage.grantTableAction(this.stateMachine, 'dynamodb:UpdateItem');
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.recordOutcome.functionArn] }),
    );

    this.reconciler = new ProjectFunction(this, 'Reconciler', {
      entry: lambdaEntries.reconciler,
      description: 'Hands the workflow the starts and callbacks the API recorded but could not deliver',
      timeout: Duration.seconds(50),
      environment: { ...props.environment, STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    }).bindTable(storage);
    this.grantDriving(this.reconciler);
    // Whether an application's execution is still running before it starts another (functions/services/reconcile.ts).
    this.stateMachine.grantExecution(this.reconciler, 'states:DescribeExecution');
    const stack = Stack.of(this);
    const stateMachineId = stack.resolve((this.stateMachine.node.defaultChild as CfnStateMachine).logicalId) as string;
    const [region, account] = [stack.region, stack.account].map((v, i) => (Token.isUnresolved(v) ? ['<AWS::Region>', '<AWS::AccountId>'][i] : v));
    Validations.of(this.reconciler.role!).acknowledge({
      // cdk-nag names the resource as the template has it: the state machine's name is cut from its ARN.
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineId}"}]}]}:*]`,
      reason: 'states:DescribeExecution on the executions of this one state machine: execution names are application ids, known only at run time.',
    });
    new Rule(this, 'ReconcileEveryMinute', {
      schedule: Schedule.rate(Duration.minutes(1)),
      // The next run a minute later is the retry.
      targets: [new LambdaFunction(this.reconciler, { retryAttempts: 0 })],
    });
  }

  /** What a caller that drives the workflow needs: start executions and complete waiting tasks. */
  grantDriving(fn: ProjectFunction): void {
    this.stateMachine.grantStartExecution(fn);
    this.stateMachine.grantTaskResponse(fn);
  }
}
