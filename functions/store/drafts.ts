// Drafts (草稿) in the single table: an organisation's partition, one item each, every save conditional on the
// version it was read at (two tabs saving one draft: the second is told, not lost). Saving keeps the draft's
// uploads as long as the draft (store/uploads.ts keepItem) in the same transaction; DynamoDB's TTL removes a draft
// left alone past its expiry, and reads stop showing it from then.
import { DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isLive, type DraftRecord } from '../domain/drafts.js';
import { ATTR, IS_NEW, KEY_CONDITION, TTL_ATTRIBUTE, keys, withoutKey } from './keys.js';
import { isConditionalCheckFailed, transact, type Guarded } from './transactions.js';
import type { UploadTaken } from './uploads.js';

const V = ATTR.draft.version;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function toItem(draft: DraftRecord): Record<string, unknown> {
  return { ...keys.draft(draft.org, draft.id), ...draft, [TTL_ATTRIBUTE]: epoch(draft.expiresAt) };
}

function fromItem(item: Record<string, unknown>): DraftRecord {
  const { [TTL_ATTRIBUTE]: _ttl, ...draft } = withoutKey(item);
  return draft as unknown as DraftRecord;
}

export class DraftStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** The organisation's drafts still kept, newest first: one Query of its partition (at most `limit` items read). */
  async list(org: string, now: Date, limit: number): Promise<DraftRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: KEY_CONDITION.sortKeyPrefix,
        ExpressionAttributeValues: { ':pk': keys.draftsPk(org), ':prefix': keys.draftPrefix },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(fromItem).filter((draft) => isLive(draft, now));
  }

  async get(org: string, id: string, now: Date): Promise<DraftRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.draft(org, id), ConsistentRead: true }));
    const draft = out.Item ? fromItem(out.Item) : undefined;
    return draft && isLive(draft, now) ? draft : undefined;
  }

  /**
   * Writes the draft with the items that keep its uploads, all or none. A new draft (version 1) only if its id is
   * free; a later version only over the version `draft.version - 1` (else 'stale': another save came first, or it was
   * deleted). `taken:<uploadId>`: an upload changed since it was read (attached, removed, kept by another draft).
   */
  async write(draft: DraftRecord, keep: Guarded<UploadTaken>[]): Promise<'written' | 'stale' | 'contended' | UploadTaken> {
    const put: Guarded<'stale'> = {
      item: {
        Put: {
          TableName: this.table,
          Item: toItem(draft),
          ...(draft.version === 1
            ? { ConditionExpression: IS_NEW }
            : { ConditionExpression: '#version = :seen', ExpressionAttributeNames: { '#version': V }, ExpressionAttributeValues: { ':seen': draft.version - 1 } }),
        },
      },
      whenConditionFails: 'stale',
    };
    return transact<'stale' | UploadTaken>(this.db, [put, ...keep]);
  }

  /** Deletes the draft; 'missing' when there is none (another tab deleted it, or it was submitted). */
  async delete(org: string, id: string): Promise<'deleted' | 'missing'> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.draft(org, id), ConditionExpression: 'attribute_exists(pk)' }));
      return 'deleted';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'missing';
      throw error;
    }
  }
}
