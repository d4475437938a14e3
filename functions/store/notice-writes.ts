// The items a change writes in its own transaction beside itself: its notices and the timer of the wait it starts
// (or the removal of the last one). Apart from the rest of the notifications' store, so that a function that only
// records changes (the workflow's task) carries these few builders and not the centre's reads or the sweeper's work.
import type { DecidingLevel } from '../domain/chain.js';
import type { Notification, TimedStep, WaitKind } from '../domain/notifications.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ATTR, IS_NEW, TABLE_INDEXES as IDX, TTL_ATTRIBUTE, keys, type Key } from './keys.js';
import type { DocTransactItem } from './transactions.js';

const DAY_S = 86_400;
/** Notices are kept two years. */
const NOTICE_TTL_S = 730 * DAY_S;
export const epoch = (at: string, ttl: number) => Math.floor(Date.parse(at) / 1000) + ttl;

/** What is on the due index, by the handler that takes it. */
export type DueKind = 'wait' | 'fanout' | 'delivery' | 'term' | 'report';

/** The timer of an application's current wait. `round`: the time of the change that started it (its `updatedAt`). */
export interface WaitTimer {
  applicationId: string;
  wait: WaitKind;
  level: DecidingLevel;
  round: string;
  dueAt: string;
  expiresAt: string;
  steps: TimedStep[];
}

export class NoticeWrites {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** A notice; `fanOut`: it also goes to the recipient's channels (the sweeper hands it on, after the commit). */
  noticeItem(notice: Notification, fanOut: boolean): DocTransactItem {
    const key = keys.notification(notice.recipient, notice.id);
    return {
      Put: {
        TableName: this.table,
        Item: {
          ...key,
          ...notice,
          [TTL_ATTRIBUTE]: epoch(notice.at, NOTICE_TTL_S),
          ...(fanOut ? this.dueAttributes('fanout', notice.at, key) : {}),
        },
        ConditionExpression: IS_NEW,
      },
    };
  }

  /** The application's wait timer: replaces the previous wait's; a wait with nothing timed clears it. */
  waitTimerItem(timer: WaitTimer): DocTransactItem {
    const key = keys.waitTimer(timer.applicationId);
    if (!timer.steps.length) return this.clearWaitTimerItem(timer.applicationId);
    const next = timer.steps[0];
    return {
      Put: {
        TableName: this.table,
        Item: { ...key, ...timer, ...this.dueAttributes('wait', next.at, key, `${timer.round}#${next.kind}`) },
      },
    };
  }

  /** The change ends the wait (a rejection, a withdrawal, an expiry, the last approval): its timed notices go. */
  clearWaitTimerItem(applicationId: string): DocTransactItem {
    return { Delete: { TableName: this.table, Key: keys.waitTimer(applicationId) } };
  }

  /** An item's place on the due index: taken by the sweeper's handler for `kind` from `at`. */
  protected dueAttributes(kind: DueKind, at: string, key: Key, turn = '') {
    return { [ATTR.due.kind]: kind, [IDX.due.pk]: keys.due, [IDX.due.sk]: keys.dueOrder(at, key, turn) };
  }
}
