// The second floor of the bundle benchmark: the smallest handler that does what the API's submission does, as
// issue 8 describes it (Hono, zod/mini, one conditional put and one StartExecution), bundled like the functions.
// What it measures is the SDK clients' own share, which every function that uses them starts from.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import * as z from 'zod/mini';

const dynamodb = new DynamoDBClient({});
const sfn = new SFNClient({});
const body = z.object({ id: z.string().check(z.minLength(1)) });

const app = new Hono();
app.post('/', async (c) => {
  const { id } = body.parse(await c.req.json());
  await dynamodb.send(new PutItemCommand({ TableName: 'floor', Item: { pk: { S: id } }, ConditionExpression: 'attribute_not_exists(pk)' }));
  await sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:floor', name: id, input: '{}' }));
  return c.json({ ok: true }, 201);
});

export const handler = handle(app);
