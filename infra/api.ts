// The public HTTP API (shared/api.md): one Lambda behind an HTTP API, Cognito's JWTs checked at the edge.
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TokenIssuer } from './auth.js';
import { lambdaEntries } from './bundling.js';
import { logRetention, ProjectFunction } from './function.js';
import type { Storage } from './storage.js';
import type { Uploads } from './uploads.js';
import type { Workflow } from './workflow.js';

/**
 * Paths anyone may call (api.md): no token is asked for at the edge, whatever the method, so that a method such a
 * path does not take reaches the app and is answered 405 with `Allow` (behind `ANY /v1/{proxy+}` it would be the
 * authorizer's 401 for a caller without a token).
 */
export const publicRoutes: ReadonlyArray<{ method: HttpMethod; path: string }> = [
  { method: HttpMethod.ANY, path: '/v1/health' },
  { method: HttpMethod.ANY, path: '/v1/forms' },
  { method: HttpMethod.ANY, path: '/v1/regions/{code}' },
  { method: HttpMethod.ANY, path: '/v1/certificates/{certificateNo}' },
  { method: HttpMethod.ANY, path: '/v1/openapi.json' },
  { method: HttpMethod.ANY, path: '/docs' },
];

export interface ApiProps {
  storage: Storage;
  workflow: Workflow;
  /** Whose tokens the API accepts. */
  issuer: TokenIssuer;
  /** Configuration every function reads (functions/config.ts), except TABLE_NAME and STATE_MACHINE_ARN. */
  environment: Record<string, string>;
  /** The only origin browsers may call the API from; without it no CORS headers are sent. */
  webOrigin?: string;
  /** The materials' bucket: the API presigns uploads and downloads, checks the bytes and copies them. */
  uploads: Uploads;
}

export class Api extends Construct {
  readonly handler: ProjectFunction;
  readonly httpApi: HttpApi;
  readonly url: string;
  /** The API's own host name (`<id>.execute-api.<region>.<suffix>`): the web distribution's origin for /v1 and /docs. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { storage, workflow, issuer } = props;

    this.handler = new ProjectFunction(this, 'Handler', {
      entry: lambdaEntries.api,
      description: 'The HTTP API (Hono app)',
      memorySize: 1024,
      // HTTP APIs wait 30 s at most for their integration: the function gives up first and answers itself.
      timeout: Duration.seconds(28),
      environment: { ...props.environment, STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn },
    }).bindTable(storage);
    workflow.grantDriving(this.handler);
    props.uploads.grantUploads(this.handler);
    // GET /v1/health asks the workflow engine for one execution.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['states:ListExecutions'], resources: [workflow.stateMachine.stateMachineArn] }),
    );

    const web = props.webOrigin?.replace(/\/+$/, '');
    const api = new HttpApi(this, 'HttpApi', {
      description: '科技工作者上山下乡站点与协会申报审批 API',
      createDefaultStage: false,
      // Every route needs a valid token unless it says otherwise.
      defaultAuthorizer: new HttpJwtAuthorizer('Jwt', issuer.issuer, { jwtAudience: [issuer.audience] }),
      corsPreflight: web
        ? {
            allowOrigins: [web],
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.OPTIONS],
            allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });

    this.httpApi = api;
    const integration = new HttpLambdaIntegration('Handler', this.handler);
    const open = publicRoutes.flatMap(({ method, path }) =>
      api.addRoutes({ path, methods: [method], integration, authorizer: new HttpNoneAuthorizer() }),
    );
    api.addRoutes({ path: '/v1/{proxy+}', methods: [HttpMethod.ANY], integration });
    suppressPublic(open);

    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN }),
        ),
        // Ids, routes and statuses only: no headers, no query strings, no bodies (personal data stays out).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = stage.url;
    this.domainName = Fn.parseDomainName(api.apiEndpoint);
  }
}

/**
 * Sends `path` (`/v1/applications/{id}/documents/{kind}`), any method, to a function of its own instead of the API's,
 * behind the same JWT authorizer; that function's app answers the methods it does not take with 405, as the API does.
 */
export function routeToFunction(api: Api, id: string, path: string, handler: IFunction): void {
  api.httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration: new HttpLambdaIntegration(id, handler) });
}

function suppressPublic(routes: HttpRoute[]): void {
  for (const route of routes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Public by design (shared/api.md): health, the form catalogue, region lookups, certificate verification and the API docs answer anyone.',
    });
  }
}
