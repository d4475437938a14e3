// A one-time change of stored data: needs published before the demand library's clock (a need's wait for its first
// response, DEMAND#<id> / AGING on the due index) get their wait, so that the sweeper flags those left unanswered. Run
// by the local stack at start (infra/local/stack.ts); deployed, once by hand (README). Apart from the library's store,
// so that no function's bundle carries it.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { PROVINCE } from '../domain/region-codes.js';
import type { Demand } from '../domain/demand.js';
import type { DemandStore } from './demands.js';
import { keys } from './keys.js';
import { onceFor } from './migration.js';
import { queryItems } from './partition.js';
import { isConditionalCheckFailed } from './transactions.js';

/**
 * Gives every published need without a response, not yet flagged, its wait, due `dueOf(postedAt)` (once per table: a
 * marker says it ran). Reads the province's list of published needs, a Query of one partition, never a Scan; each
 * candidate is read again by key, and its wait written only if it has none (a need posted since has its own). A first
 * response arriving meanwhile deletes nothing there is, and the sweeper then lets that wait go (flagUnansweredDemand).
 * Answers how many it gave.
 */
export function backfillDemandAging(demands: DemandStore, dueOf: (postedAt: Date) => Date): Promise<number> {
  const { db, table } = demands;
  return onceFor(db, table, 'demand-aging', async () => {
    let given = 0;
    const published = queryItems(db, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.demandListScope({ status: 'PUBLISHED', region: PROVINCE }) } });
    for await (const entry of published as AsyncGenerator<Partial<Demand>>) {
      if (!entry.id || entry.responseCount || entry.overdueAt) continue;
      const demand = await demands.get(entry.id);
      if (!demand || demand.status !== 'PUBLISHED' || demand.responseCount > 0 || demand.overdueAt) continue;
      const wait = demands.agingItem(demand, dueOf(new Date(demand.postedAt)).toISOString()).Put!;
      try {
        await db.send(new PutCommand({ ...wait, ConditionExpression: 'attribute_not_exists(pk)' }));
        given += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return given;
  });
}
