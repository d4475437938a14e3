// Faults injected into a running local stack's engine: its DynamoDB calls and its in-process Lambda handlers.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Client } from './local.js';

interface EngineInternals {
  dynamodb: DynamoDBClient;
  lambdas: Record<string, (event: unknown) => Promise<unknown>>;
}

const internals = (client: Client) => (client.stack.engine as unknown as { options: EngineInternals }).options;

/** What a DynamoDB call carries, as the SDK has it before sending. */
export interface CallInput {
  TableName?: string;
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
}

/** The engine's call that records a callback task's token on the application (`AwaitDecision`, `AwaitResubmission`). */
export const recordsTaskToken = (command: string, input: CallInput) => command === 'UpdateItemCommand' && !!input.ConditionExpression?.includes('taskToken');

let counter = 0;

/** Runs `around` for each of the engine's DynamoDB calls (before the SDK's own retries); removed by the returned function. */
function aroundEngineCalls(client: Client, around: (command: string, input: CallInput, send: () => Promise<unknown>) => Promise<unknown>) {
  const { dynamodb } = internals(client);
  const middleware = `injected-fault-${++counter}`;
  dynamodb.middlewareStack.add((next, context) => (args) => around(context.commandName ?? '', args.input as CallInput, () => next(args)) as never, {
    step: 'initialize',
    name: middleware,
  });
  return () => dynamodb.middlewareStack.remove(middleware);
}

/**
 * Makes the engine's DynamoDB calls that `matches` fail until `heal()` (or for the first `times` of them), as the
 * service answers a throttled or failed request: with an error named `name`. `afterWrite`: the call is made, and
 * only its answer is lost. Added before the SDK's own retries, so the error reaches the engine as it reaches the
 * workflow in AWS once those are spent. `failed` lists each failed call's input.
 */
export function failEngineCalls(
  client: Client,
  { matches, name, times = Infinity, afterWrite = false }: { matches: (command: string, input: CallInput) => boolean; name: string; times?: number; afterWrite?: boolean },
) {
  const failed: CallInput[] = [];
  const heal = aroundEngineCalls(client, async (command, input, send) => {
    if (failed.length >= times || !matches(command, input)) return send();
    failed.push(input);
    if (afterWrite) await send();
    throw Object.assign(new Error(`${name} (injected)`), { name, $fault: 'server' });
  });
  return { failed, heal };
}

/** Makes the first of the engine's DynamoDB calls that `matches` take `ms` longer (a slow or stalled store); `delayed` counts them. */
export function delayEngineCall(client: Client, { matches, ms }: { matches: (command: string, input: CallInput) => boolean; ms: number }) {
  const delayed: CallInput[] = [];
  const heal = aroundEngineCalls(client, async (command, input, send) => {
    if (delayed.length === 0 && matches(command, input)) {
      delayed.push(input);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return send();
  });
  return { delayed, heal };
}

/** Makes every in-process Lambda handler of the engine (the record-outcome function) fail until `heal()`. */
export function failLambdas(client: Client) {
  const { lambdas } = internals(client);
  const saved = { ...lambdas };
  for (const arn of Object.keys(lambdas)) lambdas[arn] = async () => Promise.reject(new Error('the function is broken (injected)'));
  return { heal: () => Object.assign(lambdas, saved) };
}
