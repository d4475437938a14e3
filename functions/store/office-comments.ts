// An office's stock comments (常用意见) in the single table: one item per office, its list saved whole over the version
// it was read at, so that of two officials editing at once one is kept and the other told.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IS_NEW, keys, withoutKey } from './keys.js';
import { isConditionalCheckFailed } from './transactions.js';

export interface OfficeComments {
  comments: string[];
  version: number;
  updatedAt: string;
  updatedBy: { sub: string; name: string };
}

export class OfficeCommentStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(level: string, region: string): Promise<OfficeComments | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.officeComments(level, region), ConsistentRead: true }));
    return out.Item ? (withoutKey(out.Item) as unknown as OfficeComments) : undefined;
  }

  /** Saves `next` (its version one above the one read: 1 for an office's first save); 'stale' when another came first. */
  async save(level: string, region: string, next: OfficeComments): Promise<'saved' | 'stale'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.officeComments(level, region), ...next },
          ...(next.version === 1
            ? { ConditionExpression: IS_NEW }
            : { ConditionExpression: 'version = :seen', ExpressionAttributeValues: { ':seen': next.version - 1 } }),
        }),
      );
      return 'saved';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'stale';
      throw error;
    }
  }
}
