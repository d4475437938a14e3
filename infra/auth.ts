// Who may call the API: the issuer and audience of the JWTs the API accepts. In the aws partition a
// Cognito user pool whose ID tokens carry role, level, region and org, with its hosted sign-in for the
// web pages; in the China regions, which offer no Cognito user pools, an OpenID Connect provider named
// at deploy time.
import { Aws, CfnParameter, Duration, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** What the API's JWT authorizer and functions/auth.ts check a token against. */
export interface TokenIssuer {
  /** `iss` of the tokens; its keys are read from `${issuer}/.well-known/jwks.json`. */
  readonly issuer: string;
  /** `aud` (or `client_id`) of the tokens. */
  readonly audience: string;
}

export interface CognitoIdentityProps {
  /** A web app's origin (`https://…`) besides those added with allowSignInFrom: its root is an OAuth callback. */
  webOrigin?: string;
  /**
   * The hosted sign-in's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique in the region
   * across all AWS accounts. Default: the stack's name and the account id, e.g. `gdkexieapproval-123456789012`.
   */
  signInDomainPrefix?: string;
}

export class CognitoIdentity extends Construct implements TokenIssuer {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  /** Cognito's hosted sign-in (managed login) for the web client. */
  readonly signInDomain: UserPoolDomain;
  readonly issuer: string;
  readonly audience: string;
  /** Where the hosted sign-in may send users back to: each origin's root. */
  private readonly webOrigins: string[] = [];

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      // Administrators create every account (officials and applicant organisations alike).
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      // Set by administrators; the web client cannot write them (see writeAttributes below), so a
      // user cannot raise their own role or move their own region. Mutable so an admin can.
      customAttributes: {
        role: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
        level: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
        region: new StringAttribute({ minLen: 2, maxLen: 12, mutable: true }),
        org: new StringAttribute({ minLen: 18, maxLen: 18, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Officials' accounts decide registrations: a second factor for everyone, by authenticator
      // app (TOTP) so no SMS sender has to be set up.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection: risky sign-ins (leaked passwords, unusual places and devices) are blocked or challenged.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    if (props.webOrigin) this.allowSignInFrom(props.webOrigin);
    // Rendered at synthesis: the web pages' origin (a CloudFront domain) is known only once they exist.
    const returnUrls = Lazy.list({ produce: () => this.webOrigins.map((origin) => `${origin}/`) });
    this.webClient = this.userPool.addClient('WebClient', {
      // A browser app keeps no secret: SRP for the sign-in form, authorization code with PKCE for redirects
      // (Cognito asks for PKCE of a client without a secret; web/src/auth.ts always sends it).
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: returnUrls,
        logoutUrls: returnUrls,
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Only the e-mail address: role, level, region, org and the display name are the administrators'.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.node.addValidation({
      validate: () => (this.webOrigins.length > 0 ? [] : ['The web client has no origin to return to: call allowSignInFrom() or pass webOrigin']),
    });

    // Managed login rather than the classic hosted UI, which is in English only: managed login speaks Chinese
    // when the authorize URL asks with `lang=zh-CN`. A branding style (Cognito's own look) turns it on for the client.
    this.signInDomain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix ? checkDomainPrefix(props.signInDomainPrefix) : defaultDomainPrefix(this) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.webClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // The URL suffix keeps the issuer right in any partition.
    this.issuer = Fn.sub('https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPoolId}', {
      UserPoolId: this.userPool.userPoolId,
    });
    this.audience = this.webClient.userPoolClientId;
  }

  /** The hosted sign-in's URL, `https://<prefix>.auth.<region>.amazoncognito.com`: web/src/config.ts's `domain`. */
  get signInUrl(): string {
    return this.signInDomain.baseUrl();
  }

  /** Lets the hosted sign-in send users back to this origin's root (`https://…`, no path) after signing in or out. */
  allowSignInFrom(origin: string): void {
    const root = Token.isUnresolved(origin) ? origin : origin.replace(/\/+$/, '');
    if (!Token.isUnresolved(root) && !/^https:\/\/[^/]+$/.test(root) && !/^http:\/\/localhost(:\d+)?$/.test(root)) {
      throw new Error(`A web origin is https://host (or http://localhost): ${origin}`);
    }
    this.webOrigins.push(root);
  }
}

/** Checks a domain prefix the way Cognito will, so a bad one stops the synth rather than the deployment. */
function checkDomainPrefix(prefix: string): string {
  if (Token.isUnresolved(prefix)) return prefix;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `Sign-in domain prefix "${prefix}": 1 to 63 lowercase letters, digits and hyphens, not starting or ending ` +
        'with a hyphen, without "aws", "amazon" or "cognito"',
    );
  }
  return prefix;
}

/** `<stack name>-<account id>`: unique in the region, as Cognito asks, and derived rather than hard-coded. */
function defaultDomainPrefix(scope: Construct): string {
  const stack = Stack.of(scope)
    .stackName.toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return Fn.join('-', [stack || 'sign-in', Aws.ACCOUNT_ID]);
}

/**
 * An OpenID Connect provider outside this stack, named when deploying
 * (`cdk deploy --parameters JwtIssuer=https://… --parameters JwtAudience=…`). It must issue
 * `role`, `level`, `region`, `org` and `name` claims as shared/api.md describes, and serve its
 * keys at `${issuer}/.well-known/jwks.json`, where functions/auth.ts reads them.
 */
export class ExternalIdentity extends Construct implements TokenIssuer {
  readonly issuer: string;
  readonly audience: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.issuer = new CfnParameter(scope, 'JwtIssuer', {
      description: 'Issuer (iss) of the OpenID Connect provider whose tokens the API accepts, https://…',
      allowedPattern: '^https://[^\\s]+[^/]$',
      constraintDescription: 'an https URL without a trailing slash',
    }).valueAsString;
    this.audience = new CfnParameter(scope, 'JwtAudience', {
      description: 'Audience (aud or client_id) of those tokens: the web client registered with the provider',
      minLength: 1,
    }).valueAsString;
  }
}
