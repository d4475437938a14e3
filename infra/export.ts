// GET /v1/registry/export streamed: its own function (functions/export.ts) behind a Function URL in RESPONSE_STREAM
// mode, since an HTTP API buffers a Lambda response whole (6 MB at most). The HTTP API keeps the route too.
import { Aws, Duration, Fn, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, HttpMethod, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { lambdaEntries } from './bundling.js';
import { ProjectFunction } from './function.js';
import type { Storage } from './storage.js';

export interface RegistryExportProps {
  storage: Storage;
  /** Configuration every function reads (functions/config.ts), except TABLE_NAME; no STATE_MACHINE_ARN (no execution is started). */
  environment: Record<string, string>;
  /** The only origin browsers may call the Function URL from directly; without it no CORS headers are sent. */
  webOrigin?: string;
  /**
   * Hand JWT_AUDIENCE over in an SSM parameter read at cold start instead of the environment. Needed when the
   * audience is the Cognito web client, which returns users to the distribution that routes to this function's URL:
   * the environment naming the client would close a cycle (function → client → distribution → URL → function).
   */
  audienceViaParameter?: boolean;
}

export class RegistryExport extends Construct {
  readonly handler: ProjectFunction;
  readonly functionUrl: FunctionUrl;
  /** The Function URL's host name (`<id>.lambda-url.<region>.on.aws`): the web distribution's origin for the export. */
  readonly domainName: string;
  /** `https://<host>/v1/registry/export`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RegistryExportProps) {
    super(scope, id);
    const { storage } = props;
    const { JWT_AUDIENCE: audience, ...environment } = props.environment;
    // Named from the stack (not a reference to the parameter, which would close the cycle again).
    const audienceParameterName = `/${Aws.STACK_NAME}/registry-export/jwt-audience`;

    this.handler = new ProjectFunction(this, 'Handler', {
      entry: lambdaEntries.registryExport,
      description: 'GET /v1/registry/export, streamed (Function URL)',
      memorySize: 1024,
      // A whole province is some hundreds of 200-record pages, each one Query; Function URLs stream up to 15 minutes.
      timeout: Duration.minutes(5),
      environment: {
        ...environment,
        ...(props.audienceViaParameter ? { JWT_AUDIENCE_PARAMETER: audienceParameterName } : { JWT_AUDIENCE: audience }),
      },
    }).bindTable(storage, 'read');
    if (props.audienceViaParameter) {
      new StringParameter(this, 'JwtAudience', {
        parameterName: audienceParameterName,
        simpleName: false,
        stringValue: audience,
        description: 'JWT_AUDIENCE of the registry export function (functions/export.ts reads it at cold start)',
      });
      this.handler.addToRolePolicy(
        new PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: audienceParameterName.slice(1) })],
        }),
      );
    }

    const web = props.webOrigin?.replace(/\/+$/, '');
    this.functionUrl = this.handler.addFunctionUrl({
      // The app verifies the Cognito token itself (functions/export.ts): IAM auth would need SigV4-signed requests,
      // and CloudFront's origin access control signs in the Authorization header, where the bearer token travels.
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      cors: web
        ? {
            allowedOrigins: [web],
            allowedMethods: [HttpMethod.GET],
            allowedHeaders: ['authorization', 'x-request-id'],
            exposedHeaders: ['content-disposition', 'x-request-id'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.domainName = Fn.select(2, Fn.split('/', this.functionUrl.url));
    this.url = Fn.join('', [this.functionUrl.url, 'v1/registry/export']);
  }
}
