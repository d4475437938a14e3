import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './synth.js';

/** Each unacknowledged AwsSolutions finding, error or warning, as `severity rule at path`. */
function findings(app: App): string[] {
  const { violations } = new AwsSolutionsChecks().validateScope(app);
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
}

/** Every acknowledgement in the tree. */
function acknowledgements(app: App): { id: string; reason: string }[] {
  return app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }));
}

/**
 * Acknowledged in both partitions: public routes, X-Ray and log delivery, which take no resource, and the reconciler
 * describing the state machine's executions (infra/workflow.ts).
 */
const everywhere = (region = '<AWS::Region>') => [
  'AwsSolutions-APIG4',
  'AwsSolutions-IAM5[Resource::*]',
  `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"WorkflowStateMachine8F1B1C15"}]}]}:*]`,
];

/**
 * The materials' bucket in both partitions: infra/uploads.ts grants the API, the check and the sweeper each prefix,
 * keyed by ids made at run time; CDK's handler of its event notifications has the basic execution policy.
 */
const uploads = [
  ...['files/', 'materials/'].map((prefix) => `AwsSolutions-IAM5[Resource::<UploadsBucketC4B27CC7.Arn>/${prefix}*]`),
  'AwsSolutions-S1', // its access log bucket itself
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
];

/** The web pages (aws partition only): infra/web.ts gives each one's reason. */
const webPages = [
  'AwsSolutions-S1', // the access log bucket itself
  'AwsSolutions-CFR1', // no geo restriction
  'AwsSolutions-CFR4', // CloudFront's default certificate without -c webDomain
  'AwsSolutions-L1', // BucketDeployment's handler runtime
  ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => `AwsSolutions-IAM5[Action::${action}]`),
  'AwsSolutions-IAM5[Resource::<WebPages5FDC1F78.Arn>/*]', // BucketDeployment's read/write on the pages bucket
];

const smtpRelay = {
  mailFrom: 'noreply@kexie.example.cn',
  smtpUrl: 'smtps://smtp.kexie.example.cn:465',
  smtpUser: 'noreply',
  smtpPasswordParameter: '/gd-kexie/smtp-password',
  smtpPasswordKeyArn: 'arn:aws-cn:kms:cn-north-1:123456789012:key/0c0e7a52-6f53-4d1e-9d0b-2f0f3f0a9c11',
};

/** Without a region there is no web ACL in front of the distribution (infra/firewall.ts): only then is CFR2 acknowledged. */
const noWebAcl = 'AwsSolutions-CFR2';

describe.each([
  { where: 'the aws partition without a region', region: undefined, known: [...everywhere(), ...uploads, ...webPages, noWebAcl] },
  { where: 'us-east-1, the web ACL in the same stack', region: 'us-east-1', known: [...everywhere('us-east-1'), ...uploads, ...webPages] },
  { where: 'ap-east-1, the web ACL in a us-east-1 stack', region: 'ap-east-1', known: [...everywhere('ap-east-1'), ...uploads, ...webPages] },
  { where: 'the aws-cn partition (Beijing)', region: 'cn-north-1', known: [...everywhere('cn-north-1'), ...uploads] },
  { where: 'the aws-cn partition (Ningxia)', region: 'cn-northwest-1', known: [...everywhere('cn-northwest-1'), ...uploads] },
  // E-mail adds the sweeper's sending grants: SES in the aws partition, the relay's password parameter and its key in China.
  { where: 'us-east-1, e-mail through SES', region: 'us-east-1', context: { mailFrom: 'noreply@kexie.example.org' }, known: [...everywhere('us-east-1'), ...uploads, ...webPages] },
  { where: 'the aws-cn partition, e-mail through an SMTP relay', region: 'cn-north-1', context: smtpRelay, known: [...everywhere('cn-north-1'), ...uploads] },
])('cdk-nag AwsSolutions over every stack of the app in $where', ({ region, context, known }) => {
  let app: App;

  beforeAll(() => {
    // Prepare: bundles left out, nag reads the template, not the code
    app = synth({ region, context }).app;
  });

  it('leaves no finding unacknowledged, neither error nor warning', () => {
    // Act
    const open = findings(app);

    // Assess
    expect(open).toEqual([]);
  });

  it('acknowledges only the known findings, each with its reason', () => {
    // Act
    const acknowledged = acknowledgements(app);

    // Assess
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set(known));
    for (const { id, reason } of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
