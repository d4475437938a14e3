// Notices, each user's read state, the timers of waits, deliveries and the offices' channels in the single table.
// A notice is written in the same transaction as the change that causes it (the items are built in notice-writes.ts,
// written by store/applications.ts and store/registry.ts); reading and marking them read, and the due work the
// sweeper does, are here.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification, NotificationKind, Recipient, RobotPlatform, TimedStep } from '../domain/notifications.js';
import { ATTR, IS_NEW, KEY_CONDITION, TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keys, type Key } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './cursor.js';
import type { PageRequest } from './applications.js';
import { isConditionalCheckFailed, transact, type DocTransactItem, type Guarded } from './transactions.js';
import { NoticeWrites, epoch, type DueKind, type WaitTimer } from './notice-writes.js';

const DAY_S = 86_400;
/** Sent deliveries are kept a month; failed ones, for the administrators, three months (notices: notice-writes.ts). */
const SENT_TTL_S = 30 * DAY_S;
const FAILED_TTL_S = 90 * DAY_S;
/** The unread count is exact up to this; beyond it the pages show 99+. */
export const UNREAD_COUNT_LIMIT = 100;
/** Ids read one by one after the watermark are folded into it once this many are kept. */
const READ_SET_COMPACT_AT = 50;

const R = ATTR.readState;
const T = ATTR.timer;
const D = ATTR.delivery;

export type { DueKind, WaitTimer } from './notice-writes.js';

export interface DueItem {
  kind: DueKind | string;
  key: Key;
  /** The due sort key as read: the condition of whatever the sweeper does with the item. */
  seen: string;
  item: Record<string, any>;
}

export type Channel = 'email' | 'robot';

export interface Delivery {
  key: Key;
  notificationId: string;
  recipient: Recipient;
  applicationId: string;
  kind: NotificationKind;
  title: string;
  channel: Channel;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
  lastError?: string;
}

/** A delivery that failed after its last attempt, as administrators list them. */
export type FailedDelivery = Pick<Delivery, 'notificationId' | 'recipient' | 'applicationId' | 'kind' | 'title' | 'channel' | 'attempts'> & {
  lastError: string;
  failedAt: string;
};

export interface ChannelSettings {
  emails: string[];
  robot: { platform: RobotPlatform; url: string; secret?: string } | null;
  updatedAt: string;
  updatedBy: string;
}

export interface ReadState {
  watermark: string;
  read: Set<string>;
}

export type ListedNotification = Notification & { read: boolean };

function noticeOf(item: Record<string, any>): Notification {
  return {
    id: item.id,
    at: item.at,
    recipient: item.recipient,
    kind: item.kind,
    ...(item.applicationId ? { applicationId: item.applicationId } : {}),
    ...(item.demandId ? { demandId: item.demandId } : {}),
    title: item.title,
    body: item.body,
  };
}

const isRead = (state: ReadState, id: string) => id <= state.watermark || state.read.has(id);

/** The notices' reads and the sweeper's due work, beside the items a change writes (NoticeWrites). */
export class NotificationStore extends NoticeWrites {
  // --- the notification centre --------------------------------------------------------------------------------

  async readState(sub: string, recipient: Recipient): Promise<ReadState> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.readState(sub, recipient), ConsistentRead: true }));
    return { watermark: (out.Item?.[R.watermark] as string | undefined) ?? '', read: new Set((out.Item?.[R.read] as Set<string> | undefined) ?? []) };
  }

  async get(recipient: Recipient, id: string): Promise<Notification | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.notification(recipient, id) }));
    return out.Item ? noticeOf(out.Item) : undefined;
  }

  /** A recipient's notices, newest first, with this user's read marks; `unreadOnly`: those after the watermark not read since. */
  async list(recipient: Recipient, state: ReadState, page: PageRequest, unreadOnly: boolean): Promise<Page<ListedNotification>> {
    const items: ListedNotification[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(page.cursor);
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: unreadOnly && state.watermark ? KEY_CONDITION.sortKeyAfter : KEY_CONDITION.partition,
          ExpressionAttributeValues: { ':pk': keys.notificationsPk(recipient), ...(unreadOnly && state.watermark ? { ':after': state.watermark } : {}) },
          ScanIndexForward: false,
          Limit: page.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const read = isRead(state, item.id);
        if (!(unreadOnly && read)) items.push({ ...noticeOf(item), read });
      }
      start = out.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    return { items, cursor: encodeCursor(start) };
  }

  /**
   * Unread notices, exact up to UNREAD_COUNT_LIMIT: one bounded COUNT Query of the notices after the watermark, less
   * those read one by one since (each of them is after the watermark, so the bound is the limit plus their number).
   */
  async countUnread(recipient: Recipient, state: ReadState): Promise<number> {
    const bound = UNREAD_COUNT_LIMIT + state.read.size;
    let counted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: state.watermark ? KEY_CONDITION.sortKeyAfter : KEY_CONDITION.partition,
          ExpressionAttributeValues: { ':pk': keys.notificationsPk(recipient), ...(state.watermark ? { ':after': state.watermark } : {}) },
          Select: 'COUNT',
          Limit: bound - counted,
          ExclusiveStartKey: start,
        }),
      );
      counted += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start && counted < bound);
    return Math.min(UNREAD_COUNT_LIMIT, Math.max(0, counted - state.read.size));
  }

  /** Marks one notice read for this user (nothing to do when the watermark is past it), then folds the read ids in. */
  async markRead(sub: string, recipient: Recipient, id: string): Promise<void> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.readState(sub, recipient),
          UpdateExpression: 'ADD #read :id',
          ConditionExpression: 'attribute_not_exists(#watermark) OR #watermark < :one',
          ExpressionAttributeNames: { '#read': R.read, '#watermark': R.watermark },
          ExpressionAttributeValues: { ':id': new Set([id]), ':one': id },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const read = (out.Attributes?.[R.read] as Set<string> | undefined) ?? new Set<string>();
      if (read.size >= READ_SET_COMPACT_AT) await this.compact(sub, recipient, { watermark: (out.Attributes?.[R.watermark] as string | undefined) ?? '', read });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * Moves the watermark over the oldest notices after it that were read one by one, and forgets their ids: the set
   * stays as small as the reading habits allow (an unread old notice holds it back).
   */
  private async compact(sub: string, recipient: Recipient, state: ReadState): Promise<void> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: state.watermark ? KEY_CONDITION.sortKeyAfter : KEY_CONDITION.partition,
        ExpressionAttributeValues: { ':pk': keys.notificationsPk(recipient), ...(state.watermark ? { ':after': state.watermark } : {}) },
        ProjectionExpression: 'sk',
        ScanIndexForward: true,
        Limit: state.read.size,
      }),
    );
    const folded: string[] = [];
    for (const item of out.Items ?? []) {
      if (!state.read.has(item.sk)) break;
      folded.push(item.sk);
    }
    if (!folded.length) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.readState(sub, recipient),
          UpdateExpression: 'SET #watermark = :watermark DELETE #read :folded',
          ConditionExpression: state.watermark ? '#watermark = :was' : 'attribute_not_exists(#watermark)',
          ExpressionAttributeNames: { '#read': R.read, '#watermark': R.watermark },
          ExpressionAttributeValues: { ':watermark': folded.at(-1), ':folded': new Set(folded), ...(state.watermark ? { ':was': state.watermark } : {}) },
        }),
      );
    } catch (error) {
      // Read-all or another compaction moved the watermark meanwhile: this one is not needed.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Everything the recipient has now is read for this user: the watermark moves to its newest notice. */
  async markAllRead(sub: string, recipient: Recipient): Promise<void> {
    const newest = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: KEY_CONDITION.partition,
        ExpressionAttributeValues: { ':pk': keys.notificationsPk(recipient) },
        ProjectionExpression: 'sk',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const watermark = newest.Items?.[0]?.sk as string | undefined;
    if (!watermark) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.readState(sub, recipient),
          UpdateExpression: 'SET #watermark = :watermark REMOVE #read',
          ConditionExpression: 'attribute_not_exists(#watermark) OR #watermark < :watermark',
          ExpressionAttributeNames: { '#read': R.read, '#watermark': R.watermark },
          ExpressionAttributeValues: { ':watermark': watermark },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  // --- due work (functions/services/sweep.ts) --------------------------------------------------------------------

  /** What is due at `now` or before, soonest first: one Query of the due index. */
  async due(now: string, limit: number): Promise<DueItem[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: IDX.due.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :now',
        ExpressionAttributeNames: { '#pk': IDX.due.pk, '#sk': IDX.due.sk },
        ExpressionAttributeValues: { ':pk': keys.due, ':now': keys.dueBefore(now) },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({ kind: item[ATTR.due.kind], key: { pk: item.pk, sk: item.sk }, seen: item[IDX.due.sk], item }));
  }

  /**
   * The item as the table holds it now, if it is still at the turn the index showed (the index is eventually
   * consistent: the sweeper acts on what the table holds).
   */
  async atTurn(due: DueItem): Promise<Record<string, any> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: due.key, ConsistentRead: true }));
    return out.Item?.[IDX.due.sk] === due.seen ? out.Item : undefined;
  }

  /** A condition that the item is still at the due turn the sweeper read. */
  private onTurn(key: Key, seen: string) {
    return {
      Key: key,
      ConditionExpression: '#dueSk = :seen',
      ExpressionAttributeNames: { '#dueSk': IDX.due.sk },
      ExpressionAttributeValues: { ':seen': seen },
    };
  }

  /**
   * A wait's timed notice: the notices and the timer moved to its next step (or gone after the last), all or nothing,
   * while the application is still in that wait (`stillWaiting`, a ConditionCheck the caller builds). 'moved': the
   * application moved on, or another sweeper took this turn first; nothing was written.
   */
  async fireTimer(due: DueItem, stillWaiting: DocTransactItem, notices: DocTransactItem[], rest: TimedStep[]): Promise<'fired' | 'moved' | 'contended'> {
    const next = rest[0];
    const timer: DocTransactItem = next
      ? {
          Update: {
            TableName: this.table,
            ...this.onTurn(due.key, due.seen),
            UpdateExpression: 'SET #steps = :steps, #dueSk = :next',
            ExpressionAttributeNames: { '#dueSk': IDX.due.sk, '#steps': T.steps },
            ExpressionAttributeValues: { ':seen': due.seen, ':steps': rest, ':next': keys.dueOrder(next.at, due.key, `${due.item[T.round]}#${next.kind}`) },
          },
        }
      : { Delete: { TableName: this.table, ...this.onTurn(due.key, due.seen) } };
    const outcome = await transact<'moved'>(this.db, [
      { item: timer, whenConditionFails: 'moved' },
      { item: stillWaiting, whenConditionFails: 'moved' },
      ...notices.map((item) => ({ item })),
    ]);
    return outcome === 'written' ? 'fired' : outcome;
  }

  /** The timer of a wait the application has left: deleted, unless it was replaced meanwhile. */
  async dropTimer(due: DueItem): Promise<void> {
    await this.removeAtTurn(due, 'delete');
  }

  /**
   * A notice handed to its channels: a delivery per channel, and the notice off the due index, all or nothing. Another
   * sweeper that took it first wins ('taken'); a notice with no channel is only taken off.
   */
  async fanOut(due: DueItem, deliveries: Omit<Delivery, 'key' | 'status' | 'attempts'>[]): Promise<'handed' | 'taken' | 'contended'> {
    const items: Guarded<'taken'>[] = [
      {
        item: {
          Update: {
            TableName: this.table,
            ...this.onTurn(due.key, due.seen),
            UpdateExpression: 'REMOVE #duePk, #dueSk, #dueKind',
            ExpressionAttributeNames: { '#duePk': IDX.due.pk, '#dueSk': IDX.due.sk, '#dueKind': ATTR.due.kind },
          },
        },
        whenConditionFails: 'taken',
      },
      ...deliveries.map((delivery) => {
        const key = keys.delivery(delivery.notificationId, delivery.channel);
        return {
          item: {
            Put: {
              TableName: this.table,
              Item: { ...key, ...delivery, [D.status]: 'pending', [D.attempts]: 0, ...this.dueAttributes('delivery', delivery.createdAt, key, '0') },
              ConditionExpression: IS_NEW,
            },
          },
          whenConditionFails: 'taken' as const,
        };
      }),
    ];
    const outcome = await transact(this.db, items);
    return outcome === 'written' ? 'handed' : outcome;
  }

  /**
   * Claims a delivery for one attempt: it is this sender's until `leaseUntil`, when it comes due again if the sender
   * never said how it went (a crash). Answers the attempt's number (the fencing number of what follows), or undefined
   * when another sender holds it or it was settled.
   */
  async claim(due: DueItem, leaseUntil: string): Promise<number | undefined> {
    const attempt = Number(due.item[D.attempts] ?? 0) + 1;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          ...this.onTurn(due.key, due.seen),
          UpdateExpression: 'SET #status = :sending, #attempts = :attempt, #lease = :lease, #dueSk = :next',
          ExpressionAttributeNames: { '#dueSk': IDX.due.sk, '#status': D.status, '#attempts': D.attempts, '#lease': D.leaseUntil },
          ExpressionAttributeValues: { ':seen': due.seen, ':sending': 'sending', ':attempt': attempt, ':lease': leaseUntil, ':next': keys.dueOrder(leaseUntil, due.key, String(attempt)) },
        }),
      );
      return attempt;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** The attempt `attempt` was sent: off the due index for good. */
  async sent(key: Key, attempt: number, at: string, messageId?: string): Promise<void> {
    await this.settle(key, attempt, 'SET #status = :sent, #sentAt = :at, #ttl = :ttl' + (messageId ? ', #messageId = :messageId' : '') + ' REMOVE #duePk, #dueSk, #dueKind, #lease', {
      ':sent': 'sent',
      ':at': at,
      ':ttl': epoch(at, SENT_TTL_S),
      ...(messageId ? { ':messageId': messageId } : {}),
    }, { '#sentAt': 'sentAt', '#ttl': TTL_ATTRIBUTE, ...(messageId ? { '#messageId': 'messageId' } : {}), '#duePk': IDX.due.pk, '#dueSk': IDX.due.sk, '#dueKind': ATTR.due.kind, '#lease': D.leaseUntil });
  }

  /** The attempt failed: due again at `retryAt`. */
  async retryLater(key: Key, attempt: number, error: string, retryAt: string): Promise<void> {
    await this.settle(key, attempt, 'SET #status = :pending, #lastError = :error, #dueSk = :next REMOVE #lease', {
      ':pending': 'pending',
      ':error': error,
      ':next': keys.dueOrder(retryAt, key, `${attempt}r`),
    }, { '#lastError': 'lastError', '#dueSk': IDX.due.sk, '#lease': D.leaseUntil });
  }

  /** The last attempt failed: the delivery is `failed` and listed for the administrators, in one transaction. */
  async failed(delivery: Delivery, attempt: number, error: string, at: string): Promise<void> {
    const failed: FailedDelivery = {
      notificationId: delivery.notificationId,
      recipient: delivery.recipient,
      applicationId: delivery.applicationId,
      kind: delivery.kind,
      title: delivery.title,
      channel: delivery.channel,
      attempts: attempt,
      lastError: error,
      failedAt: at,
    };
    await transact(this.db, [
      {
        item: {
          Update: {
            TableName: this.table,
            Key: delivery.key,
            UpdateExpression: 'SET #status = :failed, #lastError = :error, #failedAt = :at REMOVE #duePk, #dueSk, #dueKind, #lease',
            ConditionExpression: '#attempts = :attempt AND #status = :sending',
            ExpressionAttributeNames: { '#status': D.status, '#attempts': D.attempts, '#lastError': 'lastError', '#failedAt': 'failedAt', '#duePk': IDX.due.pk, '#dueSk': IDX.due.sk, '#dueKind': ATTR.due.kind, '#lease': D.leaseUntil },
            ExpressionAttributeValues: { ':failed': 'failed', ':error': error, ':at': at, ':attempt': attempt, ':sending': 'sending' },
          },
        },
        // Another sender's later attempt settled it: that one's word stands.
        whenConditionFails: 'superseded',
      },
      { item: { Put: { TableName: this.table, Item: { ...keys.failedDelivery(at, delivery.notificationId, delivery.channel), ...failed, [TTL_ATTRIBUTE]: epoch(at, FAILED_TTL_S) } } } },
    ]);
  }

  private async settle(key: Key, attempt: number, update: string, values: Record<string, unknown>, names: Record<string, string>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: update,
          // Only the attempt that holds it settles it: a sender whose lease ran out and was overtaken says nothing.
          ConditionExpression: '#attempts = :attempt AND #status = :sending',
          // The condition's names, and the update's as its caller names them: DynamoDB refuses a name the request does not use.
          ExpressionAttributeNames: { '#status': D.status, '#attempts': D.attempts, ...names },
          ExpressionAttributeValues: { ':attempt': attempt, ':sending': 'sending', ...values },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Something on the due index that nothing takes any more: off it. */
  async removeAtTurn(due: DueItem, how: 'delete' | 'unlist'): Promise<void> {
    try {
      await this.db.send(
        how === 'delete'
          ? new DeleteCommand({ TableName: this.table, ...this.onTurn(due.key, due.seen) })
          : new UpdateCommand({
              TableName: this.table,
              ...this.onTurn(due.key, due.seen),
              UpdateExpression: 'REMOVE #duePk, #dueSk, #dueKind',
              ExpressionAttributeNames: { '#duePk': IDX.due.pk, '#dueSk': IDX.due.sk, '#dueKind': ATTR.due.kind },
            }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Deliveries that failed for good, newest first. */
  async listFailed(page: PageRequest): Promise<Page<FailedDelivery>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: KEY_CONDITION.partition,
        ExpressionAttributeValues: { ':pk': keys.failedDeliveriesPk },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor),
      }),
    );
    const items = (out.Items ?? []).map(({ pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, ...rest }) => rest as FailedDelivery);
    return { items, cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  // --- an office's channels -----------------------------------------------------------------------------------

  async channels(recipient: Recipient): Promise<ChannelSettings | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.channels(recipient), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...settings } = out.Item;
    return settings as ChannelSettings;
  }

  async setChannels(recipient: Recipient, settings: ChannelSettings): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.channels(recipient), ...settings } }));
  }
}

/** A delivery as the store holds it, from a due item's attributes. */
export function deliveryOf(key: Key, item: Record<string, any>): Delivery {
  return {
    key,
    notificationId: item.notificationId,
    recipient: item.recipient,
    applicationId: item.applicationId,
    kind: item.kind,
    title: item.title,
    channel: item.channel,
    status: item[D.status],
    attempts: Number(item[D.attempts] ?? 0),
    createdAt: item.createdAt,
    lastError: item.lastError,
  };
}

/** A wait timer, from its item. */
export function waitTimerOf(item: Record<string, any>): WaitTimer {
  return {
    applicationId: item.applicationId,
    wait: item.wait,
    level: item.level,
    round: item[T.round],
    dueAt: item.dueAt,
    expiresAt: item.expiresAt,
    steps: item[T.steps] ?? [],
  };
}
