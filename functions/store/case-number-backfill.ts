// A one-time change of stored data: applications from before case numbers get theirs and their search index entries.
// Run by the local stack at start (infra/local/stack.ts); deployed, once by hand (README). Apart from the lists, so
// that no function's bundle carries it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newCaseNumber } from '../domain/case-number.js';
import { searchTextOf } from '../domain/search-text.js';
import { caseNumberItem, searchItems } from './application-lists.js';
import { fromItem } from './applications.js';
import { ATTR, IS_NEW, TABLE_INDEXES as IDX, keys } from './keys.js';
import { onceFor } from './migration.js';
import { queryItems } from './partition.js';
import { transact } from './transactions.js';

const A = ATTR.application;

/**
 * Gives every application stored before case numbers its number and its search index entries (once per table: a
 * marker says it ran). Reads the byRegion index, a Query of its one partition, never a Scan. Answers how many it gave.
 */
export function backfillCaseNumbers(db: DynamoDBDocumentClient, table: string): Promise<number> {
  return onceFor(db, table, 'case-numbers', async () => {
    let given = 0;
    const applications = queryItems(db, {
      TableName: table,
      IndexName: IDX.byRegion.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': IDX.byRegion.pk },
      ExpressionAttributeValues: { ':pk': keys.regionAll },
    });
    for await (const item of applications) {
      if (item[A.caseNo]) continue;
      const app = fromItem(item);
      for (let draw = 0; draw < 5; draw++) {
        const numbered = { ...app, caseNo: newCaseNumber(new Date(app.submittedAt)) };
        const outcome = await transact(db, [
          {
            item: {
              Update: {
                TableName: table,
                Key: keys.application(app.id),
                UpdateExpression: 'SET #caseNo = :caseNo, #text = :text',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#caseNo)',
                ExpressionAttributeNames: { '#caseNo': A.caseNo, '#text': A.searchText },
                ExpressionAttributeValues: { ':caseNo': numbered.caseNo, ':text': searchTextOf(numbered) },
              },
            },
            whenConditionFails: 'numbered' as const,
          },
          { item: { Put: { TableName: table, Item: caseNumberItem(numbered), ConditionExpression: IS_NEW } }, whenConditionFails: 'caseTaken' as const },
          ...searchItems(numbered).map((Item) => ({ item: { Put: { TableName: table, Item } } })),
        ]);
        if (outcome === 'written') given += 1;
        if (outcome !== 'caseTaken' && outcome !== 'contended') break;
      }
    }
    return given;
  });
}

