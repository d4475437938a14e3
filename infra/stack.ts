// The whole deployment: storage, identity, workflow, API and web pages, wired together.
import { Annotations, CfnOutput, CrossStackReferences, ReferenceStrength, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { defaultRateLimits, parseRateLimits, type RateLimit, type RateLimits } from '#functions/config.js';
import { parseEscalation } from '#functions/domain/notifications.js';
import { Api } from './api.js';
import { RegistryExport } from './export.js';
import { Documents } from './documents.js';
import { CognitoIdentity, ExternalIdentity, type TokenIssuer } from './auth.js';
import { edgeFirewallFor, firewallInOtherRegion, parseEdgeRateLimits } from './firewall.js';
import { Notifications, notificationsFromContext, type NotificationsContext } from './notifications.js';
import { Storage } from './storage.js';
import { Uploads } from './uploads.js';
import { Web, type WebDomain } from './web.js';
import { Workflow } from './workflow.js';

/** Optional domain settings passed to every function as-is (functions/config.ts documents them). */
export interface DomainSettings {
  timeLimits?: string;
  holidays?: string;
  workdays?: string;
  maxReturns?: string;
  /** RATE_LIMITS, over the deployed defaults (deployedRateLimits). */
  rateLimits?: string;
  /** MATERIALS: `required` (default) or `optional` (functions/config.ts). */
  materials?: string;
  /** ESCALATION: what each level's hard limit does (超期上报 by default); the workflow's task and the sweeper read it. */
  escalation?: string;
}

/** The settings as `-c timeLimits=… -c rateLimits=…` give them (infra/app.ts). */
export function settingsFromContext(scope: Construct): DomainSettings {
  const read = (key: string): string | undefined => scope.node.tryGetContext(key);
  return {
    timeLimits: read('timeLimits'),
    holidays: read('holidays'),
    workdays: read('workdays'),
    maxReturns: read('maxReturns'),
    rateLimits: read('rateLimits'),
    materials: read('materials'),
    escalation: read('escalation'),
  };
}

export interface ApprovalStackProps extends StackProps {
  /**
   * Another origin the web app is served from, e.g. `https://apply.example.cn`: the API answers it with CORS
   * and the hosted sign-in may return to it. The pages the stack deploys are on the API's origin and need neither.
   */
  webOrigin?: string;
  settings?: DomainSettings;
  /** E-mail, links and retries of the notices' deliveries (infra/notifications.ts); default: from the context. */
  notifications?: NotificationsContext;
}

/**
 * Context read by the stack (`-c key=value`) for the web pages, in the aws partition:
 * - `webDomain` and `webCertificateArn`: a domain for the pages and its ACM certificate in us-east-1 (both or neither);
 * - `authDomainPrefix`: the hosted sign-in's `<prefix>.auth.<region>.amazoncognito.com` (default: stack name and account);
 * - `edgeRateLimits`: the web ACL's rate limits (infra/firewall.ts), e.g. `ip=1000/60,token=300/60`.
 */
function webContext(scope: Construct, inChina: boolean) {
  const read = (key: string): string | undefined => scope.node.tryGetContext(key) || undefined;
  const given = ['webDomain', 'webCertificateArn', 'authDomainPrefix', 'edgeRateLimits'].filter((key) => read(key) !== undefined);
  if (inChina) {
    if (given.length > 0) {
      throw new Error(
        `-c ${given.join(', ')}: the China regions get neither the web pages, nor their WAF web ACL, nor a hosted sign-in (see the WebPages output)`,
      );
    }
    return {};
  }
  const [name, certificateArn] = [read('webDomain'), read('webCertificateArn')];
  if (Boolean(name) !== Boolean(certificateArn)) throw new Error('-c webDomain and -c webCertificateArn go together: a domain needs its certificate');
  return {
    domain: name && certificateArn ? ({ name, certificate: Certificate.fromCertificateArn(scope, 'WebCertificate', certificateArn) } satisfies WebDomain) : undefined,
    signInDomainPrefix: read('authDomainPrefix'),
    edgeRateLimits: parseEdgeRateLimits(read('edgeRateLimits')),
  };
}

/** Regions whose CloudFormation offers no AWS::Lambda::Url (Function URLs). */
const functionUrlsUnavailable = ['cn-northwest-1'];

export class ApprovalStack extends Stack {
  constructor(scope: Construct, id: string, props: ApprovalStackProps = {}) {
    // The web distribution's WAF web ACL may come from us-east-1 (infra/firewall.ts).
    const firewallElsewhere = firewallInOtherRegion(props.env?.region);
    super(scope, id, { ...props, crossRegionReferences: props.crossRegionReferences ?? firewallElsewhere });
    // That reference is weak, as infra/firewall.ts makes it; said here too, or CDK warns that it defaults to strong.
    if (firewallElsewhere) CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    // The China regions offer no Cognito user pools (CloudFormation has no AWS::Cognito::UserPool there).
    const inChina = !Token.isUnresolved(this.region) && this.region.startsWith('cn-');

    const web = webContext(this, inChina);

    const storage = new Storage(this, 'Storage');
    const identity = inChina
      ? new ExternalIdentity(this, 'Identity')
      : new CognitoIdentity(this, 'Auth', { webOrigin: props.webOrigin, signInDomainPrefix: web.signInDomainPrefix });
    const environment = functionEnvironment(identity, props.settings, inChina);
    const workflow = new Workflow(this, 'Workflow', { storage, environment });
    const uploads = new Uploads(this, 'Uploads', { webOrigins: uploadOrigins(inChina, web.domain?.name, props.webOrigin) });
    // It reads none of the settings (no tokens, no time limits): the table and the bucket alone.
    uploads.addCheck(storage);
    if (inChina && !props.webOrigin) {
      Annotations.of(uploads).addWarningV2(
        'gdkexie:uploads-need-web-origin',
        'No web origin in the China regions: browsers cannot send materials to the bucket (no CORS rule) until the stack is deployed with -c webOrigin=https://<your licensed domain>.',
      );
    }
    const api = new Api(this, 'Api', { storage, workflow, issuer: identity, environment, webOrigin: props.webOrigin, uploads });
    // CloudFormation has no AWS::Lambda::Url in Ningxia (CDK's template validation says so): there the export is the
    // HTTP API's only, buffered (6 MB at most).
    const registryExport = functionUrlsUnavailable.includes(this.region)
      ? undefined
      : new RegistryExport(this, 'Export', {
          storage,
          environment,
          webOrigin: props.webOrigin,
          audienceViaParameter: identity instanceof CognitoIdentity,
        });

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    let pagesUrl = props.webOrigin?.replace(/\/+$/, '');
    if (identity instanceof CognitoIdentity) {
      if (!registryExport) throw new Error(`no Function URL for the export in ${this.region}`);
      const firewall = web.edgeRateLimits && edgeFirewallFor(this, web.edgeRateLimits);
      const pages = new Web(this, 'Web', { api, registryExport, identity, domain: web.domain, webAclArn: firewall?.webAclArn, uploads });
      pagesUrl = pages.url;
      new CfnOutput(this, 'WebUrl', { value: `${pages.url}/`, description: 'The web pages, with the API under /v1' });
      new CfnOutput(this, 'SignInUrl', { value: identity.signInUrl });
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: identity.webClient.userPoolClientId });
    } else {
      // CloudFront in the China regions serves only an ICP-licensed domain with an IAM server certificate, and
      // web/src/config.ts knows Cognito's hosted sign-in only, not an outside OIDC provider's endpoints.
      new CfnOutput(this, 'WebPages', {
        value:
          'Not deployed in the China regions: serve web/dist (npm run build:web) from your ICP-licensed domain with /v1 and /docs proxied to ApiUrl, ' +
          'or call the API from that origin with -c webOrigin=https://… (CORS).',
      });
      // No distribution here to route the export to its Function URL: a proxy in front (or the pages, with CORS) uses this.
      if (registryExport) new CfnOutput(this, 'ExportUrl', {
        value: registryExport.url,
        description: 'GET /v1/registry/export streamed (no 6 MB limit); the same route under ApiUrl is buffered',
      });
    }
    const notifications = props.notifications ?? notificationsFromContext(this);
    // After the pages: the receipt links to their 办件查询 (the distribution reaches the HTTP API, not this function).
    new Documents(this, 'Documents', { storage, api, environment, webUrl: notifications.webUrl ?? pagesUrl });
    new Notifications(this, 'Notifications', {
      storage,
      environment,
      context: notifications,
      webUrl: pagesUrl,
      inChina,
      uploads,
    });
    new CfnOutput(this, 'TableName', { value: storage.tableName });
    new CfnOutput(this, 'UploadsBucket', { value: uploads.bucket.bucketName, description: 'Application materials (files/, each written once; unattached ones removed when their slot ends)' });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}

/**
 * Where browsers send materials from (the bucket's CORS rule): the pages' own domain, and the origin given with -c
 * webOrigin. Without a domain of its own the distribution's `*.cloudfront.net` name is known only once it is deployed,
 * and naming it here would close a cycle (the pages' CSP names the bucket): the rule then allows any CloudFront
 * name. CORS only decides which pages a browser lets send; what authorizes a request is its presigned URL, one object
 * for minutes. In China there are no pages in the stack: only -c webOrigin.
 */
export function uploadOrigins(inChina: boolean, webDomain: string | undefined, webOrigin: string | undefined): string[] {
  const given = webOrigin ? [webOrigin.replace(/\/+$/, '')] : [];
  if (inChina) return given;
  return [...new Set([webDomain ? `https://${webDomain}` : 'https://*.cloudfront.net', ...given])];
}

/** What functions/config.ts reads, less TABLE_NAME (bindTable) and STATE_MACHINE_ARN (per function). */
function functionEnvironment(issuer: TokenIssuer, settings: DomainSettings = {}, inChina = false): Record<string, string> {
  if (settings.materials !== undefined && !['required', 'optional'].includes(settings.materials)) {
    throw new Error(`-c materials: "${settings.materials}" is neither required nor optional`);
  }
  const optional = {
    TIME_LIMITS: settings.timeLimits,
    HOLIDAYS: settings.holidays,
    WORKDAYS: settings.workdays,
    MAX_RETURNS: settings.maxReturns,
    MATERIALS: settings.materials,
    ESCALATION: settings.escalation,
  };
  try {
    parseEscalation(settings.escalation);
  } catch (error) {
    throw new Error(`-c escalation: ${(error as Error).message.replace(/^configuration: ESCALATION: /, '')}`);
  }
  return {
    // `cognito` is functions/config.ts's name for tokens of an outside issuer (in China, the OIDC provider's).
    AUTH_MODE: 'cognito',
    // functions/config.ts asks every function for these in cognito mode, even those that verify no token.
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
    RATE_LIMITS: formatRateLimits(deployedRateLimits(settings.rateLimits, inChina)),
    ...Object.fromEntries(Object.entries(optional).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  };
}

/**
 * The functions' own limits as deployed, `-c rateLimits` over these defaults (read here, so a typo stops the synth
 * rather than every function's start). Each function instance counts for itself: a backstop behind the edge's limits.
 * In the aws partition the pages call the API through CloudFront, whose edge addresses API Gateway reports as the
 * source, each shared by many viewers: the per-address limits there are a generous 3,000 a minute, and the web ACL limits
 * each viewer's own address. In China callers reach the API directly, and the functions' defaults apply as locally.
 */
export function deployedRateLimits(text: string | undefined, inChina: boolean): RateLimits {
  const edge = { requests: 3000, windowSeconds: 60 };
  const behindCloudFront: RateLimits = { ...defaultRateLimits, address: edge, refused: edge };
  try {
    return parseRateLimits([formatRateLimits(inChina ? defaultRateLimits : behindCloudFront), text ?? ''].join(','));
  } catch (error) {
    throw new Error(`-c rateLimits: ${(error as Error).message.replace(/^configuration: RATE_LIMITS: /, '')}`);
  }
}

/** RATE_LIMITS as functions/config.ts reads it. */
export function formatRateLimits(limits: RateLimits): string {
  const one = (limit: RateLimit | null) => (limit ? `${limit.requests}/${limit.windowSeconds}` : 'off');
  return `caller=${one(limits.caller)},address=${one(limits.address)},refused=${one(limits.refused)}`;
}
