// The local stack in a process of its own for the benchmark (started by bench/lib.ts startServer), metered:
// state transitions (the local engine's counter), DynamoDB capacity consumed per table (ReturnConsumedCapacity
// TOTAL forced on every call, as DynamoDB Local reports it) and the record-outcome function's invocations.
import '#infra/local/polyfills.js';
import { performance } from 'node:perf_hooks';
import { freePort, startLocalStack } from '#infra/local/stack.js';

export interface ServerStats {
  transitions: number;
  /** Capacity units by table and kind; DynamoDB Local counts a transaction's items twice, as DynamoDB does. */
  capacity: Record<string, { read: number; write: number; calls: number }>;
  /** The same by table and operation (`applications-bench TransactWriteItems`). */
  byOperation: Record<string, { units: number; calls: number }>;
  recordOutcome: { invocations: number; ms: number[] };
}

const READS = new Set(['GetItem', 'Get', 'Query', 'Scan', 'BatchGetItem', 'BatchGet', 'TransactGetItems', 'TransactGet']);
const WRITES = new Set(['PutItem', 'Put', 'UpdateItem', 'Update', 'DeleteItem', 'Delete', 'BatchWriteItem', 'BatchWrite', 'TransactWriteItems', 'TransactWrite']);

const options = JSON.parse(process.env.BENCH_SERVER ?? '{}') as { dynamodbEndpoint: string; suffix: string; dataDir: string; quiet?: boolean };
const stack = await startLocalStack({
  dataDir: options.dataDir,
  port: await freePort(),
  dynamodbEndpoint: options.dynamodbEndpoint,
  reconcileEveryMs: 0,
  quiet: options.quiet ?? false,
  // Materials taken, none required: issue 8's parts submit the same bodies as ever; bench/materials.ts submits with
  // and without materials on this very stack. No request limits: one bench caller sends thousands a minute, which the
  // per-caller limit (300 a minute) would answer 429 (test/security/rate-limits.test.ts covers the limits).
  env: { TABLE_SUFFIX: options.suffix, MATERIALS: 'optional', RATE_LIMITS: 'caller=off,address=off,refused=off' },
});

type TransactInput = { TransactItems?: Record<string, { TableName?: string; Item?: unknown }>[] };

/**
 * What DynamoDB charges for a transaction (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling):
 * 2 write units per item per started KB; a Put's size from its item as sent (JSON, near its stored size), an
 * Update, Delete or ConditionCheck counted as one KB. Index (GSI) writes are not counted, here as for the other writes.
 */
function transactionUnits(input: TransactInput): { TableName: string; CapacityUnits: number }[] {
  const byTable = new Map<string, number>();
  for (const item of input.TransactItems ?? []) {
    const [kind, request] = Object.entries(item)[0] ?? [];
    if (!request?.TableName) continue;
    const bytes = kind === 'Put' ? Buffer.byteLength(JSON.stringify(request.Item ?? {})) : 1024;
    byTable.set(request.TableName, (byTable.get(request.TableName) ?? 0) + 2 * Math.max(1, Math.ceil(bytes / 1024)));
  }
  return [...byTable].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits }));
}

let stats: ServerStats = { transitions: 0, capacity: {}, byOperation: {}, recordOutcome: { invocations: 0, ms: [] } };
let transitionsAtReset = 0;

// Every DynamoDB call of the app and of the engine goes through this one client (the document client shares its stack).
stack.services.applications.db.middlewareStack.add(
  (next, context) => async (args) => {
    const operation = String(context.commandName ?? '').replace(/Command$/, '');
    const metered = READS.has(operation) || WRITES.has(operation);
    if (metered) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
    const out = await next(args);
    if (metered) {
      const reported = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      // DynamoDB Local reports 2 units for any transaction, whatever its items; DynamoDB charges 2 per item per KB.
      const consumed = operation === 'TransactWriteItems' ? transactionUnits(args.input as TransactInput) : reported;
      for (const c of [consumed].flat() as { TableName?: string; CapacityUnits?: number }[]) {
        if (!c?.TableName) continue;
        const entry = (stats.capacity[c.TableName] ??= { read: 0, write: 0, calls: 0 });
        entry[READS.has(operation) ? 'read' : 'write'] += c.CapacityUnits ?? 0;
        entry.calls += 1;
        const op = (stats.byOperation[`${c.TableName} ${operation}`] ??= { units: 0, calls: 0 });
        op.units += c.CapacityUnits ?? 0;
        op.calls += 1;
      }
    }
    return out;
  },
  { step: 'initialize', name: 'benchConsumedCapacity' },
);

// The workflow's Lambda task (record-outcome) calls recordApproval; count and time its invocations.
const registry = stack.services.registry;
const recordApproval = registry.recordApproval.bind(registry);
registry.recordApproval = async (...args: Parameters<typeof recordApproval>) => {
  const started = performance.now();
  try {
    return await recordApproval(...args);
  } finally {
    stats.recordOutcome.invocations += 1;
    stats.recordOutcome.ms.push(performance.now() - started);
  }
};

process.on('message', async (message: { type: string; id: number }) => {
  switch (message.type) {
    case 'stats':
      process.send!({ id: message.id, value: { ...stats, transitions: stack.engine.transitions - transitionsAtReset } });
      break;
    case 'reset':
      stats = { transitions: 0, capacity: {}, byOperation: {}, recordOutcome: { invocations: 0, ms: [] } };
      transitionsAtReset = stack.engine.transitions;
      process.send!({ id: message.id, value: null });
      break;
    case 'stop':
      await stack.stop();
      process.exit(0);
  }
});

// The bench ended without stopping this server (killed, or failed): stop with it, Java included.
process.once('disconnect', () => void stack.stop().finally(() => process.exit(0)));

process.send!({ type: 'ready', url: stack.url, table: stack.services.applications.table, s3: { endpoint: stack.s3.endpoint, bucket: stack.s3.bucket, credentials: stack.s3.credentials } });
