import fs from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources, synth } from './synth.js';

const webOrigin = 'https://apply.example.cn';

let template: Template;
let outdir: string;

beforeAll(() => {
  // Prepare: `npx cdk synth -c region=cn-north-1 -c webOrigin=…`, bundles left out (stack.test.ts covers them).
  const synthesized = synth({ region: 'cn-north-1', webOrigin });
  template = synthesized.template;
  outdir = synthesized.app.outdir;
});

describe('the stack in the China regions', () => {
  it('uses only resource types CloudFormation offers in cn-north-1', () => {
    // Act: CDK checks the template against the region's CloudFormation schemas while synthesizing
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const findings = report.pluginReports.flatMap((r: { violations: { description: string }[] }) => r.violations.map((v) => v.description));

    // Assess
    expect(findings).toEqual([]);
  });

  it('creates no Cognito user pool, which the China regions do not offer', () => {
    // Act
    const cognito = resources(template).filter(([, r]) => r.Type.startsWith('AWS::Cognito::'));

    // Assess
    expect(cognito).toEqual([]);
  });

  it('accepts the tokens of the OpenID Connect provider named at deploy time', () => {
    // Act
    const [[, authorizer]] = resources(template, 'AWS::ApiGatewayV2::Authorizer');
    const parameters = template.toJSON().Parameters;

    // Assess
    expect(parameters).toHaveProperty('JwtIssuer');
    expect(parameters).toHaveProperty('JwtAudience');
    expect(authorizer.Properties!.JwtConfiguration).toEqual({ Issuer: { Ref: 'JwtIssuer' }, Audience: [{ Ref: 'JwtAudience' }] });
  });

  it('gives every function that reads tokens the same issuer and audience as the authorizer', () => {
    // Act: the upload check reads no token (S3 invokes it); CDK's handler of the bucket's notifications is not ours
    const all = resources(template, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
    const envs = all.filter(([id]) => !id.startsWith('UploadsCheck')).map(([, f]) => f.Properties!.Environment.Variables);
    const check = all.find(([id]) => id.startsWith('UploadsCheck'))![1].Properties!.Environment.Variables;

    // Assess
    expect(envs.length).toBe(all.length - 1);
    for (const env of envs) expect(env).toMatchObject({ JWT_ISSUER: { Ref: 'JwtIssuer' }, JWT_AUDIENCE: { Ref: 'JwtAudience' } });
    expect(Object.keys(check).sort()).toEqual(['TABLE_NAME', 'UPLOADS_BUCKET']);
  });

  it('lets browsers call the API from the web origin only', () => {
    // Act
    const [[, api]] = resources(template, 'AWS::ApiGatewayV2::Api');

    // Assess
    expect(api.Properties!.CorsConfiguration).toMatchObject({
      AllowOrigins: [webOrigin],
      AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    });
  });
});
