// The uploads bucket construct (infra/uploads.ts) in a small stack of its own, in both partitions: what the bucket
// is, what its lifecycle keeps, what a function bound to it may do, and cdk-nag's AwsSolutions checks.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadPrefixes } from '#functions/upload-keys.js';
import { lambdaEntries } from '#infra/bundling.js';
import { ProjectFunction } from '#infra/function.js';
import { Uploads } from '#infra/uploads.js';
import { Storage } from '#infra/storage.js';
import { resources, statements } from './synth.js';

const webOrigin = 'https://apply.example.cn';

function synthUploads(region?: string) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'UploadsTest', { env: region ? { region } : undefined });
  const uploads = new Uploads(stack, 'Uploads', { webOrigins: [webOrigin], keepVersionsDays: 180 });
  const fn = new ProjectFunction(stack, 'Api', { entry: lambdaEntries.api, description: 'test' });
  uploads.grantUploads(fn);
  const sweeper = new ProjectFunction(stack, 'Sweeper', { entry: lambdaEntries.sweeper, description: 'test' });
  uploads.grantSweep(sweeper);
  uploads.addCheck(new Storage(stack, 'Storage'));
  return { app, template: Template.fromStack(stack) };
}

describe.each([
  { partition: 'aws', region: undefined },
  { partition: 'aws-cn', region: 'cn-north-1' },
])('the uploads bucket in the $partition partition', ({ region }) => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    // Prepare
    ({ app, template } = synthUploads(region));
  });

  const bucket = () => {
    const buckets = resources(template, 'AWS::S3::Bucket').filter(([, r]) => r.Properties?.VersioningConfiguration);
    expect(buckets).toHaveLength(1);
    return buckets[0];
  };

  it('is private, versioned, KMS-encrypted with a rotated key, logged, and kept with the stack', () => {
    // Act
    const [id, uploads] = bucket();
    const [[keyId, key]] = resources(template, 'AWS::KMS::Key');

    // Assess
    expect(uploads.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 's3/uploads/' },
    });
    expect(uploads.Properties!.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(key.Properties!.EnableKeyRotation).toBe(true);
    expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
  });

  it('answers over TLS 1.2 or later only', () => {
    // Act
    const policy = resources(template, 'AWS::S3::BucketPolicy')
      .map(([, r]) => r.Properties!)
      .find((p) => JSON.stringify(p.Bucket).includes(bucket()[0]))!;
    const denies = (policy.PolicyDocument.Statement as any[]).filter((s) => s.Effect === 'Deny').map((s) => s.Condition);

    // Assess
    expect(denies).toEqual(expect.arrayContaining([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]));
  });

  it('refuses any PUT under files/ that could write over an object (no If-None-Match), whoever signed it', () => {
    // Act
    const policy = resources(template, 'AWS::S3::BucketPolicy')
      .map(([, r]) => r.Properties!)
      .find((p) => JSON.stringify(p.Bucket).includes(bucket()[0]))!;
    const once = (policy.PolicyDocument.Statement as any[]).find((s) => s.Sid === 'FilesWrittenOnce');

    // Assess
    expect(once).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Condition: { Null: { 's3:if-none-match': 'true' } } });
    expect(JSON.stringify(once.Resource)).toContain('/files/*');
  });

  it('lets the web origin alone PUT, GET and HEAD, with the two headers a presigned PUT needs', () => {
    // Act
    const cors = bucket()[1].Properties!.CorsConfiguration;

    // Assess
    expect(cors).toEqual({
      CorsRules: [{ AllowedOrigins: [webOrigin], AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedHeaders: ['content-type', 'if-none-match'], ExposedHeaders: ['ETag'], MaxAge: 600 }],
    });
  });

  it('keeps attached files and materials, removes the earlier scheme’s copies after a day, and old versions for the days asked', () => {
    // Act
    const rules = bucket()[1].Properties!.LifecycleConfiguration.Rules as any[];
    const byPrefix = (prefix: string) => rules.find((r) => r.Prefix === prefix);

    // Assess
    expect(byPrefix(uploadPrefixes.temporary)).toMatchObject({
      Status: 'Enabled',
      ExpirationInDays: 1,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(byPrefix(uploadPrefixes.materials)).toEqual({ Id: 'replaced-materials', Prefix: 'materials/', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 180 } });
    // A file is never overwritten: what a delete (refused, or never attached) leaves goes a day later; no current version expires.
    expect(byPrefix(uploadPrefixes.files)).toEqual({
      Id: 'removed-files',
      Prefix: 'files/',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    // Nothing expires the current version of a material.
    expect(rules.filter((r) => r.ExpirationInDays !== undefined && r.Prefix !== uploadPrefixes.temporary)).toEqual([]);
    expect(rules.some((r) => r.ExpiredObjectDeleteMarker === true && r.Prefix === undefined)).toBe(true);
  });

  it('names the bucket to the API and grants it only what presigning and links need: no delete', () => {
    // Act
    const [, fn] = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('Api'))!;
    const granted = statements(template).filter((s) => s.policy.startsWith('Api')).flatMap((s) => s.actions.map((action) => ({ action, resources: JSON.stringify(s.resources) })));
    const s3 = granted.filter((g) => g.action.startsWith('s3:'));
    const on = (action: string) => s3.filter((g) => g.action === action).map((g) => g.resources);

    // Assess
    expect(fn.Properties!.Environment.Variables.UPLOADS_BUCKET).toEqual({ Ref: bucket()[0] });
    expect(new Set(s3.map((g) => g.action))).toEqual(new Set(['s3:PutObject', 's3:GetObject', 's3:ListBucket']));
    expect(on('s3:PutObject').join()).toMatch(/"\/files\/\*"/);
    expect(on('s3:PutObject').join()).not.toContain('materials');
    expect(on('s3:GetObject').join()).toMatch(/files\/\*.*materials\/\*/);
    const kms = granted.filter((g) => g.action.startsWith('kms:'));
    expect(kms.map((g) => g.action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(granted.filter((g) => g.resources === '["*"]' && !g.action.startsWith('xray:'))).toEqual([]);
  });

  it.each(['Sweeper', 'UploadsCheck'])('grants %s the read and delete of files alone (the check, and the removal of an upload never attached)', (name) => {
    // Act
    const [, fn] = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(name))!;
    const granted = statements(template).filter((s) => s.policy.startsWith(name)).flatMap((s) => s.actions.map((action) => ({ action, resources: JSON.stringify(s.resources) })));
    const s3 = granted.filter((g) => g.action.startsWith('s3:'));

    // Assess
    expect(fn.Properties!.Environment.Variables.UPLOADS_BUCKET).toEqual({ Ref: bucket()[0] });
    expect(s3.filter((g) => g.action !== 's3:ListBucket').map((g) => g.action).sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    for (const g of s3.filter((g) => g.action !== 's3:ListBucket')) {
      expect(g.resources).toMatch(/"\/files\/\*"/);
      expect(g.resources).not.toContain('materials');
    }
    expect(granted.filter((g) => g.action.startsWith('kms:')).map((g) => g.action)).toEqual(['kms:Decrypt']);
  });

  it('invokes the check on each object created under files/, from this bucket and account alone', () => {
    // Act
    const [checkId] = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('UploadsCheck'))!;
    const [, notifications] = resources(template, 'Custom::S3BucketNotifications')[0];
    const [, permission] = resources(template, 'AWS::Lambda::Permission').find(([, p]) => JSON.stringify(p.Properties!.FunctionName).includes(checkId))!;

    // Assess
    expect(notifications.Properties!.BucketName).toEqual({ Ref: bucket()[0] });
    expect(notifications.Properties!.NotificationConfiguration.LambdaFunctionConfigurations).toEqual([
      { Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'files/' }] } }, LambdaFunctionArn: { 'Fn::GetAtt': [checkId, 'Arn'] } },
    ]);
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::GetAtt': [bucket()[0], 'Arn'] },
    });
  });

  it('spells no partition: every ARN takes it from the stack', () => {
    // Act
    const text = JSON.stringify(template.toJSON());

    // Assess
    expect(text).not.toMatch(/arn:aws(-cn)?:/);
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged, and acknowledges each with its reason', () => {
    // Act
    const { violations } = new AwsSolutionsChecks().validateScope(app);
    const open = violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    // Assess
    expect(open).toEqual([]);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
