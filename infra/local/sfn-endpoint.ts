// The Step Functions API of the local engine, in AWS's JSON 1.0 protocol, so the app's real SFNClient
// talks to it as it talks to AWS: only the endpoint differs.
import { Hono } from 'hono';
import { SfnApiError, type LocalEngine } from './engine.js';

export const SFN_ENDPOINT_PATH = '/__local/sfn';

export function sfnEndpoint(engine: LocalEngine) {
  const r = new Hono();
  r.post('*', async (c) => {
    const target = c.req.header('x-amz-target') ?? '';
    const operation = target.replace(/^AWSStepFunctions\./, '');
    const body = (await c.req.json().catch(() => ({}))) as Record<string, any>;
    const reply = (payload: unknown) =>
      c.body(JSON.stringify(payload ?? {}), 200, { 'content-type': 'application/x-amz-json-1.0' });
    try {
      switch (operation) {
        case 'StartExecution':
          return reply(await engine.startExecution(body.stateMachineArn, body.name, body.input ?? '{}'));
        case 'SendTaskSuccess':
          await engine.sendTaskSuccess(body.taskToken, body.output);
          return reply({});
        case 'SendTaskFailure':
          await engine.sendTaskFailure(body.taskToken, body.error, body.cause);
          return reply({});
        case 'SendTaskHeartbeat':
          return reply({});
        case 'StopExecution':
          return reply(await engine.stopExecution(body.executionArn, body.error, body.cause));
        case 'DescribeExecution':
          return reply(await engine.describeExecution(body.executionArn));
        case 'ListExecutions':
          return reply(await engine.listExecutions(body.stateMachineArn, body.maxResults));
        default:
          throw new SfnApiError('UnknownOperationException', `the local engine does not implement ${operation || 'this operation'}`);
      }
    } catch (error) {
      const known = error instanceof SfnApiError;
      return c.body(
        JSON.stringify({
          __type: `com.amazonaws.swf.service.v2.model#${known ? error.type : 'InternalFailure'}`,
          message: (error as Error).message,
        }),
        known ? (error.status as 400) : 500,
        { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': known ? error.type : 'InternalFailure' },
      );
    }
  });
  return r;
}
