// The notifications' sweeper in the template (infra/notifications.ts): each minute, its timeout inside its deliveries'
// lease, what it may do (the table and the due index, SES with its own From in the aws partition, the relay's one
// password parameter in China, nothing of the workflow), its settings, and the settings the synth refuses.
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resources, statements, synth } from './synth.js';

const relay = { mailFrom: 'noreply@kexie.example.cn', smtpUrl: 'smtps://smtp.kexie.example.cn:465', smtpUser: 'noreply', smtpPasswordParameter: '/gd-kexie/smtp-password' };

const sweeper = (template: Template) => {
  const found = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('NotificationsSweeper'));
  if (!found) throw new Error('no sweeper');
  return found;
};
const sweeperGrants = (template: Template) => statements(template).filter((s) => s.policy.startsWith('NotificationsSweeper'));
const actionsOf = (template: Template) => sweeperGrants(template).flatMap((s) => s.actions).sort();
const env = (template: Template) => sweeper(template)[1].Properties!.Environment.Variables as Record<string, unknown>;

describe('the sweeper, as deployed without e-mail (aws partition)', () => {
  const { template } = synth();

  it('runs every minute, and ends a run before its deliveries’ lease runs out', () => {
    // Act
    const [id, fn] = sweeper(template);
    const rule = resources(template, 'AWS::Events::Rule').find(([, r]) => JSON.stringify(r.Properties!.Targets).includes(id));

    // Assess
    expect(rule?.[1].Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', Targets: [expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 0 } })] });
    expect(fn.Properties!.Timeout).toBeLessThan(Number(env(template).DELIVERY_LEASE_SECONDS));
  });

  it('reads and writes the table by key and Queries the due index alone; nothing of the workflow, no mail service, of the bucket the read and delete of files (the check\'s backstop, a slot\'s end)', () => {
    // Act
    const dynamo = sweeperGrants(template).filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
    const indexes = dynamo.flatMap((s) => s.resources).flatMap((r) => JSON.stringify(r).match(/\/index\/[^"]*/g) ?? []);

    // Assess
    expect(indexes).toEqual(['/index/due']);
    expect(actionsOf(template).filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual(['kms:Decrypt', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
    expect(actionsOf(template)).not.toContain('dynamodb:Scan');
  });

  it('sends no e-mail, and links each message to the pages the stack serves', () => {
    // Act
    const variables = env(template);

    // Assess
    expect(variables).toMatchObject({ MAIL_TRANSPORT: 'none', WEB_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^WebDistribution/), 'DomainName'] }]] } });
    expect(variables).not.toHaveProperty('MAIL_FROM');
  });
});

describe('e-mail through Amazon SES (aws partition)', () => {
  const { template } = synth({ region: 'us-east-1', context: { mailFrom: 'noreply@kexie.example.org' } });

  it('may send only as its own sender: the address or its domain, with that From', () => {
    // Act
    const ses = sweeperGrants(template).filter((s) => s.actions.some((a) => a.startsWith('ses:')));
    const [, policy] = resources(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('NotificationsSweeper'))!;
    const statement = (policy.Properties!.PolicyDocument.Statement as any[]).find((s) => s.Action === 'ses:SendEmail');

    // Assess
    expect(ses.map((s) => s.actions)).toEqual([['ses:SendEmail']]);
    expect(JSON.stringify(ses[0].resources)).toContain(':ses:us-east-1:');
    expect(JSON.stringify(ses[0].resources)).toContain(':identity/noreply@kexie.example.org');
    expect(JSON.stringify(ses[0].resources)).toContain(':identity/kexie.example.org');
    expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'noreply@kexie.example.org' } });
    expect(env(template)).toMatchObject({ MAIL_TRANSPORT: 'ses', MAIL_FROM: 'noreply@kexie.example.org' });
  });
});

describe('e-mail through an SMTP relay (China: no SES)', () => {
  const webOrigin = 'https://apply.kexie.example.cn';
  const { template } = synth({ region: 'cn-north-1', webOrigin, context: relay });

  it('reads the relay’s password from its one SSM SecureString parameter, never from the environment; no SES', () => {
    // Act
    const ssm = sweeperGrants(template).filter((s) => s.actions.some((a) => a.startsWith('ssm:')));

    // Assess
    expect(ssm.map((s) => s.actions)).toEqual([['ssm:GetParameter']]);
    expect(ssm[0].resources).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:cn-north-1:', { Ref: 'AWS::AccountId' }, ':parameter/gd-kexie/smtp-password']] }]);
    expect(actionsOf(template).filter((a) => a.startsWith('ses:'))).toEqual([]);
    // Its one key is the uploads bucket's (the check's backstop reads files): nothing of a parameter's key here.
    const kms = sweeperGrants(template).filter((s) => s.actions.some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => [s.actions, JSON.stringify(s.resources)])).toEqual([[['kms:Decrypt'], expect.stringMatching(/^\[\{"Fn::GetAtt":\["UploadsKey[0-9A-F]+","Arn"\]\}\]$/)]]);
    expect(env(template)).toMatchObject({
      MAIL_TRANSPORT: 'smtp',
      MAIL_FROM: relay.mailFrom,
      SMTP_URL: relay.smtpUrl,
      SMTP_USER: relay.smtpUser,
      SMTP_PASSWORD_PARAMETER: relay.smtpPasswordParameter,
      WEB_URL: webOrigin,
    });
    expect(JSON.stringify(env(template))).not.toMatch(/password"?:/i);
  });

  it('may decrypt with the parameter’s customer managed key, through SSM only', () => {
    // Prepare
    const key = 'arn:aws-cn:kms:cn-north-1:123456789012:key/0c0e7a52-6f53-4d1e-9d0b-2f0f3f0a9c11';
    const { template: withKey } = synth({ region: 'cn-north-1', context: { ...relay, smtpPasswordKeyArn: key } });

    // Act
    const [, policy] = resources(withKey, 'AWS::IAM::Policy').find(([id]) => id.startsWith('NotificationsSweeper'))!;
    const decrypt = (policy.Properties!.PolicyDocument.Statement as any[]).find((s) => s.Action === 'kms:Decrypt' && s.Resource === key);

    // Assess
    expect(decrypt).toMatchObject({ Resource: key, Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['ssm.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] } } } });
  });
});

describe('settings the synth refuses, each named', () => {
  it.each([
    ['e-mail in China without a relay', { region: 'cn-north-1', context: { mailFrom: 'noreply@kexie.example.cn' } }, /no Amazon SES.*-c smtpUrl/],
    ['a relay without a sender', { context: { smtpUrl: 'smtps://smtp.example.org:465' } }, /-c smtpUrl: e-mail needs -c mailFrom/],
    ['a relay’s user without the relay', { context: { mailFrom: 'noreply@example.org', smtpUser: 'u' } }, /-c smtpUser: these are the SMTP relay's settings/],
    ['a user without the password parameter', { context: { ...relay, smtpPasswordParameter: '' } }, /SMTP_USER and SMTP_PASSWORD_PARAMETER go together/],
    ['a relay that is not SMTP', { context: { ...relay, smtpUrl: 'https://smtp.example.org' } }, /SMTP_URL must be smtp:\/\/host:port/],
    ['an escalation rule that does not exist', { context: { escalation: 'township=later' } }, /-c escalation: cannot read "township=later"/],
    ['the province escalating', { context: { escalation: 'province=escalate' } }, /-c escalation: province=escalate: nothing is above the province/],
    ['retries that cannot be read', { context: { deliveryRetry: 'often' } }, /DELIVERY_RETRY/],
  ])('%s', (_what, options, message) => {
    expect(() => synth(options)).toThrow(message);
  });
});

describe('what each level’s hard limit does', () => {
  it('reaches every function with -c escalation: the workflow’s task applies it, the sweeper’s warnings say it', () => {
    // Act
    const { template } = synth({ context: { escalation: 'township=escalate,county=expire' } });
    // aws-cdk-lib's own handlers (the web's deployment, the bucket's notifications) and the upload check (the table
    // and the bucket alone: stack.test.ts) read no settings.
    const all = resources(template, 'AWS::Lambda::Function').filter(([id]) => !/^(CustomCDKBucketDeployment|BucketNotificationsHandler|UploadsCheck)/.test(id));

    // Assess
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const [id, fn] of all) expect(fn.Properties!.Environment.Variables.ESCALATION, id).toBe('township=escalate,county=expire');
  });
});
