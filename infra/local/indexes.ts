// A table made by an older version of the local stack lacks the indexes added since (the due index of issue 15):
// they are added to it, as CloudFormation adds a new GSI to the deployed table, so a DATA_DIR keeps working.
import { DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDesign } from '#functions/store/keys.js';

export async function ensureIndexes(client: DynamoDBClient, table: string): Promise<string[]> {
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const added: string[] = [];
  for (const index of tableDesign.indexes) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    added.push(index.name);
  }
  return added;
}
