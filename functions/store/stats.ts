// The plan's progress counters: written inside the transaction that approves (never recomputed by a scan),
// read back with one Query of the STATS partition.
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contributionOf, type GoalId, type StatsSnapshot } from '../domain/progress.js';
import { PROVINCE } from '../domain/registry.js';
import type { Application } from '../domain/application.js';
import { partitionItems } from './partition.js';
import { ATTR, IS_NEW, keys, withoutKey, type Key } from './keys.js';
import { readPipeline, readPipelineScopes } from './pipeline.js';

const S = ATTR.stats;
import type { DocTransactItem } from './transactions.js';

/**
 * Expert identities live in this many bucket items rather than one marker each: a station may name 200
 * experts (and 20 academicians), and one marker per new expert would not fit a 100-item transaction.
 * 32 buckets keep an approval's items bounded (32 + ~20 others) and, at the plan's 20,000 experts, each
 * bucket near 625 short hashes (~13 KB, far below the 400 KB item limit).
 */
export const EXPERT_BUCKETS = 32;

export function bucketOf(identity: string): number {
  return Number.parseInt(identity.slice(0, 8), 16) % EXPERT_BUCKETS;
}

type Counted = Pick<Application, 'id' | 'type' | 'regionCode' | 'form'>;

export class StatsStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** The province's, city's and county's counts of the station's type, and their totals, moved by `delta`. */
  private countItems(contribution: ReturnType<typeof contributionOf>, delta: 1 | -1): DocTransactItem[] {
    return [PROVINCE, ...contribution.regions].map((scope) => ({
      Update: {
        TableName: this.table,
        Key: keys.statsCount(scope),
        UpdateExpression: 'ADD #total :delta, #type :delta',
        ExpressionAttributeNames: { '#total': S.total, '#type': contribution.type },
        ExpressionAttributeValues: { ':delta': delta },
      },
    }));
  }

  /**
   * The transaction items that count one approval: +1 to its type in the province, its city and its county,
   * and +n to each goal it advances. Whether a region or an expert is new is read first; the items then
   * carry conditions that fail if another approval counted the same one meanwhile (a marker appeared, a bucket
   * changed), which cancels the whole transaction for the caller to read again and retry: never counted twice.
   */
  async approvalItems(app: Counted): Promise<DocTransactItem[]> {
    const contribution = contributionOf(app);
    const goalIncrements = new Map<GoalId, number>();
    const add = (goal: GoalId, n: number) => goalIncrements.set(goal, (goalIncrements.get(goal) ?? 0) + n);
    const items = this.countItems(contribution, 1);

    const byBucket = new Map<number, string[]>();
    for (const identity of contribution.experts) byBucket.set(bucketOf(identity), [...(byBucket.get(bucketOf(identity)) ?? []), identity]);
    const coverageKeys = contribution.coverage.map(({ goal, region }) => keys.coverage(goal, region));
    const bucketKeys = [...byBucket.keys()].map((bucket) => keys.expertBucket(bucket));
    const found = await this.getMany([...coverageKeys, ...bucketKeys]);

    contribution.coverage.forEach(({ goal, region }, i) => {
      if (found.has(keyId(coverageKeys[i]))) return;
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...coverageKeys[i], [S.goal]: goal, [S.region]: region, [S.holder]: app.id },
          ConditionExpression: IS_NEW,
        },
      });
      add(goal, 1);
    });

    for (const [bucket, identities] of byBucket) {
      const key = keys.expertBucket(bucket);
      const stored = found.get(keyId(key));
      const known = (stored?.[S.ids] as Set<string> | undefined) ?? new Set<string>();
      const refs = refsOf(stored);
      for (const identity of identities) refs[identity] = (refs[identity] ?? 0) + 1;
      const fresh = identities.filter((identity) => !known.has(identity));
      items.push(bucketUpdate(this.table, key, stored, refs, fresh.length ? { add: fresh } : {}));
      if (fresh.length) add('experts', fresh.length);
    }

    for (const [goal, n] of goalIncrements) {
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.statsGoal(goal),
          UpdateExpression: 'ADD #n :n',
          ExpressionAttributeNames: { '#n': S.n },
          ExpressionAttributeValues: { ':n': n },
        },
      });
    }
    return items;
  }

  /**
   * The transaction items that take an ended certificate (revoked, expired, dissolved) out of the counts: -1 to its
   * type in the province, its city and its county, +1 to the number ended that way, the regions it alone covered
   * uncovered, and the experts no other active station names uncounted. Conditional as approvalItems are: a race
   * with another approval or ending cancels the transaction, to be read again.
   */
  async endItems(app: Counted, ended: 'REVOKED' | 'EXPIRED' | 'DISSOLVED', overdueYears = 0): Promise<DocTransactItem[]> {
    const contribution = contributionOf(app);
    const goalDecrements = new Map<GoalId, number>();
    const remove = (goal: GoalId, n: number) => goalDecrements.set(goal, (goalDecrements.get(goal) ?? 0) + n);
    const items = this.countItems(contribution, -1);
    items.push({
      Update: {
        TableName: this.table,
        Key: keys.statsEnded(),
        // Its years overdue leave the 逾期未报 count in the same write (one transaction may not update an item twice).
        UpdateExpression: overdueYears ? 'ADD #ended :one, #overdue :overdue' : 'ADD #ended :one',
        ExpressionAttributeNames: { '#ended': ended, ...(overdueYears ? { '#overdue': 'REPORTS_OVERDUE' } : {}) },
        ExpressionAttributeValues: { ':one': 1, ...(overdueYears ? { ':overdue': -overdueYears } : {}) },
      },
    });

    const byBucket = new Map<number, string[]>();
    for (const identity of contribution.experts) byBucket.set(bucketOf(identity), [...(byBucket.get(bucketOf(identity)) ?? []), identity]);
    const coverageKeys = contribution.coverage.map(({ goal, region }) => keys.coverage(goal, region));
    const bucketKeys = [...byBucket.keys()].map((bucket) => keys.expertBucket(bucket));
    const found = await this.getMany([...coverageKeys, ...bucketKeys]);

    contribution.coverage.forEach(({ goal }, i) => {
      // Only the marker this station wrote: a region covered by another station stays covered.
      if (found.get(keyId(coverageKeys[i]))?.[S.holder] !== app.id) return;
      items.push({
        Delete: {
          TableName: this.table,
          Key: coverageKeys[i],
          ConditionExpression: '#holder = :id',
          ExpressionAttributeNames: { '#holder': S.holder },
          ExpressionAttributeValues: { ':id': app.id },
        },
      });
      remove(goal, 1);
    });

    for (const [bucket, identities] of byBucket) {
      const key = keys.expertBucket(bucket);
      const stored = found.get(keyId(key));
      if (!stored) continue;
      const known = (stored[S.ids] as Set<string> | undefined) ?? new Set<string>();
      const refs = refsOf(stored);
      const gone: string[] = [];
      for (const identity of identities) {
        const left = (refs[identity] ?? 1) - 1;
        if (left > 0) refs[identity] = left;
        else {
          delete refs[identity];
          if (known.has(identity)) gone.push(identity);
        }
      }
      items.push(bucketUpdate(this.table, key, stored, refs, gone.length ? { remove: gone } : {}));
      if (gone.length) remove('experts', gone.length);
    }

    for (const [goal, n] of goalDecrements) {
      items.push({
        Update: {
          TableName: this.table,
          Key: keys.statsGoal(goal),
          UpdateExpression: 'ADD #n :n',
          ExpressionAttributeNames: { '#n': S.n },
          ExpressionAttributeValues: { ':n': -n },
        },
      });
    }
    return items;
  }

  /**
   * For a transaction: the years' annual reports overdue on active certificates (逾期未报) moved by `delta`: +1 as the
   * sweeper flags a year, -1 as that year is filed, -n as a certificate with n such years ends. On the ended item.
   */
  reportsOverdueItem(delta: number): DocTransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.statsEnded(),
        UpdateExpression: 'ADD #overdue :delta',
        ExpressionAttributeNames: { '#overdue': 'REPORTS_OVERDUE' },
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }

  /** Every counter, in one Query of the STATS partition (a few hundred small items: the province, cities, counties, goals). */
  async read(): Promise<StatsSnapshot> {
    const snapshot: StatsSnapshot = { counts: new Map(), goals: {}, ended: { REVOKED: 0, EXPIRED: 0, DISSOLVED: 0 }, reportsOverdue: 0 };
    for await (const item of partitionItems(this.db, this.table, keys.statsPk)) {
      const sk = String(item.sk);
      if (sk.startsWith(keys.statsCountPrefix)) {
        const { [S.total]: total, ...byType } = withoutKey(item);
        snapshot.counts.set(sk.slice(keys.statsCountPrefix.length), { total: Number(total ?? 0), byType: byType as Record<string, number> });
      } else if (sk === keys.statsEnded().sk) {
        const { REVOKED = 0, EXPIRED = 0, DISSOLVED = 0, REPORTS_OVERDUE = 0 } = withoutKey(item) as Record<string, number>;
        snapshot.ended = { REVOKED: Number(REVOKED), EXPIRED: Number(EXPIRED), DISSOLVED: Number(DISSOLVED) };
        snapshot.reportsOverdue = Math.max(0, Number(REPORTS_OVERDUE));
      } else if (sk.startsWith(keys.statsGoalPrefix)) {
        snapshot.goals[sk.slice(keys.statsGoalPrefix.length) as GoalId] = Number(item[S.n] ?? 0);
      }
    }
    return snapshot;
  }

  /** The approval pipeline's counters of every scope (functions/store/pipeline.ts), in one Query of their partition. */
  readPipeline(): Promise<Map<string, Record<string, number>>> {
    return readPipeline(this.db, this.table);
  }

  /** The approval pipeline's counters of `scopes` only, in one BatchGet. */
  readPipelineScopes(scopes: string[]): Promise<Map<string, Record<string, number>>> {
    return readPipelineScopes(this.db, this.table, scopes);
  }

  /** Strongly consistent BatchGet of up to 100 keys, read until nothing is left unprocessed. */
  private async getMany(wanted: Key[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Key[] = wanted;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
      if (attempt > 8) throw Object.assign(new Error('BatchGet left keys unprocessed'), { name: 'ThrottlingException' });
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.table] ?? []) found.set(keyId(item as Key), item);
      pending = (out.UnprocessedKeys?.[this.table]?.Keys as Key[] | undefined) ?? [];
    }
    return found;
  }
}

const keyId = (key: Key) => `${key.pk}\u0000${key.sk}`;

/**
 * How many active stations name each identity of a bucket. A bucket written before these counts has its identities
 * only: each counts as named once.
 */
function refsOf(stored: Record<string, unknown> | undefined): Record<string, number> {
  const refs = stored?.[S.refs] as Record<string, number> | undefined;
  if (refs) return { ...refs };
  const known = (stored?.[S.ids] as Set<string> | undefined) ?? new Set<string>();
  return Object.fromEntries([...known].map((identity) => [identity, 1]));
}

/** A bucket's new counts (and identities added or removed), conditional on the version read. */
function bucketUpdate(table: string, key: Key, stored: Record<string, unknown> | undefined, refs: Record<string, number>, ids: { add?: string[]; remove?: string[] }): DocTransactItem {
  const version = stored?.[S.version] as number | undefined;
  const clauses = ['SET #refs = :refs, #version = :next'];
  const values: Record<string, unknown> = { ':refs': refs, ':next': (version ?? 0) + 1, ...(version === undefined ? {} : { ':version': version }) };
  const names: Record<string, string> = { '#refs': S.refs, '#version': S.version };
  if (ids.add?.length) {
    clauses.push('ADD #ids :add');
    values[':add'] = new Set(ids.add);
    names['#ids'] = S.ids;
  }
  if (ids.remove?.length) {
    clauses.push('DELETE #ids :remove');
    values[':remove'] = new Set(ids.remove);
    names['#ids'] = S.ids;
  }
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: clauses.join(' '),
      ConditionExpression: version === undefined ? IS_NEW : '#version = :version',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
