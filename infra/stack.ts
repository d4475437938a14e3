// The whole deployment: storage, identity, workflow and API, wired together.
import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.js';
import { CognitoIdentity, ExternalIdentity, type TokenIssuer } from './auth.js';
import { Storage } from './storage.js';
import { Workflow } from './workflow.js';

/** Optional domain settings passed to every function as-is (functions/config.ts documents them). */
export interface DomainSettings {
  timeLimits?: string;
  holidays?: string;
  workdays?: string;
  maxReturns?: string;
}

export interface ApprovalStackProps extends StackProps {
  /** The web app's origin, e.g. `https://apply.example.cn`: CORS and the OAuth callback. Default: none. */
  webOrigin?: string;
  settings?: DomainSettings;
}

export class ApprovalStack extends Stack {
  constructor(scope: Construct, id: string, props: ApprovalStackProps = {}) {
    super(scope, id, props);
    // The China regions offer no Cognito user pools (CloudFormation has no AWS::Cognito::UserPool there).
    const inChina = !Token.isUnresolved(this.region) && this.region.startsWith('cn-');

    const storage = new Storage(this, 'Storage');
    const identity = inChina ? new ExternalIdentity(this, 'Identity') : new CognitoIdentity(this, 'Auth', { webOrigin: props.webOrigin });
    const environment = functionEnvironment(identity, props.settings);
    const workflow = new Workflow(this, 'Workflow', { storage, environment });
    const api = new Api(this, 'Api', { storage, workflow, issuer: identity, environment, webOrigin: props.webOrigin });

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    if (identity instanceof CognitoIdentity) {
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: identity.webClient.userPoolClientId });
    }
    new CfnOutput(this, 'TableName', { value: storage.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}

/** What functions/config.ts reads, less TABLE_NAME (bindTable) and STATE_MACHINE_ARN (per function). */
function functionEnvironment(issuer: TokenIssuer, settings: DomainSettings = {}): Record<string, string> {
  const optional = {
    TIME_LIMITS: settings.timeLimits,
    HOLIDAYS: settings.holidays,
    WORKDAYS: settings.workdays,
    MAX_RETURNS: settings.maxReturns,
  };
  return {
    // `cognito` is functions/config.ts's name for tokens of an outside issuer (in China, the OIDC provider's).
    AUTH_MODE: 'cognito',
    // functions/config.ts asks every function for these in cognito mode, even those that verify no token.
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
    ...Object.fromEntries(Object.entries(optional).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  };
}
