// The web front end in AWS: web/ built into a private bucket and served by CloudFront, with the API on the
// same origin (/v1/*, /docs; /v1/registry/export from its streaming Function URL) and a /config.json that switches the pages to Cognito's hosted sign-in.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Annotations, DockerImage, Duration, FileSystem, Fn, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  SecurityPolicyProtocol,
  Signing,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type DeploymentSourceContext, type ISource, type SourceConfig } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Api } from './api.js';
import type { CognitoIdentity } from './auth.js';
import type { RegistryExport } from './export.js';
import type { Uploads } from './uploads.js';
import { projectRoot } from './bundling.js';
import { logRetention } from './function.js';

/** A domain of one's own for the pages, instead of CloudFront's `*.cloudfront.net`. */
export interface WebDomain {
  /** e.g. `apply.example.org`; its DNS record (CNAME or alias to the distribution) is made outside the stack. */
  name: string;
  /** An ACM certificate for that name, in us-east-1 (where CloudFront takes its certificates from). */
  certificate: ICertificate;
}

export interface WebProps {
  /** Served on the same origin under /v1/* and /docs. */
  api: Api;
  /** Served on the same origin under /v1/registry/export, ahead of the API. */
  registryExport: RegistryExport;
  /** Whose hosted sign-in the pages use; the pages' origin becomes one of its web client's callbacks. */
  identity: CognitoIdentity;
  /** Default: CloudFront's own domain and certificate. */
  domain?: WebDomain;
  /** The WAF web ACL in front of the distribution (infra/firewall.ts); none only where the stack has no region. */
  webAclArn?: string;
  /** The materials' bucket: the pages PUT uploads to it and preview files from it through presigned links. */
  uploads: Uploads;
}

/** What web/src/config.ts accepts at /config.json (its isWebConfig): Cognito's hosted sign-in, authorization code with PKCE. */
interface WebConfig {
  auth: { mode: 'cognito'; domain: string; clientId: string };
}

const webRoot = path.join(projectRoot, 'web');

/**
 * Client-side routes (`/apply/…`, `/applications/01J…`, `/certificates/GDKX-2025-000001`) have no file
 * extension: they answer the app's index.html. Anything with an extension is a file and answers itself,
 * or S3's 403 if there is no such file. Rewriting the request, rather than turning 403/404 into the page
 * with custom error responses, keeps the API's own 403s and 404s intact on the same distribution.
 */
const pagePathsCode = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** Where the pages are, `https://host` without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    const { api, registryExport, identity, domain, webAclArn, uploads } = props;
    // S3 access logs delivered under a bucket policy naming this bucket (AWS's advice) rather than the legacy
    // LogDeliveryWrite ACL, which is what this aws-cdk-lib does while the flag is unset.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    // Access logs are kept a year, like every other log of the stack (infra/function.ts says why), and stay
    // when the stack goes. CloudFront's standard logs are delivered with object ACLs, hence BUCKET_OWNER_PREFERRED.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(logRetention) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is where the access logs of the pages bucket and of the distribution go; logging its own access would log the log writes.',
    });

    // Retained like the rest of the stack, and without autoDeleteObjects (one more Lambda function and
    // custom resource): it holds only a build of web/, cheap to leave behind and redeployed from git.
    this.bucket = new Bucket(this, 'Pages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/pages/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const pagePaths = new EdgeFunction(this, 'PagePaths', {
      code: FunctionCode.fromInline(pagePathsCode),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Client-side routes of the web app answer /index.html',
    });

    // The local stack's CSP for the pages (infra/local/stack.ts), plus the hosted sign-in's token endpoint,
    // which web/src/auth.ts calls with fetch. Signing in and out are navigations, which CSP does not govern. The
    // materials' bucket, as locally the S3 server: uploads are PUT to it, previews load from it (images, PDFs framed).
    const s3 = uploads.browserOrigin;
    const contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' data: ${s3}`,
      `connect-src 'self' ${identity.signInUrl} ${s3}`,
      `frame-src ${s3}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    const pageHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', {
      responseHeadersPolicyName: accountWideName(this, 'PageHeaders', 100),
      comment: 'Security headers of the web pages (the API sets its own)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // The API as the pages call it: same origin, so no CORS. Nothing cached; every viewer header but Host
    // reaches API Gateway (Authorization included: the managed all-viewer policies forward it, which an
    // origin request policy naming it could not). HTTPS only: a redirect would turn a POST into a GET.
    const toApi: BehaviorOptions = {
      origin: new HttpOrigin(api.domainName, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    // The CSV export from its streaming Function URL, on the same terms as the rest of the API (the app checks the
    // token, so Authorization must reach it). Listed before /v1/*: CloudFront takes the first pattern that matches.
    const toExport: BehaviorOptions = {
      ...toApi,
      origin: new HttpOrigin(registryExport.domainName, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: '科技工作者上山下乡站点与协会申报审批平台',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new S3OriginAccessControl(this, 'PagesAccess', {
            originAccessControlName: accountWideName(this, 'PagesAccess', 32),
            signing: Signing.SIGV4_ALWAYS,
          }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        functionAssociations: [{ function: pagePaths, eventType: FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: pageHeaders,
      },
      additionalBehaviors: { '/v1/registry/export': toExport, '/v1/*': toApi, '/docs': toApi },
      ...(domain
        ? { domainNames: [domain.name], certificate: domain.certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Edges in Asia (Hong Kong among them) for users in Guangdong, without the costlier rest of the world.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      webAclId: webAclArn,
    });
    acknowledgeDistribution(this.distribution, { ownCertificate: domain !== undefined, firewalled: webAclArn !== undefined });

    this.url = `https://${domain ? domain.name : this.distribution.distributionDomainName}`;
    identity.allowSignInFrom(this.url);

    this.deploy({
      assets: webBuild(),
      config: Source.jsonData('config.json', {
        auth: { mode: 'cognito', domain: identity.signInUrl, clientId: identity.webClient.userPoolClientId },
      } satisfies WebConfig),
    });
  }

  /**
   * Two passes over the same build: the content-hashed files under assets/ first, cached for a year; then
   * index.html and config.json, which browsers and CloudFront check again on every load (no-cache), so a
   * new build shows without invalidating the distribution (whose permission, cloudfront:CreateInvalidation,
   * takes no resource). Nothing is pruned: a page opened before a deployment still finds its lazily loaded
   * chunks afterwards.
   */
  private deploy(sources: { assets: ISource; config: ISource }): void {
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    // Its own log group rather than the AWSLambdaBasicExecutionRole managed policy (any log group of the account).
    logGroup.grantWrite(role);
    const pagesObjects = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`;
    const wildcards = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => `Action::${action}`);
    for (const finding of [...wildcards, `Resource::${pagesObjects}`]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "BucketDeployment's read/write grant on the pages bucket and its objects, which it syncs; nothing beyond that " +
          'bucket (its sources are granted object by object).',
      });
    }
    const shared = { destinationBucket: this.bucket, role, logGroup, prune: false };

    const assets = new BucketDeployment(this, 'DeployAssets', {
      ...shared,
      sources: [readingOnlyItself(sources.assets, role)],
      exclude: ['*'],
      include: ['assets/*'],
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      ...shared,
      sources: [readingOnlyItself(sources.assets, role), readingOnlyItself(sources.config, role)],
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
    });
    // A new index.html never names an asset that is not there yet.
    pages.node.addDependency(assets);

    // Both deployments run one Lambda function, a singleton at the stack's root rather than inside this construct.
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error("BucketDeployment's handler is no longer at the stack's root: move the AwsSolutions-L1 acknowledgement");
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "BucketDeployment's own handler (Python with the AWS CLI layer): aws-cdk-lib picks its runtime and moves it forward with its releases.",
    });
  }
}

/**
 * A deployment source whose zip the handler may read, and nothing else of the CDK assets bucket (which holds
 * every stack's assets, Lambda code included): the source's own grant on the whole bucket goes to a copy of
 * the role that takes no policies, and the one object is granted instead.
 */
function readingOnlyItself(source: ISource, role: Role): ISource {
  return {
    bind(scope: Construct, context?: DeploymentSourceContext): SourceConfig {
      const config = source.bind(scope, { ...context, handlerRole: role.withoutPolicyUpdates() });
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [config.bucket.arnForObjects(config.zipObjectKey)] }));
      return config;
    },
  };
}

/**
 * CloudFront names its policies and access controls once per account, not per region: the stack's path
 * and region keep two deployments of the stack (say staging and production in two regions) apart.
 */
function accountWideName(scope: Construct, id: string, maxLength: number): string {
  return Fn.join('-', [Names.uniqueResourceName(scope, { maxLength, separator: '-' }) + `-${id}`, Stack.of(scope).region]);
}

/** The CloudFront findings that are decisions rather than omissions. */
function acknowledgeDistribution(distribution: Distribution, { ownCertificate, firewalled }: { ownCertificate: boolean; firewalled: boolean }): void {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason: 'A provincial public service: applicants, officials and anyone verifying a certificate may be anywhere, including abroad.',
  });
  if (!firewalled) {
    // Only a synth outside the CDK CLI gets here (the CLI always gives the app a region): what it writes is not what a
    // deployment would be, and says so.
    const fix = 'synthesize with -c region=… (or through npx cdk, which passes its region) to get the web ACL';
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'Synthesized without a region: the WAF web ACL must be in us-east-1 and, from any other region, is read across ' +
        `regions, which needs this stack's region; ${fix}. Meanwhile the stage throttle and the functions' own limits apply.`,
    });
    Annotations.of(distribution).addWarningV2('gdkexie:web-acl-needs-region', `No WAF web ACL in front of the web pages and the API: ${fix}.`);
  }
  if (!ownCertificate) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        "Without a domain of its own the distribution uses CloudFront's *.cloudfront.net certificate, whose minimum protocol " +
        'cannot be raised; pass -c webDomain and -c webCertificateArn to serve TLSv1.2_2021 at least.',
    });
  }
}

/**
 * web/ built for deployment by `npm run build:web` (type-check, then Vite) during `cdk synth`, so a fresh
 * clone deploys its pages without a separate step, and what is deployed is always a build of the sources
 * as they are (not whatever web/dist holds). The asset is keyed on web/'s sources and package-lock.json:
 * an unchanged web/ is not built again into the same cdk.out, and synths that skip bundling (most infra
 * tests) build nothing.
 */
function webBuild(): ISource {
  const exclude = ['dist', 'dist.*.tmp', '.build-lock', 'node_modules'];
  return Source.asset(webRoot, {
    exclude,
    assetHash: FileSystem.fingerprint(webRoot, { exclude, extraHash: FileSystem.fingerprint(path.join(projectRoot, 'package-lock.json')) }),
    bundling: {
      // Never pulled: tryBundle builds locally or throws.
      image: DockerImage.fromRegistry('node:24-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          // stdout is the CDK CLI's: the build's messages go to stderr.
          execFileSync('npm', ['run', '--silent', 'build:web', '--', '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'], {
            cwd: projectRoot,
            stdio: ['ignore', 2, 2],
          });
          return true;
        },
      },
    },
  });
}
