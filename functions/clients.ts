// AWS SDK clients, made once per container with timeouts; only the endpoints differ locally.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from './config.js';

export interface Clients {
  dynamodb: DynamoDBClient;
  db: DynamoDBDocumentClient;
  sfn: SFNClient;
}

export function makeClients(config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'sfnEndpoint'>): Clients {
  const requestHandler = () => new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 });
  const local = config.dynamodbEndpoint || config.sfnEndpoint;
  // The local stack needs some credentials; DynamoDB Local and the local engine accept any.
  const credentials = local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
  const dynamodb = new DynamoDBClient({
    region: config.region,
    endpoint: config.dynamodbEndpoint,
    credentials,
    maxAttempts: 3,
    requestHandler: requestHandler(),
  });
  return {
    dynamodb,
    db: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    sfn: new SFNClient({ region: config.region, endpoint: config.sfnEndpoint, credentials, maxAttempts: 3, requestHandler: requestHandler() }),
  };
}
