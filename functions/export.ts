// Lambda entry point of GET /v1/registry/export behind a Function URL in RESPONSE_STREAM mode: the API's route in
// the API's frame (functions/http/frame.ts), its CSV sent page by page as it is read instead of buffered whole
// (which the HTTP API's integration does, up to Lambda's 6 MB limit on a buffered response).
import { streamHandle } from 'hono/aws-lambda';
import { apiFrame } from './http/frame.js';
import { cognitoVerifier } from './auth.js';
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { authenticate } from './http/request.js';
import { limitCaller } from './http/rate-limit.js';
import { registryExportRoutes } from './http/routes/registry-export.js';
import { logger } from './log.js';
import { RegistryStore } from './store/registry.js';
import { readParameter } from './ssm-parameter.js';

/**
 * The web client's id, when the stack could not put it in the environment: the client returns users to the web
 * distribution, which routes the export to this function's URL, so a reference from here to the client would be a
 * cycle. infra/export.ts writes it to the parameter JWT_AUDIENCE_PARAMETER names; it is read once, at cold start.
 */
async function withAudience(env: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
  if (env.JWT_AUDIENCE || !env.JWT_AUDIENCE_PARAMETER) return env;
  return { ...env, JWT_AUDIENCE: await readParameter(env.JWT_AUDIENCE_PARAMETER, { region: env.AWS_REGION ?? '' }) };
}

// The API's needs less STATE_MACHINE_ARN: an export starts no execution, and the state machine's ARN would close the
// same cycle (its record-outcome function is configured with the web client too).
const config = parseConfig(await withAudience(process.env), ['tokens']);
const { db } = makeTableClients(config);
const services = { registry: new RegistryStore(db, config.tableName), now: () => new Date(), log: logger };

// Only the export answers here, in the API's frame (its headers, logs, errors): every other route stays behind the
// HTTP API (its JWT authorizer, throttling and access logs), and this function's role may only read the table.
// The Function URL takes anyone's request (auth type NONE): the app verifies the Cognito token itself, as it does
// behind the HTTP API, and the registry policy decides what the caller may export.
const app = apiFrame({ log: services.log });
app.use('/v1/registry/export', authenticate(cognitoVerifier(config.auth.issuer, config.auth.audience)));
app.use('/v1/registry/export', limitCaller(config.rateLimits.caller));
app.route('/v1', registryExportRoutes(services));

/**
 * Lambda's Node.js runtime defines `awslambda` (streamifyResponse, HttpResponseStream) before it loads the handler,
 * and streamHandle calls it at once. Anywhere else (a test or a benchmark importing the bundle) the module loads,
 * and the handler, which has no response stream to write to, says why when called.
 */
// Not just `awslambda`: the SDK's @aws/lambda-invoke-store creates an empty `globalThis.awslambda` of its own.
const inLambdaRuntime = typeof (globalThis as { awslambda?: { streamifyResponse?: unknown } }).awslambda?.streamifyResponse === 'function';

function outsideLambdaRuntime(): never {
  throw new Error('functions/export.ts streams its response with awslambda.streamifyResponse, which only the Lambda Node.js runtime defines');
}

export const handler = inLambdaRuntime ? streamHandle(app) : outsideLambdaRuntime;
