// Reads every item of one partition, page by page (a Query on the key, never a Scan).
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KEY_CONDITION, type Key } from './keys.js';

export async function* partitionItems(db: DynamoDBDocumentClient, table: string, pk: string): AsyncGenerator<Key & Record<string, any>> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: KEY_CONDITION.partition,
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    yield* (out.Items ?? []) as (Key & Record<string, any>)[];
    start = out.LastEvaluatedKey;
  } while (start);
}
