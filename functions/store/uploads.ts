// Upload slots in the single table: created when a slot is given, their check's verdict written once by the check
// (store/upload-checks.ts, under a lease: one check at a time reads the bytes), and attached to an application in the transaction that records the
// application (ApplicationStore takes attachItem's items). An upload not attached when its slot ends (a day after it
// was made) is on the due index: the sweeper removes its record and its bytes (store/upload-sweep.ts);
// DynamoDB's TTL, a week later, is only the backstop for a record the sweeper never took.
import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UploadRecord } from '../domain/materials.js';
import { ATTR, TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keys } from './keys.js';
import type { Guarded } from './transactions.js';

const U = ATTR.upload;

/** How long an upload waits to be attached: then the sweeper removes it, its bytes with it. */
export const UPLOAD_TTL_SECONDS = 24 * 3600;
/** How long after that DynamoDB's TTL deletes a record the sweeper did not take (its bytes would stay: it should not happen). */
const TTL_GRACE_SECONDS = 7 * 24 * 3600;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function toItem(upload: UploadRecord): Record<string, unknown> {
  return {
    ...keys.upload(upload.id),
    id: upload.id,
    [U.org]: upload.org,
    sub: upload.sub,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    createdAt: upload.createdAt,
    ...(upload.material ? { material: upload.material } : {}),
    ...(upload.purpose ? { purpose: upload.purpose } : {}),
    [U.status]: upload.status,
    ...(upload.checked ? { [U.checked]: upload.checked } : {}),
    ...(upload.refusal ? { [U.refusal]: upload.refusal } : {}),
    ...(upload.attachedTo ? { [U.attachedTo]: upload.attachedTo } : {}),
    ...(upload.expiresAt && !upload.attachedTo
      ? {
          [U.expiresAt]: upload.expiresAt,
          [TTL_ATTRIBUTE]: epoch(upload.expiresAt) + TTL_GRACE_SECONDS,
          [ATTR.due.kind]: 'upload',
          [IDX.due.pk]: keys.due,
          // A pending upload comes due first for the check's backstop, then (checked) at its slot's end.
          [IDX.due.sk]: keys.dueOrder(upload.status === 'pending' && upload.checkBy ? upload.checkBy : upload.expiresAt, keys.upload(upload.id)),
          ...(upload.status === 'pending' && upload.checkBy ? { [U.checkBy]: upload.checkBy } : {}),
        }
      : {}),
  };
}

export function fromItem(item: Record<string, any>): UploadRecord {
  return {
    id: item.id,
    org: item[U.org],
    sub: item.sub,
    fileName: item.fileName,
    contentType: item.contentType,
    size: item.size,
    createdAt: item.createdAt,
    ...(item.material ? { material: item.material } : {}),
    ...(item.purpose ? { purpose: item.purpose } : {}),
    status: item[U.status],
    ...(item[U.checked] ? { checked: item[U.checked] } : {}),
    ...(item[U.refusal] ? { refusal: item[U.refusal] } : {}),
    ...(item[U.attachedTo] ? { attachedTo: item[U.attachedTo] } : {}),
    ...(item[U.checkBy] ? { checkBy: item[U.checkBy] } : {}),
    // Made before the sweeper removed them, a record's slot ended at its TTL.
    ...(item[U.expiresAt] ? { expiresAt: item[U.expiresAt] } : item[TTL_ATTRIBUTE] ? { expiresAt: new Date(item[TTL_ATTRIBUTE] * 1000).toISOString() } : {}),
  };
}

export type { CheckVerdict } from './upload-checks.js';

export class UploadStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async create(upload: UploadRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: toItem(upload), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  /** The upload, or undefined when there is none or it has passed its expiry (TTL deletes lag behind it by hours). */
  async get(id: string, now: Date): Promise<UploadRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.upload(id), ConsistentRead: true }));
    const upload = out.Item ? fromItem(out.Item) : undefined;
    return upload && live(upload, now) ? upload : undefined;
  }

  /** Several uploads by id, read consistently (a submission names at most a few dozen). */
  async getMany(ids: readonly string[], now: Date): Promise<Map<string, UploadRecord | undefined>> {
    const found = new Map<string, UploadRecord | undefined>(ids.map((id) => [id, undefined]));
    let wanted: Record<string, unknown>[] = [...new Set(ids)].map((id) => keys.upload(id));
    for (let round = 0; wanted.length && round < 5; round++) {
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted.slice(0, 100), ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.table] ?? []) {
        const upload = fromItem(item);
        if (live(upload, now)) found.set(upload.id, upload);
      }
      wanted = [...((out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? []), ...wanted.slice(100)];
      if (wanted.length) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
    }
    if (wanted.length) throw Object.assign(new Error('uploads: DynamoDB left keys unread'), { name: 'ProvisionedThroughputExceededException' });
    return found;
  }
}

const live = (upload: UploadRecord, now: Date) => !upload.expiresAt || Date.parse(upload.expiresAt) > now.getTime();

/** What a failed attach of `uploadId` is called in a transaction's outcome. */
export type UploadTaken = `taken:${string}`;

/**
 * The item of an application's transaction that makes an upload its material: only if the upload is ready, attached
 * nowhere yet and its slot has not ended (nor been removed by the sweeper). Of two submissions racing with one upload,
 * one wins; the other's transaction answers `taken:<uploadId>`. Once attached the upload is kept (off the due index,
 * no TTL), the record of where its bytes went.
 */
export function attachItem(
  table: string,
  attach: { uploadId: string; materialId: string } & ({ applicationId: string } | { demandId: string }),
  now: Date,
): Guarded<UploadTaken> {
  const { uploadId: _upload, ...to } = attach;
  return {
    item: {
      Update: {
        TableName: table,
        Key: keys.upload(attach.uploadId),
        UpdateExpression: 'SET #attachedTo = :to REMOVE #ttl, #expiresAt, #duePk, #dueSk, #dueKind',
        // (A record made before slots had their own end: its TTL was that end.)
        ConditionExpression:
          '#status = :ready AND attribute_not_exists(#attachedTo) AND (#expiresAt > :at OR (attribute_not_exists(#expiresAt) AND #ttl > :now))',
        ExpressionAttributeNames: {
          '#status': U.status,
          '#attachedTo': U.attachedTo,
          '#ttl': TTL_ATTRIBUTE,
          '#expiresAt': U.expiresAt,
          '#duePk': IDX.due.pk,
          '#dueSk': IDX.due.sk,
          '#dueKind': ATTR.due.kind,
        },
        ExpressionAttributeValues: {
          ':ready': 'ready',
          ':to': to,
          ':at': now.toISOString(),
          ':now': Math.floor(now.getTime() / 1000),
        },
      },
    },
    whenConditionFails: `taken:${attach.uploadId}`,
  };
}

/**
 * The item of a draft's save that keeps one of its uploads as long as the draft (store/drafts.ts): its slot's end,
 * its TTL and its turn on the due index moved to `until`, only if it is still as it was read (`seen`: its end then),
 * ready, the organisation's and attached nowhere. Racing the sweeper's removal, one wins: a retired upload is not
 * kept (`taken:<uploadId>`), a kept one is no longer at the turn the sweeper read.
 */
export function keepItem(table: string, keep: { uploadId: string; org: string; seen: string; until: string }): Guarded<UploadTaken> {
  return {
    item: {
      Update: {
        TableName: table,
        Key: keys.upload(keep.uploadId),
        UpdateExpression: 'SET #expiresAt = :until, #ttl = :ttl, #dueSk = :turn',
        ConditionExpression: '#org = :org AND #status = :ready AND attribute_not_exists(#attachedTo) AND #expiresAt = :seen',
        ExpressionAttributeNames: {
          '#org': U.org,
          '#status': U.status,
          '#attachedTo': U.attachedTo,
          '#expiresAt': U.expiresAt,
          '#ttl': TTL_ATTRIBUTE,
          '#dueSk': IDX.due.sk,
        },
        ExpressionAttributeValues: {
          ':org': keep.org,
          ':ready': 'ready',
          ':seen': keep.seen,
          ':until': keep.until,
          ':ttl': epoch(keep.until) + TTL_GRACE_SECONDS,
          ':turn': keys.dueOrder(keep.until, keys.upload(keep.uploadId)),
        },
      },
    },
    whenConditionFails: `taken:${keep.uploadId}`,
  };
}
