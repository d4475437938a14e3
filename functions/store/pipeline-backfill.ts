// A one-time change of stored data: applications in progress from before the approval pipeline are counted in it (and
// those past their soft limit counted overdue). Run by the local stack at start (infra/local/stack.ts); deployed, once
// by hand (README). Apart from the stores, so that no function's bundle carries it.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApplicationRecord } from '../domain/application.js';
import { pipelineCounter, pipelineDelta } from '../domain/pipeline.js';
import { fromItem } from './applications.js';
import { ATTR, TABLE_INDEXES as IDX, keys } from './keys.js';
import { pipelineItems } from './pipeline.js';
import { waitTimerOf } from './notifications.js';
import { onceFor } from './migration.js';
import { queryItems } from './partition.js';
import { transact } from './transactions.js';

const A = ATTR.application;

/**
 * Counts every application awaiting an office or its applicant that the pipeline has not counted (once per table: a
 * marker says it ran). Reads the byStatus index's PENDING and RETURNED partitions, Queries, never a Scan. Each is
 * counted in one transaction with its mark, conditional on the version read and on not being counted yet: an
 * application changed meanwhile was counted by its change (which counts an uncounted one where it goes), never twice.
 * A task already past its soft limit, its overdue notice sent before the pipeline, is counted overdue with its mark
 * (the overdue timer's own condition refuses a second). Answers how many it counted.
 */
export function backfillPipeline(db: DynamoDBDocumentClient, table: string, now: Date): Promise<number> {
  return onceFor(
    db,
    table,
    'pipeline',
    async () => {
      let counted = 0;
      for (const status of ['PENDING', 'RETURNED'] as const) {
        const waiting = queryItems(db, {
          TableName: table,
          IndexName: IDX.byStatus.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': IDX.byStatus.pk },
          ExpressionAttributeValues: { ':pk': keys.regionStatus(status) },
        });
        for await (const item of waiting) {
          if (item[A.pipelineCounted]) continue;
          if (await countOne(db, table, fromItem(item), now)) counted += 1;
        }
      }
      return counted;
    },
    now,
  );
}

/** Whether the wait's timer still holds its overdue notice: then the timer counts the task overdue when it fires. */
async function overdueToCome(db: DynamoDBDocumentClient, table: string, app: ApplicationRecord): Promise<boolean> {
  const out = await db.send(new GetCommand({ TableName: table, Key: keys.waitTimer(app.id), ConsistentRead: true }));
  if (!out.Item) return false;
  const timer = waitTimerOf(out.Item);
  return timer.round === app.updatedAt && timer.steps.some((step) => step.kind === 'overdue');
}

async function countOne(db: DynamoDBDocumentClient, table: string, read: ApplicationRecord, now: Date): Promise<boolean> {
  let app: ApplicationRecord | undefined = read;
  // The index lags the table: a version gone by is read again (consistently) and tried once more, a few times.
  for (let attempt = 0; attempt < 5 && app?.uncounted; attempt++) {
    const overdue = app.status === 'PENDING' && !app.awaitingRecord && !app.overdueLevel && !!app.task && app.task.dueAt <= now.toISOString() && !(await overdueToCome(db, table, app));
    const delta = pipelineDelta(null, app);
    if (overdue) delta[pipelineCounter.overdue(app.currentLevel)] = 1;
    const outcome = await transact(db, [
      {
        item: {
          Update: {
            TableName: table,
            Key: keys.application(app.id),
            UpdateExpression: overdue ? 'SET #counted = :true, #overdueLevel = :level' : 'SET #counted = :true',
            ConditionExpression: `#version = :version AND attribute_not_exists(#counted)${overdue ? ' AND attribute_not_exists(#overdueLevel)' : ''}`,
            ExpressionAttributeNames: { '#version': A.version, '#counted': A.pipelineCounted, ...(overdue ? { '#overdueLevel': A.overdueLevel } : {}) },
            ExpressionAttributeValues: { ':version': app.version, ':true': true, ...(overdue ? { ':level': app.currentLevel } : {}) },
          },
        },
        whenConditionFails: 'moved' as const,
      },
      ...pipelineItems(table, app.regionCode, delta).map((item) => ({ item })),
    ]);
    if (outcome === 'written') return true;
    const again: { Item?: Record<string, unknown> } = await db.send(new GetCommand({ TableName: table, Key: keys.application(app.id), ConsistentRead: true }));
    app = again.Item ? fromItem(again.Item) : undefined;
    if (app && app.status !== 'PENDING' && app.status !== 'RETURNED') return false;
  }
  return false;
}
