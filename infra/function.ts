// The project's one Lambda function construct: runtime, architecture, bundling, tracing and logs
// are fixed here; what differs per function is its entry, environment and grants.
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lambdaBundling, lambdaRuntime, projectRoot, type LambdaEntry } from './bundling.js';
import type { Storage } from './storage.js';

export interface ProjectFunctionProps {
  entry: LambdaEntry;
  description: string;
  environment?: Record<string, string>;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
}

/**
 * Logs are kept a year: the Cybersecurity Law (网络安全法, art. 21) asks for network logs to be
 * kept at least six months, and calendar months are longer than 180 days.
 */
export const logRetention = RetentionDays.ONE_YEAR;

export class ProjectFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    // Its own role instead of the AWSLambdaBasicExecutionRole managed policy, which may write to any
    // log group in the account: this one writes to its own log group only.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which take no resource-level permissions; ' +
        'test/infra/stack.test.ts fails if any other action is granted on "*".',
    });
    super(scope, id, {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: props.environment,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      bundling: lambdaBundling(),
    });
  }

  /**
   * Names the table to the function (TABLE_NAME, read by functions/config.ts) and grants it read/write, or
   * reads only (`'read'`) to a function that never writes; `indexes`: the only indexes a writer Queries.
   */
  bindTable(storage: Storage, access: 'readWrite' | 'read' = 'readWrite', indexes?: readonly string[]): this {
    this.addEnvironment('TABLE_NAME', storage.tableName);
    if (access === 'read') storage.grantRead(this);
    else storage.grantReadWrite(this, indexes);
    return this;
  }
}
