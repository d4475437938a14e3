// AWS SDK clients, made once per container with timeouts; only the endpoints differ locally.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from './config.js';
import type { S3Credentials } from './s3.js';

export interface Clients {
  dynamodb: DynamoDBClient;
  db: DynamoDBDocumentClient;
  sfn: SFNClient;
}

/** Locally only: the keys the local endpoints check every request's signature against (the engine's made at its start, the S3 server's fixed). */
export interface LocalKeys {
  sfn?: { accessKeyId: string; secretAccessKey: string };
  s3?: S3Credentials;
}

/** The table and the workflow. The uploads bucket is the API's alone (functions/services/build-api.ts makes it). */
export function makeClients(config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'sfnEndpoint'>, local: Pick<LocalKeys, 'sfn'> = {}): Clients {
  const { dynamodb, db } = makeTableClients(config);
  const defaults = clientDefaults(config);
  return {
    dynamodb,
    db,
    sfn: new SFNClient({ region: config.region, endpoint: config.sfnEndpoint, ...defaults, credentials: local.sfn ?? defaults.credentials }),
  };
}

/** DynamoDB only, for a function that calls no workflow (the workflow's own task): no Step Functions client in its bundle. */
export function makeTableClients(config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'sfnEndpoint'>): Pick<Clients, 'dynamodb' | 'db'> {
  const dynamodb = new DynamoDBClient({ region: config.region, endpoint: config.dynamodbEndpoint, ...clientDefaults(config) });
  return { dynamodb, db: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }) };
}

/** Each client's own handler with the timeouts, its retries and, locally, some credentials. */
function clientDefaults(config: Pick<Config, 'dynamodbEndpoint' | 'sfnEndpoint'>) {
  const local = config.dynamodbEndpoint || config.sfnEndpoint;
  // In AWS a connection that takes over a second is a fault to retry elsewhere; DynamoDB Local is one Java
  // process on a developer's (or CI's) two cores, slower to accept a burst of connections.
  // `throwOnRequestTimeout`: without it this version of the handler only logs a warning at `requestTimeout`,
  // and a request to a store that accepted the connection but never answers (a frozen process) never ends.
  const requestHandler = new NodeHttpHandler({
    ...(local ? { connectionTimeout: 5_000, requestTimeout: 15_000 } : { connectionTimeout: 1_000, requestTimeout: 5_000 }),
    throwOnRequestTimeout: true,
  });
  // The local stack needs some credentials: DynamoDB Local accepts any; the local engine only its own (LocalKeys).
  const credentials = local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
  return { credentials, maxAttempts: 3, requestHandler };
}
