// The check's part of the uploads (functions/services/upload-check.ts): one check of an upload at a time holds it
// under a lease, records its verdict once, and moves the upload's turn on the due index from the check's backstop
// (the sweeper checks an upload whose bytes came without a check) to the slot's end (the sweeper removes it if never
// attached). Apart from store/uploads.ts so that the API, which only reads a verdict, carries none of this.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UploadRecord } from '../domain/materials.js';
import { ATTR, TABLE_INDEXES as IDX, keys } from './keys.js';
import { isConditionalCheckFailed } from './transactions.js';

const U = ATTR.upload;

export type CheckVerdict =
  | { status: 'ready'; checked: NonNullable<UploadRecord['checked']> }
  | { status: 'refused'; refusal: NonNullable<UploadRecord['refusal']> };

export class UploadChecks {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * Takes the right to check a pending upload until `until` (no other check reads its bytes meanwhile). False when it
   * is checked already, retired, or another check holds it.
   */
  async claim(id: string, token: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.upload(id),
          UpdateExpression: 'SET #until = :until, #token = :token',
          ConditionExpression: '#status = :pending AND (attribute_not_exists(#until) OR #until < :now)',
          ExpressionAttributeNames: { '#status': U.status, '#until': U.checkUntil, '#token': U.checkToken },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString(), ':until': until.toISOString(), ':token': token },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Records the verdict, once: only while the upload is pending and this check still holds it. An unattached upload's
   * turn on the due index moves to its slot's end (`expiresAt`), where the sweeper removes it if it is never attached.
   */
  async record(upload: Pick<UploadRecord, 'id' | 'expiresAt'>, token: string, verdict: CheckVerdict): Promise<'recorded' | 'stale'> {
    const [attribute, value] = verdict.status === 'ready' ? [U.checked, verdict.checked] : [U.refusal, verdict.refusal];
    const turn = upload.expiresAt ? keys.dueOrder(upload.expiresAt, keys.upload(upload.id)) : undefined;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.upload(upload.id),
          UpdateExpression: `SET #status = :status, #verdict = :verdict${turn ? ', #dueSk = :turn' : ''} REMOVE #until, #token, #checkBy`,
          ConditionExpression: '#status = :pending AND #token = :token',
          ExpressionAttributeNames: {
            '#status': U.status,
            '#verdict': attribute,
            '#until': U.checkUntil,
            '#token': U.checkToken,
            '#checkBy': U.checkBy,
            ...(turn ? { '#dueSk': IDX.due.sk } : {}),
          },
          ExpressionAttributeValues: { ':status': verdict.status, ':verdict': value, ':pending': 'pending', ':token': token, ...(turn ? { ':turn': turn } : {}) },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'stale';
      throw error;
    }
  }

  /** Gives the lease back (the bytes were not there yet): the next check may start at once. */
  async release(id: string, token: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.upload(id),
          UpdateExpression: 'REMOVE #until, #token',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#until': U.checkUntil, '#token': U.checkToken },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * The sweeper's backstop found no verdict to record (no bytes yet, or a check under way): the pending upload's turn
   * moves to `at`, conditional on the turn it read. 'moved': checked or taken meanwhile.
   */
  async putOff(id: string, seen: string, at: string): Promise<'put-off' | 'moved'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.upload(id),
          UpdateExpression: 'SET #dueSk = :turn',
          ConditionExpression: '#dueSk = :seen AND #status = :pending',
          ExpressionAttributeNames: { '#dueSk': IDX.due.sk, '#status': U.status },
          ExpressionAttributeValues: { ':turn': keys.dueOrder(at, keys.upload(id)), ':seen': seen, ':pending': 'pending' },
        }),
      );
      return 'put-off';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'moved';
      throw error;
    }
  }
}
