// Who may call the API: the issuer and audience of the JWTs the API accepts. In the aws partition a
// Cognito user pool whose ID tokens carry role, level, region and org; in the China regions, which
// offer no Cognito user pools, an OpenID Connect provider named at deploy time.
import { CfnParameter, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
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
  /** The web app's origin (`https://…`); its root is the OAuth callback. Without it the client has no OAuth flows. */
  webOrigin?: string;
}

export class CognitoIdentity extends Construct implements TokenIssuer {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  readonly issuer: string;
  readonly audience: string;

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

    const web = props.webOrigin?.replace(/\/+$/, '');
    this.webClient = this.userPool.addClient('WebClient', {
      // A browser app keeps no secret: SRP for the sign-in form, authorization code with PKCE for redirects.
      generateSecret: false,
      authFlows: { userSrp: true },
      ...(web
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: [`${web}/`],
              logoutUrls: [`${web}/`],
            },
          }
        : { disableOAuth: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Only the e-mail address: role, level, region, org and the display name are the administrators'.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // The URL suffix keeps the issuer right in any partition.
    this.issuer = Fn.sub('https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPoolId}', {
      UserPoolId: this.userPool.userPoolId,
    });
    this.audience = this.webClient.userPoolClientId;
  }
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
