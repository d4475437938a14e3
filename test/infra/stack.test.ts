import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, lambdaEntries, projectRoot } from '#infra/bundling.js';
import { tableDesign } from '#functions/store/keys.js';
import { approvalDefinition, substitutionNames } from '#workflows/approval.js';
import { CHECK_LEASE_MS } from '#functions/services/upload-check.js';
import { resources, statements, synth } from './synth.js';

// Every method of the public paths: the app answers 405 to those they do not take, even without a token.
const publicRouteKeys = [
  'ANY /v1/health',
  'ANY /v1/forms',
  'ANY /v1/regions/{code}',
  'ANY /v1/certificates/{certificateNo}',
  'ANY /v1/openapi.json',
  'ANY /docs',
];

/** Actions that AWS authorises on no narrower resource than "*". */
const resourceLessActions = /^(xray:|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$)/;

let template: Template;
let outdir: string;
/** Each entry built as the bundle-size gate builds it, right after the synth so both see the same sources. */
const measured = new Map<string, Uint8Array>();

beforeAll(async () => {
  // Prepare: the stack as `npx cdk synth` builds it, bundles included (esbuild runs once per function).
  const synthesized = synth({ bundle: true });
  template = synthesized.template;
  outdir = synthesized.app.outdir;
  for (const entry of Object.values(lambdaEntries)) {
    const result = await build({
      ...esbuildOptions,
      entryPoints: [path.join(projectRoot, entry)],
      outfile: 'index.mjs',
      absWorkingDir: projectRoot,
      write: false,
      logLevel: 'silent',
    });
    measured.set(entry, result.outputFiles[0].contents);
  }
  // NodejsFunction starts esbuild through npx, a few seconds a function on a busy machine.
}, 180_000);

const stateMachine = () => resources(template, 'AWS::StepFunctions::StateMachine')[0][1].Properties!;
/** The project's functions: all but aws-cdk-lib's BucketDeployment handler (web.test.ts looks at that one). */
/** The project's functions: not CDK's own handlers of its custom resources (the web pages' deployment, the bucket's notifications). */
const functions = () =>
  resources(template, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment') && !id.startsWith('BucketNotificationsHandler'));
/** Which entry each function deploys, by the logical id the stack gives it. */
const entryOf = (logicalId: string) => {
  const byPrefix = { ApiHandler: lambdaEntries.api, ExportHandler: lambdaEntries.registryExport, WorkflowRecordOutcome: lambdaEntries.recordOutcome, WorkflowReconciler: lambdaEntries.reconciler, NotificationsSweeper: lambdaEntries.sweeper, UploadsCheck: lambdaEntries.checkUpload, DocumentsHandler: lambdaEntries.documents };
  const found = Object.entries(byPrefix).find(([prefix]) => logicalId.startsWith(prefix));
  if (!found) throw new Error(`no entry known for ${logicalId}`);
  return found[1];
};
const functionNamed = (prefix: string) => {
  const found = functions().find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no function ${prefix}`);
  return found[1];
};
const policiesOfRole = (roleId: string) =>
  resources(template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties!.Roles).includes(`"${roleId}"`));

describe('approval workflow', () => {
  it('runs as a Standard state machine', () => {
    // Act
    const props = stateMachine();

    // Assess
    expect(props.StateMachineType).toBe('STANDARD');
  });

  it('deploys workflows/approval.ts verbatim: no second copy of the definition', () => {
    // Act
    const deployed = stateMachine().DefinitionString;

    // Assess
    expect(deployed).toBe(JSON.stringify(approvalDefinition()));
  });

  it('waits for each decision in a DynamoDB callback task whose timeout comes from the state data', () => {
    // Prepare
    const states = Object.values(JSON.parse(stateMachine().DefinitionString).States) as Record<string, unknown>[];

    // Act
    const callbacks = states.filter((s) => s.Resource === 'arn:${Partition}:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken');

    // Assess
    expect(callbacks.length).toBeGreaterThanOrEqual(2);
    for (const task of callbacks) expect(task.TimeoutSecondsPath).toBe('$.timeoutSeconds');
  });

  it('tries a callback task again on passing DynamoDB errors only, and records a token only while nothing else holds the task', () => {
    // Prepare
    const states = Object.values(JSON.parse(stateMachine().DefinitionString).States) as Record<string, any>[];

    // Act
    const callbacks = states.filter((s) => String(s.Resource).endsWith('.waitForTaskToken'));

    // Assess
    for (const task of callbacks) {
      const retried = task.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining(['DynamoDb.ProvisionedThroughputExceededException', 'DynamoDb.InternalServerErrorException']));
      expect(retried).not.toContain('DynamoDb.ConditionalCheckFailedException');
      expect(retried).not.toContain('States.ALL');
      expect(retried).not.toContain('States.TaskFailed');
      expect(task.Parameters.ConditionExpression).toContain('attribute_not_exists(awaitingRecord)');
    }
  });

  it('fills every placeholder of the definition, and only those', () => {
    // Prepare
    const { DefinitionString: definition, DefinitionSubstitutions: substitutions } = stateMachine();

    // Act
    const placeholders = new Set([...(definition as string).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));

    // Assess
    expect(Object.keys(substitutions).sort()).toEqual([...substitutionNames].sort());
    expect([...placeholders].sort()).toEqual([...substitutionNames].sort());
    expect(substitutions.Partition).toEqual({ Ref: 'AWS::Partition' });
    expect(substitutions.TableName).toEqual({ Ref: expect.stringMatching(/^StorageTable/) });
    expect(substitutions.RecordOutcomeFunctionArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WorkflowRecordOutcome/), 'Arn'] });
  });

  it('logs every event without execution data (task tokens) and traces with X-Ray', () => {
    // Act
    const { LoggingConfiguration: logging, TracingConfiguration: tracing } = stateMachine();

    // Assess
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(tracing).toEqual({ Enabled: true });
  });

  it('lets the state machine update the table and invoke record-outcome, and nothing else', () => {
    // Prepare
    const roleId = stateMachine().RoleArn['Fn::GetAtt'][0] as string;

    // Act
    const grants = policiesOfRole(roleId)
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as any[])
      .filter((s) => ![s.Action].flat().every((a: string) => resourceLessActions.test(a)))
      .map((s) => ({ Action: s.Action, Resource: s.Resource }));

    // Assess
    expect(grants).toEqual([
      { Action: 'dynamodb:UpdateItem', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StorageTable/), 'Arn'] } },
      { Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WorkflowRecordOutcome/), 'Arn'] } },
    ]);
  });

  it('runs the reconciler and the notifications’ sweeper every minute, and nothing else on a schedule', () => {
    // Act
    const rules = resources(template, 'AWS::Events::Rule').map(([, r]) => r.Properties!);

    // Assess
    const everyMinute = (target: RegExp) =>
      expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(target), 'Arn'] } })] });
    expect(rules).toEqual(expect.arrayContaining([everyMinute(/^WorkflowReconciler/), everyMinute(/^NotificationsSweeper/)]));
    expect(rules).toHaveLength(2);
  });
});

describe('table', () => {
  it('is on demand, encrypted, recoverable to any point in time, and survives the stack', () => {
    // Act
    const [[, table]] = resources(template, 'AWS::DynamoDB::Table');

    // Assess
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has the keys and every index of tableDesign, all string keys, all attributes projected', () => {
    // Prepare
    const expected = tableDesign.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));

    // Act
    const [[, table]] = resources(template, 'AWS::DynamoDB::Table');
    const props = table.Properties!;

    // Assess
    expect(props.KeySchema).toEqual([
      { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(expect.arrayContaining(expected));
    expect(props.GlobalSecondaryIndexes).toHaveLength(expected.length);
    for (const attribute of props.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
  });
});

describe('HTTP API', () => {
  const routes = () => resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);

  it('answers the public routes without a token', () => {
    // Act
    const open = routes().filter((r) => publicRouteKeys.includes(r.RouteKey));

    // Assess
    expect(open.map((r) => r.RouteKey).sort()).toEqual([...publicRouteKeys].sort());
    for (const route of open) expect(route.AuthorizationType).toBe('NONE');
  });

  it('asks a JWT of every other route, including everything under /v1', () => {
    // Act
    const closed = routes().filter((r) => !publicRouteKeys.includes(r.RouteKey));

    // Assess
    expect(closed.map((r) => r.RouteKey)).toContain('ANY /v1/{proxy+}');
    for (const route of closed) {
      expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
      expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: expect.stringMatching(/^ApiHttpApiJwt/) });
    }
  });

  it("checks tokens against the user pool's issuer URL in any partition and the web client as audience", () => {
    // Act
    const [[, authorizer]] = resources(template, 'AWS::ApiGatewayV2::Authorizer');

    // Assess
    expect(authorizer.Properties!.JwtConfiguration).toEqual({
      Issuer: {
        'Fn::Sub': [
          'https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPoolId}',
          { UserPoolId: { Ref: expect.stringMatching(/^AuthUserPool/) } },
        ],
      },
      Audience: [{ Ref: expect.stringMatching(/^AuthUserPoolWebClient/) }],
    });
  });

  it('throttles the default stage and writes access logs', () => {
    // Act
    const [[, stage]] = resources(template, 'AWS::ApiGatewayV2::Stage');

    // Assess
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) },
      AccessLogSettings: { DestinationArn: expect.anything(), Format: expect.stringContaining('$context.requestId') },
    });
  });

  it('sends no CORS headers unless a web origin is given', () => {
    // Act
    const [[, api]] = resources(template, 'AWS::ApiGatewayV2::Api');

    // Assess
    expect(api.Properties!.CorsConfiguration).toBeUndefined();
  });
});

describe('Lambda functions', () => {
  it('all run Node.js 24 on arm64 with active tracing and a log group of their own', () => {
    // Act
    const all = functions().map(([, f]) => f.Properties!);

    // Assess
    expect(all).toHaveLength(Object.keys(lambdaEntries).length);
    for (const f of all) {
      expect(f).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
      expect(f.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
  });

  it('give the API what functions/config.ts requires in cognito mode', () => {
    // Act
    const env = functionNamed('ApiHandler').Properties!.Environment.Variables;

    // Assess
    expect(env).toEqual({
      AUTH_MODE: 'cognito',
      JWT_ISSUER: expect.objectContaining({ 'Fn::Sub': expect.anything() }),
      JWT_AUDIENCE: { Ref: expect.stringMatching(/^AuthUserPoolWebClient/) },
      STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^WorkflowStateMachine/) },
      TABLE_NAME: { Ref: expect.stringMatching(/^StorageTable/) },
      UPLOADS_BUCKET: { Ref: expect.stringMatching(/^UploadsBucket/) },
      // infra/stack.ts (deployedRateLimits) says why the per-address limit is higher than locally.
      RATE_LIMITS: 'caller=300/60,address=3000/60,refused=3000/60',
    });
    expect(env).not.toHaveProperty('AWS_REGION');
  });

  it('give the materials bucket by prefix: the API presigns and links, the check reads and deletes files, the sweeper too; no function deletes an earlier material', () => {
    // Prepare
    const bucket = resources(template, 'AWS::S3::Bucket').find(([id]) => id.startsWith('UploadsBucket'))![0];
    const touching = (fnPrefix: string) => {
      const roleId = functionNamed(fnPrefix).Properties!.Role['Fn::GetAtt'][0];
      return policiesOfRole(roleId)
        .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as any[])
        .filter((st) => JSON.stringify(st.Resource).includes(bucket));
    };
    const holders = ['ApiHandler', 'NotificationsSweeper', 'UploadsCheck'];

    // Act
    const api = touching('ApiHandler');
    const others = functions()
      .map(([id]) => id)
      .filter((id) => !holders.some((h) => id.startsWith(h)))
      .flatMap((id) => touching(id));

    // Assess
    const actionsOn = (statements: any[], prefix: string) =>
      new Set(statements.filter((st) => [st.Resource].flat().some((r: unknown) => JSON.stringify(r).includes(`/${prefix}*`))).flatMap((st) => [st.Action].flat()));
    const onBucket = (statements: any[]) => new Set(statements.filter((st) => [st.Resource].flat().every((r: unknown) => !JSON.stringify(r).includes('/'))).flatMap((st) => [st.Action].flat()));
    expect(actionsOn(api, 'materials/')).toEqual(new Set(['s3:GetObject']));
    expect(actionsOn(api, 'files/')).toEqual(new Set(['s3:PutObject', 's3:GetObject']));
    expect(onBucket(api)).toEqual(new Set(['s3:ListBucket']));
    for (const fn of ['UploadsCheck', 'NotificationsSweeper']) {
      const statements = touching(fn);
      expect(actionsOn(statements, 'files/'), fn).toEqual(new Set(['s3:GetObject', 's3:DeleteObject']));
      expect(actionsOn(statements, 'materials/'), fn).toEqual(new Set());
      expect(onBucket(statements), fn).toEqual(new Set(['s3:ListBucket']));
    }
    expect(others).toEqual([]);
    // HTTP APIs wait 30 s at most for their integration: the function gives up first and answers itself.
    expect(functionNamed('ApiHandler').Properties!.Timeout).toBe(28);
  });

  it('check each object created under files/, in a function whose run ends before the check’s lease', () => {
    // Prepare
    const check = functions().find(([id]) => id.startsWith('UploadsCheck'))!;
    const notifications = resources(template, 'Custom::S3BucketNotifications');

    // Act
    const [, { Properties: props }] = notifications.find(([, n]) => JSON.stringify(n.Properties!.BucketName).includes('UploadsBucket'))!;
    const configurations = props!.NotificationConfiguration.LambdaFunctionConfigurations;

    // Assess
    expect(configurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'files/' }] } },
        LambdaFunctionArn: { 'Fn::GetAtt': [check[0], 'Arn'] },
      },
    ]);
    const invoke = resources(template, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties!.FunctionName).includes(check[0]));
    expect(invoke).toHaveLength(1);
    expect(invoke[0][1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    expect(check[1].Properties!.Environment.Variables).toEqual({ TABLE_NAME: { Ref: expect.stringMatching(/^StorageTable/) }, UPLOADS_BUCKET: { Ref: expect.stringMatching(/^UploadsBucket/) } });
    expect(check[1].Properties!.Timeout * 1000).toBeLessThan(CHECK_LEASE_MS);
  });

  it('let the API and the reconciler start executions, complete tasks, list and describe executions of this state machine only', () => {
    // Prepare
    const stateMachineRef = { Ref: expect.stringMatching(/^WorkflowStateMachine/) };
    const workflowGrants = (prefix: string) => {
      const roleId = functionNamed(prefix).Properties!.Role['Fn::GetAtt'][0];
      return policiesOfRole(roleId)
        .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as any[])
        .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('states:')));
    };

    // Act
    const api = workflowGrants('ApiHandler');
    const reconciler = workflowGrants('WorkflowReconciler');

    // Assess
    const drive = [
      expect.objectContaining({ Action: 'states:StartExecution', Resource: stateMachineRef }),
      expect.objectContaining({ Action: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], Resource: stateMachineRef }),
    ];
    expect(api).toEqual([...drive, expect.objectContaining({ Action: 'states:ListExecutions', Resource: stateMachineRef })]);
    const executionsOfThisMachine = {
      'Fn::Join': ['', expect.arrayContaining([':execution:', { 'Fn::Select': [6, { 'Fn::Split': [':', stateMachineRef] }] }, ':*'])],
    };
    expect(reconciler).toEqual([...drive, expect.objectContaining({ Action: 'states:DescribeExecution', Resource: executionsOfThisMachine })]);
  });

  it('deploy the very bundle the size gate measures', () => {
    for (const [id, f] of functions()) {
      // Act
      const deployed = fs.readFileSync(path.join(outdir, f.Metadata!['aws:asset:path'], 'index.mjs'));

      // Assess
      expect(deployed.equals(measured.get(entryOf(id))!), id).toBe(true);
    }
  });

  it('carry the region data next to every bundle that reads it, the API above all', () => {
    for (const [id, f] of functions()) {
      // Act
      const asset = path.join(outdir, f.Metadata!['aws:asset:path']);
      const reads = fs.readFileSync(path.join(asset, 'index.mjs'), 'utf8').includes('guangdong.json');

      // Assess
      if (id.startsWith('ApiHandler')) expect(reads).toBe(true);
      expect(fs.existsSync(path.join(asset, 'guangdong.json')), id).toBe(reads);
    }
  });

  it('carry the OpenAPI document next to every bundle that serves it, the API above all', () => {
    for (const [id, f] of functions()) {
      // Act
      const asset = path.join(outdir, f.Metadata!['aws:asset:path']);
      const reads = fs.readFileSync(path.join(asset, 'index.mjs'), 'utf8').includes('openapi-document.json');

      // Assess
      if (id.startsWith('ApiHandler')) expect(reads).toBe(true);
      expect(fs.existsSync(path.join(asset, 'openapi-document.json')), id).toBe(reads);
    }
  });

  it('carry the documents’ font next to the documents’ bundle alone, the very TTF of its package', () => {
    // Prepare
    const font = fs.readFileSync(path.join(projectRoot, 'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));

    for (const [id, f] of functions()) {
      // Act
      const beside = path.join(outdir, f.Metadata!['aws:asset:path'], 'NotoSansSC_400Regular.ttf');

      // Assess
      expect(fs.existsSync(beside), id).toBe(id.startsWith('DocumentsHandler'));
      if (id.startsWith('DocumentsHandler')) expect(fs.readFileSync(beside).equals(font)).toBe(true);
    }
  });
});

describe('web pages', () => {
  it('deploy web/ as built: index.html and every file it names', () => {
    // Prepare: the asset both page deployments unpack
    const [[, pages]] = resources(template, 'Custom::CDKBucketDeployment').filter(([id]) => id.startsWith('WebDeployPages'));
    const key = (pages.Properties!.SourceObjectKeys[0] as string).replace(/\.zip$/, '');
    const asset = path.join(outdir, `asset.${key}`);

    // Act
    const html = fs.readFileSync(path.join(asset, 'index.html'), 'utf8');
    const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);

    // Assess
    expect(named.length).toBeGreaterThan(0);
    for (const file of named) expect(fs.existsSync(path.join(asset, file)), file).toBe(true);
    expect(fs.existsSync(path.join(asset, 'config.json')), 'config.json is the stack’s, not the build’s').toBe(false);
  });
});

describe('IAM', () => {
  it('grants no service-wide action (no dynamodb:*, no *)', () => {
    // Act
    const wildcards = statements(template).flatMap((s) => s.actions.filter((a) => a === '*' || a.endsWith(':*')));

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('grants on "*" only the X-Ray and log-delivery actions that take no resource', () => {
    // Act
    const onStar = statements(template).filter((s) => s.resources.includes('*'));

    // Assess
    expect(onStar.length).toBeGreaterThan(0);
    for (const s of onStar) for (const action of s.actions) expect(action, s.policy).toMatch(resourceLessActions);
  });

  it('never grants a DynamoDB Scan, nor any index beyond those of tableDesign', () => {
    // Prepare
    const dynamo = statements(template).filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));

    // Act
    const scans = dynamo.filter((s) => s.actions.includes('dynamodb:Scan'));
    const indexes = new Set(
      dynamo.flatMap((s) => s.resources).flatMap((r) => JSON.stringify(r).match(/\/index\/[^"]*/g) ?? []),
    );

    // Assess
    expect(scans).toEqual([]);
    expect([...indexes].sort()).toEqual(tableDesign.indexes.map((i) => `/index/${i.name}`).sort());
  });
});

describe('names', () => {
  const physicalNames = ['TableName', 'FunctionName', 'StateMachineName', 'UserPoolName', 'ClientName', 'RoleName', 'LogGroupName', 'RuleName', 'BucketName'];

  it('hard-codes no resource name: CloudFormation names everything from logical ids', () => {
    // Act: a name written as a literal (a reference to another resource's name is fine)
    const named = resources(template).flatMap(([id, r]) =>
      physicalNames.filter((p) => typeof r.Properties?.[p] === 'string').map((p) => `${id}.${p}`),
    );
    const namedRules = resources(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties!.Name !== undefined);

    // Assess
    expect(named).toEqual([]);
    expect(namedRules).toEqual([]);
  });

  it('outputs what a deployer needs: web and API URLs, hosted sign-in, user pool, client, table, state machine', () => {
    // Act
    const outputs = Object.keys(template.toJSON().Outputs);

    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining(['WebUrl', 'ApiUrl', 'SignInUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'StateMachineArn']),
    );
  });
});
