// The one place that reads DynamoDB's answers to conditional writes: a transaction's cancellation reasons become the
// name of the condition that failed, in the caller's terms ('duplicate', 'stale', …), and a single write's refusal is
// recognised by one test. No caller decodes the index of a failed item.
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type DocTransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** An item of a transaction, and what it means when its condition fails (unnamed: a failure there is unexpected). */
export interface Guarded<Outcome extends string> {
  item: DocTransactItem;
  whenConditionFails?: Outcome;
}

/**
 * Writes every item or none. Answers 'written', the name of the first item whose condition failed, or 'contended'
 * when another transaction held one of the items (DynamoDB's TransactionConflict: read again and retry). A condition
 * that fails on an item given no name, and any other error, is thrown.
 */
export async function transact<Outcome extends string>(
  db: DynamoDBDocumentClient,
  items: Guarded<Outcome>[],
): Promise<'written' | 'contended' | Outcome> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items.map((guarded) => guarded.item) }));
    return 'written';
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
    const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
    if (failed >= 0) {
      const outcome = items[failed]?.whenConditionFails;
      if (outcome) return outcome;
      throw error;
    }
    if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'contended';
    throw error;
  }
}

/** Whether a single conditional write (Put, Update, Delete) was refused by its condition. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
