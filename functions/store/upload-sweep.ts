// The sweeper's part of the uploads (functions/services/sweep.ts, due kind `upload`): an upload whose slot ended
// unattached, removed in two steps so that a crash between them loses nothing. Apart from store/uploads.ts so that
// the sweeper's bundle carries these two calls alone.
import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ATTR, TABLE_INDEXES as IDX, keys } from './keys.js';
import { isConditionalCheckFailed } from './transactions.js';

const U = ATTR.upload;

export class UploadSweep {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * First `retire` (no transaction can attach it after: its status is no longer ready or pending), its due
   * turn moved to `again` in case the sweeper stops before the end; then, its bytes deleted, `remove`. 'moved':
   * attached meanwhile, or another sweeper took this turn.
   */
  async retire(id: string, seen: string, again: string): Promise<{ turn: string } | 'moved'> {
    const turn = keys.dueOrder(again, keys.upload(id), 'retired');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.upload(id),
          UpdateExpression: 'SET #status = :retired, #dueSk = :turn',
          ConditionExpression: '#dueSk = :seen AND attribute_not_exists(#attachedTo)',
          ExpressionAttributeNames: { '#status': U.status, '#dueSk': IDX.due.sk, '#attachedTo': U.attachedTo },
          ExpressionAttributeValues: { ':retired': 'retired', ':seen': seen, ':turn': turn },
        }),
      );
      return { turn };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'moved';
      throw error;
    }
  }

  /** The retired upload's record, once its bytes are gone (conditional on the turn `retire` gave it). */
  async remove(id: string, turn: string): Promise<'removed' | 'moved'> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.upload(id),
          ConditionExpression: '#dueSk = :turn AND #status = :retired',
          ExpressionAttributeNames: { '#dueSk': IDX.due.sk, '#status': U.status },
          ExpressionAttributeValues: { ':turn': turn, ':retired': 'retired' },
        }),
      );
      return 'removed';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'moved';
      throw error;
    }
  }

}
