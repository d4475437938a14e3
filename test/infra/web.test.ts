import fs from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources, synth } from './synth.js';

/** CloudFront's managed policies, by the ids AWS gives them. */
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewerExceptHostHeader = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** A template value as text: `{LogicalId}` for a Ref, `{LogicalId.Attribute}` for a GetAtt, joins joined, a Sub as written. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(text).join(v['Fn::Join'][0]);
  if (v.Ref) return `{${v.Ref}}`;
  if (v['Fn::GetAtt']) return `{${v['Fn::GetAtt'].join('.')}}`;
  if (typeof v['Fn::Sub'] === 'string') return v['Fn::Sub'];
  throw new Error(`not text: ${JSON.stringify(value)}`);
}

/** `https://<the distribution's domain>/`, as the template writes it. */
const distributionRoot = (template: Template) => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [resources(template, 'AWS::CloudFront::Distribution')[0][0], 'DomainName'] }, '/']],
});

const only = (template: Template, type: string) => {
  const found = resources(template, type);
  expect(found, type).toHaveLength(1);
  return found[0];
};

let template: Template;
let outdir: string;

beforeAll(() => {
  // Prepare: `npx cdk synth` in the aws partition, bundles and the web build left out
  const synthesized = synth();
  template = synthesized.template;
  outdir = synthesized.app.outdir;
});

const distribution = () => only(template, 'AWS::CloudFront::Distribution')[1].Properties!.DistributionConfig;
const logicalId = (prefix: string, type: string) => {
  const found = resources(template, type).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no ${type} ${prefix}`);
  return found[0];
};

describe('the pages bucket', () => {
  it('is private, encrypted and TLS-only, and CloudFront reads it through origin access control only', () => {
    // Prepare
    const bucketId = logicalId('WebPages', 'AWS::S3::Bucket');
    const [, bucket] = resources(template, 'AWS::S3::Bucket').find(([id]) => id === bucketId)!;
    const [, policy] = resources(template, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties!.Bucket.Ref === bucketId)!;
    const [oacId, oac] = only(template, 'AWS::CloudFront::OriginAccessControl');

    // Act
    const s3Origins = distribution().Origins.filter((o: any) => o.S3OriginConfig);
    const allows = policy.Properties!.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');

    // Assess
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(text(allows[0].Condition.StringEquals['AWS:SourceArn'])).toMatch(/:distribution\/\{WebDistribution\w+\}$/);
    expect(s3Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('logs its access, and the distribution its requests, to a bucket that keeps them a year', () => {
    // Prepare
    const logsId = logicalId('WebAccessLogs', 'AWS::S3::Bucket');
    const [, logs] = resources(template, 'AWS::S3::Bucket').find(([id]) => id === logsId)!;
    const [, pages] = resources(template, 'AWS::S3::Bucket').find(([id]) => id.startsWith('WebPages'))!;

    // Act
    const cloudFrontLogging = distribution().Logging;

    // Assess
    expect(pages.Properties!.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 's3/pages/' });
    expect(cloudFrontLogging).toEqual({ Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    // CloudFront's standard logs are written with object ACLs.
    expect(logs.Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, Status: 'Enabled' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(logs.Properties).not.toHaveProperty('AccessControl');
    expect(logs).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('the distribution', () => {
  it('sends /v1/* and /docs to the HTTP API uncached, every method, every viewer header but Host (Authorization among them)', () => {
    // Prepare
    const apiOrigin = distribution().Origins.find((o: any) => JSON.stringify(o.DomainName).includes('ApiEndpoint'));

    // Act
    const behaviours = distribution().CacheBehaviors.filter((b: any) => b.PathPattern !== '/v1/registry/export');

    // Assess
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(logicalId('ApiHttpApi', 'AWS::ApiGatewayV2::Api'));
    expect(behaviours.map((b: any) => b.PathPattern).sort()).toEqual(['/docs', '/v1/*']);
    for (const behaviour of behaviours) {
      expect(behaviour, behaviour.PathPattern).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        CachePolicyId: cachingDisabled,
        // Managed-AllViewerExceptHostHeader: Authorization goes through (an origin request policy cannot name it,
        // and a cache policy with caching off cannot key on it); Host would make API Gateway refuse the request.
        OriginRequestPolicyId: allViewerExceptHostHeader,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST']),
      });
      expect(behaviour, behaviour.PathPattern).not.toHaveProperty('ResponseHeadersPolicyId');
    }
  });

  it('serves the pages from S3 with index.html at the root, over HTTPS', () => {
    // Act
    const config = distribution();

    // Assess
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId('WebPagePaths', 'AWS::CloudFront::Function'), 'FunctionARN'] } },
      ],
    });
    // The SPA fallback is the function, not error responses that would also turn the API's 403s and 404s into a page.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it("answers client-side routes with index.html and files with themselves", () => {
    // Prepare: the function's code as CloudFront runs it
    const [, fn] = only(template, 'AWS::CloudFront::Function');
    const handler = new Function(`${fn.Properties!.FunctionCode}; return handler;`)() as (event: unknown) => { uri: string };
    const uriFor = (uri: string) => handler({ request: { uri, method: 'GET', headers: {} } }).uri;

    // Act
    const rewritten = {
      '/': uriFor('/'),
      '/apply/township-association': uriFor('/apply/township-association'),
      '/applications/01J9ZQ3K8M2V7X4Y6B1C5D0E2F/edit': uriFor('/applications/01J9ZQ3K8M2V7X4Y6B1C5D0E2F/edit'),
      '/certificates/GDKX-2025-000001/print': uriFor('/certificates/GDKX-2025-000001/print'),
      '/assets/index-B_kncle2.js': uriFor('/assets/index-B_kncle2.js'),
      '/config.json': uriFor('/config.json'),
      '/index.html': uriFor('/index.html'),
    };

    // Assess
    expect(fn.Properties!.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(rewritten).toEqual({
      '/': '/index.html',
      '/apply/township-association': '/index.html',
      '/applications/01J9ZQ3K8M2V7X4Y6B1C5D0E2F/edit': '/index.html',
      '/certificates/GDKX-2025-000001/print': '/index.html',
      '/assets/index-B_kncle2.js': '/assets/index-B_kncle2.js',
      '/config.json': '/config.json',
      '/index.html': '/index.html',
    });
  });

  it('gives the pages a strict CSP that lets them call their own origin, the hosted sign-in and the materials’ bucket only, HSTS, nosniff and no referrer', () => {
    // Prepare
    const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;

    // Act
    const csp = text(headers.ContentSecurityPolicy.ContentSecurityPolicy);

    // Assess
    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(csp.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      expect.stringMatching(/^img-src 'self' data: https:\/\/\{UploadsBucket\w+\.RegionalDomainName\}$/),
      expect.stringMatching(/^connect-src 'self' https:\/\/\{AuthUserPoolSignIn\w+\}\.auth\.\{AWS::Region\}\.amazoncognito\.com https:\/\/\{UploadsBucket\w+\.RegionalDomainName\}$/),
      expect.stringMatching(/^frame-src https:\/\/\{UploadsBucket\w+\.RegionalDomainName\}$/),
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(headers.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
  });

  it('lets browsers send materials from CloudFront names only, without a domain of its own (infra/stack.ts uploadOrigins says why)', () => {
    // Act
    const [, uploads] = resources(template, 'AWS::S3::Bucket').find(([id]) => id.startsWith('UploadsBucket'))!;

    // Assess
    expect(uploads.Properties!.CorsConfiguration.CorsRules).toEqual([
      { AllowedOrigins: ['https://*.cloudfront.net'], AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedHeaders: ['content-type', 'if-none-match'], ExposedHeaders: ['ETag'], MaxAge: 600 },
    ]);
  });

  it("uses CloudFront's certificate without a domain of its own", () => {
    // Act
    const config = distribution();

    // Assess
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
  });

  it('names its account-wide policies after the stack and the region, so two regions of one account do not collide', () => {
    // Act
    const names = [
      text(only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties!.ResponseHeadersPolicyConfig.Name),
      text(only(template, 'AWS::CloudFront::OriginAccessControl')[1].Properties!.OriginAccessControlConfig.Name),
    ];

    // Assess
    for (const name of names) expect(name).toMatch(/^Test-Web-[0-9A-F]{8}-\w+-\{AWS::Region\}$/);
  });
});

describe('deploying the pages', () => {
  const deployments = () => resources(template, 'Custom::CDKBucketDeployment');
  const deployment = (prefix: string) => deployments().find(([id]) => id.startsWith(prefix))!;

  it('puts the hashed assets first, cached for a year, then index.html and config.json, checked on every load', () => {
    // Prepare
    const [assetsId, assets] = deployment('WebDeployAssets');
    const [, pages] = deployment('WebDeployPages');
    const bucket = { Ref: logicalId('WebPages', 'AWS::S3::Bucket') };

    // Assess
    expect(deployments()).toHaveLength(2);
    expect(assets.Properties).toMatchObject({
      DestinationBucketName: bucket,
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(pages.Properties).toMatchObject({
      DestinationBucketName: bucket,
      Exclude: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(pages.Properties!.SourceObjectKeys[0]).toBe(assets.Properties!.SourceObjectKeys[0]);
    expect(pages.DependsOn).toContain(assetsId);
  });

  it("writes config.json with the hosted sign-in's URL and the web client's id, in the shape web/src/config.ts accepts", () => {
    // Prepare: the file as staged, with each marker replaced by the value the deployment fills in
    const [, pages] = deployment('WebDeployPages');
    const key = (pages.Properties!.SourceObjectKeys[1] as string).replace(/\.zip$/, '');
    const markers = pages.Properties!.SourceMarkers[1] as Record<string, unknown>;
    const staged = fs.readFileSync(path.join(outdir, `asset.${key}`, 'config.json'), 'utf8');

    // Act
    const config = JSON.parse(staged.replace(/<<marker:0xbaba:\d+>>/g, (marker) => text(markers[marker])));

    // Assess
    expect(config).toEqual({
      auth: {
        mode: 'cognito',
        domain: expect.stringMatching(/^https:\/\/\{AuthUserPoolSignIn\w+\}\.auth\.\{AWS::Region\}\.amazoncognito\.com$/),
        clientId: `{${logicalId('AuthUserPoolWebClient', 'AWS::Cognito::UserPoolClient')}}`,
      },
    });
  });

  it("runs with a role of its own that writes its own log group and reads only its sources' objects of the assets bucket", () => {
    // Prepare
    const handlers = resources(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
    const roleId = logicalId('WebDeploymentRole', 'AWS::IAM::Role');
    const [, role] = resources(template, 'AWS::IAM::Role').find(([id]) => id === roleId)!;
    const [, policy] = resources(template, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties!.Roles) === `[{"Ref":"${roleId}"}]`)!;

    // Act
    const statements = policy.Properties!.PolicyDocument.Statement as any[];
    const assetReads = statements.filter((s) => JSON.stringify(s.Resource).includes('cdk-hnb659fds-assets'));

    // Assess
    expect(handlers).toHaveLength(1);
    expect(handlers[0][1].Properties).toMatchObject({
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logicalId('WebDeploymentLogs', 'AWS::Logs::LogGroup') } },
    });
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(assetReads).toHaveLength(2);
    for (const read of assetReads) {
      expect(read.Action).toBe('s3:GetObject');
      expect(text(read.Resource)).toMatch(/\/[0-9a-f]{64}\.zip$/);
    }
  });
});

describe('sign-in', () => {
  it("sends users back to the distribution's root after signing in or out, with the code grant and openid, email, profile", () => {
    // Prepare
    const root = distributionRoot(template);

    // Act
    const [, client] = only(template, 'AWS::Cognito::UserPoolClient');

    // Assess
    expect(client.Properties).toMatchObject({
      CallbackURLs: [root],
      LogoutURLs: [root],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      GenerateSecret: false,
    });
  });

  it("serves Cognito's managed login on a prefix derived from the stack and the account, styled for the web client", () => {
    // Act
    const [, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
    const [, style] = only(template, 'AWS::Cognito::ManagedLoginBranding');

    // Assess
    expect(text(domain.Properties!.Domain)).toBe('test-{AWS::AccountId}');
    expect(domain.Properties!.ManagedLoginVersion).toBe(2);
    expect(style.Properties).toMatchObject({
      ClientId: { Ref: logicalId('AuthUserPoolWebClient', 'AWS::Cognito::UserPoolClient') },
      UseCognitoProvidedValues: true,
    });
  });

  it('takes the prefix from -c authDomainPrefix, and refuses one Cognito would refuse', () => {
    // Act
    const given = synth({ context: { authDomainPrefix: 'gd-kexie-apply' } }).template;
    const refused = ['GD-Kexie', 'my-aws-login', '-apply', 'a'.repeat(64)].map((prefix) => () => synth({ context: { authDomainPrefix: prefix } }));

    // Assess
    expect(only(given, 'AWS::Cognito::UserPoolDomain')[1].Properties!.Domain).toBe('gd-kexie-apply');
    for (const attempt of refused) expect(attempt).toThrow(/domain prefix/);
  });

  it('lets browsers call the API cross-origin only from -c webOrigin, which may also be returned to', () => {
    // Act
    const withOrigin = synth({ webOrigin: 'https://apply.example.org' }).template;
    const [, client] = only(withOrigin, 'AWS::Cognito::UserPoolClient');
    const [, api] = only(withOrigin, 'AWS::ApiGatewayV2::Api');

    // Assess
    expect(only(template, 'AWS::ApiGatewayV2::Api')[1].Properties!.CorsConfiguration).toBeUndefined();
    expect(api.Properties!.CorsConfiguration).toMatchObject({ AllowOrigins: ['https://apply.example.org'] });
    expect(client.Properties!.CallbackURLs).toEqual(['https://apply.example.org/', expect.objectContaining({ 'Fn::Join': expect.anything() })]);
  });
});

describe('with a domain of its own (-c webDomain, -c webCertificateArn)', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

  it('serves that domain with its certificate, TLSv1.2_2021 at least, and signs in back to it', () => {
    // Prepare
    const own = synth({ context: { webDomain: 'apply.example.org', webCertificateArn: certificateArn } }).template;

    // Act
    const config = only(own, 'AWS::CloudFront::Distribution')[1].Properties!.DistributionConfig;
    const [, client] = only(own, 'AWS::Cognito::UserPoolClient');

    // Assess
    expect(config.Aliases).toEqual(['apply.example.org']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(client.Properties!.CallbackURLs).toEqual(['https://apply.example.org/']);
    expect(own.toJSON().Outputs.WebUrl.Value).toBe('https://apply.example.org/');
    // Browsers send materials from that origin alone.
    const [, uploads] = resources(own, 'AWS::S3::Bucket').find(([id]) => id.startsWith('UploadsBucket'))!;
    expect(uploads.Properties!.CorsConfiguration.CorsRules.map((r: { AllowedOrigins: string[] }) => r.AllowedOrigins)).toEqual([['https://apply.example.org']]);
  });

  it('refuses a domain without its certificate', () => {
    // Act
    const attempt = () => synth({ context: { webDomain: 'apply.example.org' } });

    // Assess
    expect(attempt).toThrow(/webCertificateArn/);
  });
});

describe('in the China regions', () => {
  it('deploys no pages (no CloudFront, no buckets but the materials’) and says why in an output', () => {
    // Act
    const china = synth({ region: 'cn-north-1' }).template;
    const web = resources(china).filter(([id, r]) => /^(AWS::CloudFront::|AWS::S3::|Custom::CDKBucketDeployment)/.test(r.Type) && !id.startsWith('Uploads'));

    // Assess
    expect(web).toEqual([]);
    expect(china.toJSON().Outputs).not.toHaveProperty('WebUrl');
    expect(china.toJSON().Outputs.WebPages.Value).toMatch(/ICP/);
  });

  it('gives the materials’ bucket no CORS rule without -c webOrigin (and warns), the web origin alone with it', () => {
    // Act
    const cors = (webOrigin?: string) => {
      const { template: t, stack } = synth({ region: 'cn-north-1', webOrigin });
      const [, bucket] = resources(t, 'AWS::S3::Bucket').find(([id]) => id.startsWith('UploadsBucket'))!;
      const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
      return { rules: bucket.Properties!.CorsConfiguration?.CorsRules, warnings };
    };
    const without = cors();
    const withOrigin = cors('https://apply.example.cn/');

    // Assess
    expect(without.rules).toBeUndefined();
    expect(without.warnings.some((w) => w.includes('-c webOrigin'))).toBe(true);
    expect(withOrigin.rules).toEqual([expect.objectContaining({ AllowedOrigins: ['https://apply.example.cn'], AllowedMethods: ['PUT', 'GET', 'HEAD'] })]);
  });

  it('refuses web settings it could not honour there', () => {
    // Act
    const context = { webDomain: 'apply.example.cn', webCertificateArn: 'arn:aws-cn:iam::123456789012:server-certificate/apply' };
    const attempt = () => synth({ region: 'cn-north-1', context });

    // Assess
    expect(attempt).toThrow(/China regions/);
  });
});

it('outputs the web URL', () => {
  // Act
  const { WebUrl } = template.toJSON().Outputs;

  // Assess
  expect(WebUrl.Value).toEqual(distributionRoot(template));
});
