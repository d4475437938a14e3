import fs from 'node:fs';
import path from 'node:path';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRateLimits } from '#functions/config.js';
import { deployedRateLimits, formatRateLimits } from '#infra/stack.js';
import { lambdaEntries } from '#infra/bundling.js';
import { resources, synth } from './synth.js';

type Synthesized = ReturnType<typeof synth>;

const only = (template: Template, type: string) => {
  const found = resources(template, type);
  expect(found, type).toHaveLength(1);
  return found[0];
};
const webAcl = (template: Template) => only(template, 'AWS::WAFv2::WebACL');
const rule = (template: Template, name: string) => {
  const found = (webAcl(template)[1].Properties!.Rules as any[]).find((r) => r.Name === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};
const distribution = (template: Template) => only(template, 'AWS::CloudFront::Distribution')[1].Properties!.DistributionConfig;
/**
 * The project's functions that answer callers: all but aws-cdk-lib's own handlers (the web's BucketDeployment, the
 * bucket's notifications) and the upload check, which S3 alone invokes (its environment: stack.test.ts).
 */
const functionEnvironments = (template: Template) =>
  resources(template, 'AWS::Lambda::Function')
    .filter(([id]) => !/^(CustomCDKBucketDeployment|BucketNotificationsHandler|UploadsCheck)/.test(id))
    .map(([id, f]) => [id, f.Properties!.Environment.Variables] as const);

/** What a blocked viewer receives from a rate-based rule, as WAF would send it. */
function blockedAnswer(template: Template, ruleName: string) {
  const { CustomResponse } = rule(template, ruleName).Action.Block;
  const body = webAcl(template)[1].Properties!.CustomResponseBodies[CustomResponse.CustomResponseBodyKey];
  return {
    status: CustomResponse.ResponseCode,
    headers: Object.fromEntries((CustomResponse.ResponseHeaders as { Name: string; Value: string }[]).map((h) => [h.Name.toLowerCase(), h.Value])),
    contentType: body.ContentType,
    body: JSON.parse(body.Content),
  };
}

describe('the web ACL of a stack outside us-east-1 (ap-east-1)', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    // Prepare: `npx cdk synth -c region=ap-east-1`
    synthesized = synth({ region: 'ap-east-1' });
  });

  it('lives in a stack of its own in us-east-1, as CloudFront requires, with scope CLOUDFRONT', () => {
    // Act
    const { edge, template } = synthesized;

    // Assess
    expect(edge).toBeDefined();
    expect(edge!.stack.region).toBe('us-east-1');
    expect(edge!.stack.stackName).toBe('Test-Edge-ap-east-1');
    expect(webAcl(edge!.template)[1].Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(resources(template).filter(([, r]) => r.Type.startsWith('AWS::WAFv2::'))).toEqual([]);
  });

  it("passes CloudFormation's own schema checks in both regions", () => {
    // Act: CDK checks each template against its region's CloudFormation schemas while synthesizing
    const report = JSON.parse(fs.readFileSync(path.join(synthesized.app.outdir, 'validation-report.json'), 'utf8'));
    const findings = report.pluginReports.flatMap((r: { violations: { description: string }[] }) => r.violations.map((v) => v.description));

    // Assess
    expect(findings).toEqual([]);
  });

  it('is the web ACL of the distribution, read across regions from that stack', () => {
    // Prepare
    const { edge, template } = synthesized;
    const [aclId] = webAcl(edge!.template);

    // Act
    const reference = distribution(template).WebACLId['Fn::GetStackOutput'];
    const output = edge!.template.toJSON().Outputs[reference.OutputName];

    // Assess
    expect(reference).toMatchObject({ StackName: edge!.stack.stackName, Region: 'us-east-1' });
    expect(output.Value).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(synthesized.stack.dependencies).toContain(edge!.stack);
  });

  it('limits each viewer IP over every path, 1,000 a minute by default, answering 429 in Chinese with Retry-After', () => {
    // Act
    const perIp = rule(synthesized.edge!.template, 'PerViewerIp');
    const answer = blockedAnswer(synthesized.edge!.template, 'PerViewerIp');

    // Assess
    expect(perIp.Statement).toEqual({ RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 60 } });
    expect(answer).toEqual({
      status: 429,
      headers: { 'retry-after': '60' },
      contentType: 'APPLICATION_JSON',
      body: { error: 'rate_limited', message: expect.stringMatching(/请求过于频繁.*60 秒/), retryAfter: 60 },
    });
  });

  it('limits each token (the Authorization header) on /v1/, 300 a minute by default, answering 429 in Chinese with Retry-After', () => {
    // Act
    const perToken = rule(synthesized.edge!.template, 'PerToken');
    const answer = blockedAnswer(synthesized.edge!.template, 'PerToken');

    // Assess
    expect(perToken.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
      Limit: 300,
      EvaluationWindowSec: 60,
      ScopeDownStatement: {
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'STARTS_WITH',
          SearchString: '/v1/',
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      },
    });
    expect(answer).toMatchObject({ status: 429, headers: { 'retry-after': '60' }, body: { error: 'rate_limited', retryAfter: 60 } });
    expect(answer.body.message).toMatch(/^请求过于频繁/);
  });

  it('blocks known bad inputs with AWS managed rules, after the rate limits', () => {
    // Act
    const rules = webAcl(synthesized.edge!.template)[1].Properties!.Rules as any[];

    // Assess
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'PerViewerIp'],
      [1, 'PerToken'],
      [2, 'KnownBadInputs'],
    ]);
    expect(rules[2]).toMatchObject({
      OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
    });
  });

  it('records metrics and samples for every rule, and logs what it blocks for a year without tokens or query strings', () => {
    // Prepare
    const template = synthesized.edge!.template;
    const [aclId, acl] = webAcl(template);
    const [, logGroup] = only(template, 'AWS::Logs::LogGroup');

    // Act
    const [, logging] = only(template, 'AWS::WAFv2::LoggingConfiguration');
    const visibility = [acl.Properties!.VisibilityConfig, ...(acl.Properties!.Rules as any[]).map((r) => r.VisibilityConfig)];

    // Assess
    for (const v of visibility) expect(v).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    expect(logging.Properties!.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(logGroup.Properties!.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(JSON.stringify(logging.Properties!.LogDestinationConfigs)).toContain(`:log-group:${logGroup.Properties!.LogGroupName}"`);
    expect(logGroup).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    expect(logging.Properties!.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { QueryString: {} }]);
    expect(logging.Properties!.LoggingFilter).toMatchObject({ DefaultBehavior: 'DROP' });
  });
});

describe('the web ACL limits', () => {
  it('come from -c edgeRateLimits, in any window WAF offers, and say the window in Retry-After', () => {
    // Act
    const { edge } = synth({ region: 'ap-east-1', context: { edgeRateLimits: 'ip=2000/300,token=120/120' } });

    // Assess
    expect(rule(edge!.template, 'PerViewerIp').Statement.RateBasedStatement).toMatchObject({ Limit: 2000, EvaluationWindowSec: 300 });
    expect(rule(edge!.template, 'PerToken').Statement.RateBasedStatement).toMatchObject({ Limit: 120, EvaluationWindowSec: 120 });
    expect(blockedAnswer(edge!.template, 'PerViewerIp')).toMatchObject({ headers: { 'retry-after': '300' }, body: { retryAfter: 300 } });
    expect(blockedAnswer(edge!.template, 'PerToken')).toMatchObject({ headers: { 'retry-after': '120' }, body: { retryAfter: 120 } });
  });

  it('keep their defaults for the one not named, and leave out a rule turned off', () => {
    // Act
    const { edge } = synth({ region: 'ap-east-1', context: { edgeRateLimits: 'token=off' } });
    const acl = webAcl(edge!.template)[1].Properties!;

    // Assess
    expect((acl.Rules as any[]).map((r) => r.Name)).toEqual(['PerViewerIp', 'KnownBadInputs']);
    expect(Object.keys(acl.CustomResponseBodies)).toEqual(['rate-limited-ip']);
    expect(rule(edge!.template, 'PerViewerIp').Statement.RateBasedStatement).toMatchObject({ Limit: 1000, EvaluationWindowSec: 60 });
  });

  it.each([
    ['ip=1000/30', /60, 120, 300, 600/],
    ['token=5/60', /at 10 requests/],
    ['ip=lots', /cannot read "ip=lots"/],
  ])('refuse %s, which WAF would not take', (edgeRateLimits, message) => {
    // Act
    const attempt = () => synth({ region: 'ap-east-1', context: { edgeRateLimits } });

    // Assess
    expect(attempt).toThrow(message);
  });
});

describe('the web ACL of a stack in us-east-1', () => {
  it('is in the stack itself, the distribution naming it directly', () => {
    // Act
    const { template, edge } = synth({ region: 'us-east-1' });
    const [aclId, acl] = webAcl(template);

    // Assess
    expect(edge).toBeUndefined();
    expect(acl.Properties!.Scope).toBe('CLOUDFRONT');
    expect(distribution(template).WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(only(template, 'AWS::WAFv2::LoggingConfiguration')[1].Properties!.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });
});

describe('a synth without a region', () => {
  it('has no web ACL, which it cannot reference across regions, and warns how to get one', () => {
    // Act
    const { stack, template, edge } = synth();

    // Assess
    expect(edge).toBeUndefined();
    expect(resources(template).filter(([, r]) => r.Type.startsWith('AWS::WAFv2::'))).toEqual([]);
    expect(distribution(template).WebACLId).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/Test/Web/Distribution', Match.stringLikeRegexp('No WAF web ACL.*-c region='));
  });
});

describe('in the China regions', () => {
  it('there is no web ACL (no distribution), and -c edgeRateLimits is refused rather than ignored', () => {
    // Act
    const { template, edge } = synth({ region: 'cn-north-1' });
    const attempt = () => synth({ region: 'cn-north-1', context: { edgeRateLimits: 'ip=100/60' } });

    // Assess
    expect(edge).toBeUndefined();
    expect(resources(template).filter(([, r]) => r.Type.startsWith('AWS::WAFv2::'))).toEqual([]);
    expect(attempt).toThrow(/edgeRateLimits.*China regions/);
  });
});

describe("the functions' own limits (RATE_LIMITS)", () => {
  it('behind CloudFront: per caller as locally, per address a generous 3,000 a minute (CloudFront edges share addresses)', () => {
    // Act
    const environments = functionEnvironments(synth({ region: 'ap-east-1' }).template);

    // Assess
    expect(environments).toHaveLength(Object.keys(lambdaEntries).length - 1);
    for (const [id, env] of environments) expect(env.RATE_LIMITS, id).toBe('caller=300/60,address=3000/60,refused=3000/60');
  });

  it("in China, where callers reach the API directly: the functions' local defaults", () => {
    // Act
    const environments = functionEnvironments(synth({ region: 'cn-north-1' }).template);

    // Assess
    expect(environments.length).toBeGreaterThan(0);
    for (const [id, env] of environments) expect(env.RATE_LIMITS, id).toBe(formatRateLimits(parseRateLimits(undefined)));
    expect(environments[0][1].RATE_LIMITS).toBe('caller=300/60,address=600/60,refused=120/60');
  });

  it('come from -c rateLimits over those defaults, for every function', () => {
    // Act
    const environments = functionEnvironments(synth({ context: { rateLimits: 'caller=100/60' } }).template);

    // Assess
    for (const [id, env] of environments) expect(env.RATE_LIMITS, id).toBe('caller=100/60,address=3000/60,refused=3000/60');
  });

  it('refuse at synth what the functions would refuse at start', () => {
    // Act
    const attempt = () => synth({ context: { rateLimits: 'caller=fast' } });

    // Assess
    expect(attempt).toThrow(/-c rateLimits: cannot read "caller=fast"/);
  });

  it('are written as the functions read them', () => {
    // Act
    const written = [deployedRateLimits('address=off', false), deployedRateLimits('caller=5/1', true)].map(formatRateLimits);

    // Assess
    expect(written).toEqual(['caller=300/60,address=off,refused=3000/60', 'caller=5/1,address=600/60,refused=120/60']);
    for (const text of written) expect(formatRateLimits(parseRateLimits(text))).toBe(text);
  });
});
