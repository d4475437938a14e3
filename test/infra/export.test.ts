// GET /v1/registry/export streamed: its function behind a Function URL in RESPONSE_STREAM mode, routed by the web
// distribution ahead of /v1/*, reading the table only; in the China regions its URL is an output.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources, statements, synth } from './synth.js';

const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewerExceptHostHeader = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let template: Template;
let china: Template;

beforeAll(() => {
  // Prepare: both partitions, bundles left out
  template = synth().template;
  china = synth({ region: 'cn-north-1' }).template;
});

const exportFunctionId = (t: Template) => resources(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ExportHandler'))![0];
const roleOf = (t: Template) => resources(t, 'AWS::Lambda::Function').find(([id]) => id === exportFunctionId(t))![1].Properties!.Role['Fn::GetAtt'][0];
const grantsOf = (t: Template) => statements(t).filter((s) => JSON.stringify(resources(t, 'AWS::IAM::Policy').find(([id]) => id === s.policy)![1].Properties!.Roles).includes(`"${roleOf(t)}"`));

describe.each([
  { partition: 'aws', get: () => template },
  { partition: 'aws-cn', get: () => china },
])('the export function in the $partition partition', ({ get }) => {
  it('has a Function URL that streams, with no IAM auth (the app verifies the Cognito token)', () => {
    // Act
    const urls = resources(get(), 'AWS::Lambda::Url');

    // Assess
    expect(urls).toHaveLength(1);
    expect(urls[0][1].Properties).toMatchObject({
      InvokeMode: 'RESPONSE_STREAM',
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [exportFunctionId(get()), 'Arn'] },
    });
  });

  it('reads the table and writes nothing: no write action of any kind, no workflow action', () => {
    // Act
    const actions = grantsOf(get()).flatMap((s) => s.actions);

    // Assess
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query']));
    const writes = actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|ConditionCheck|PartiQL|Write)/.test(a) || a.startsWith('states:'));
    expect(writes).toEqual([]);
  });

  it('is deployed from functions/export.ts with the issuer of the API and no state machine', () => {
    // Act
    const [, fn] = resources(get(), 'AWS::Lambda::Function').find(([id]) => id === exportFunctionId(get()))!;
    const env = fn.Properties!.Environment.Variables;

    // Assess
    expect(env).toHaveProperty('JWT_ISSUER');
    expect(env).toHaveProperty('TABLE_NAME');
    expect(env).not.toHaveProperty('STATE_MACHINE_ARN');
  });
});

describe('the export in the aws partition', () => {
  it('is routed by CloudFront to the Function URL ahead of /v1/*, uncached, every viewer header but Host', () => {
    // Prepare
    const [, distribution] = resources(template, 'AWS::CloudFront::Distribution')[0];
    const config = distribution.Properties!.DistributionConfig;
    const urlId = resources(template, 'AWS::Lambda::Url')[0][0];

    // Act
    const patterns = config.CacheBehaviors.map((b: any) => b.PathPattern);
    const behaviour = config.CacheBehaviors.find((b: any) => b.PathPattern === '/v1/registry/export');
    const origin = config.Origins.find((o: any) => o.Id === behaviour.TargetOriginId);

    // Assess
    expect(patterns.indexOf('/v1/registry/export')).toBeGreaterThanOrEqual(0);
    expect(patterns.indexOf('/v1/registry/export')).toBeLessThan(patterns.indexOf('/v1/*'));
    expect(origin.DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [urlId, 'FunctionUrl'] }] }] });
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(behaviour).toMatchObject({
      CachePolicyId: cachingDisabled,
      OriginRequestPolicyId: allViewerExceptHostHeader,
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD'],
    });
  });

  it('takes the web client as audience from an SSM parameter, so the function does not name the client (a cycle through the distribution)', () => {
    // Prepare
    const [, fn] = resources(template, 'AWS::Lambda::Function').find(([id]) => id === exportFunctionId(template))!;
    const [[, parameter]] = resources(template, 'AWS::SSM::Parameter');

    // Act
    const env = fn.Properties!.Environment.Variables;
    const reads = grantsOf(template).filter((s) => s.actions.includes('ssm:GetParameter'));

    // Assess
    expect(env).not.toHaveProperty('JWT_AUDIENCE');
    expect(env.JWT_AUDIENCE_PARAMETER).toEqual(parameter.Properties!.Name);
    expect(parameter.Properties!.Value).toEqual({ Ref: expect.stringMatching(/^AuthUserPoolWebClient/) });
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0].resources)).toContain('registry-export/jwt-audience');
  });
});

describe('the export in the China regions', () => {
  it('outputs its streaming URL, there being no distribution to route it', () => {
    // Act
    const { ExportUrl } = china.toJSON().Outputs;

    // Assess
    expect(ExportUrl.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ExportHandlerFunctionUrl/), 'FunctionUrl'] }, 'v1/registry/export']] });
  });
});

describe('the export in Ningxia (cn-northwest-1)', () => {
  it('has no Function URL, which CloudFormation does not offer there: the HTTP API serves the export, buffered', () => {
    // Act
    const ningxia = synth({ region: 'cn-northwest-1' }).template;

    // Assess
    expect(resources(ningxia, 'AWS::Lambda::Url')).toEqual([]);
    expect(ningxia.toJSON().Outputs).not.toHaveProperty('ExportUrl');
  });
});
