// DynamoDB Local's SQLite file in WAL mode: a new data directory starts in it, an older one is switched, a file with
// a crash's journal is left for SQLite to roll back first, and a write that answered survives SIGKILL.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { emptyWalDatabase, startDynamo, useWriteAheadLog, type LocalDynamo } from '#infra/local/dynamodb.js';
import { freePort } from '#infra/local/stack.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-kexie-wal-'));
  dirs.push(dir);
  return dir;
};
let dynamo: LocalDynamo | undefined;
afterAll(async () => {
  await dynamo?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Bytes 18 and 19 of a SQLite header: 1, 1 in rollback-journal mode, 2, 2 in WAL mode. */
const modeOf = (file: string) => [...readFileSync(file).subarray(18, 20)];

/** A database in rollback mode as DynamoDB Local used to leave it: the empty one with its header's mode set to 1. */
const rollbackDatabase = () => {
  const page = emptyWalDatabase();
  page[18] = 1;
  page[19] = 1;
  return page;
};

describe('the SQLite file of DynamoDB Local', () => {
  it('is written empty in WAL mode when there is none yet', () => {
    // Prepare
    const file = join(tempDir(), 'shared-local-instance.db');
    // Act
    useWriteAheadLog(file);
    // Assess
    const bytes = readFileSync(file);
    expect(bytes.toString('latin1', 0, 16)).toBe('SQLite format 3\0');
    expect(bytes.length).toBe(4096);
    expect(bytes.readUInt16BE(16)).toBe(4096);
    expect(modeOf(file)).toEqual([2, 2]);
  });

  it('is switched to WAL mode when an earlier start left it in rollback mode', () => {
    const file = join(tempDir(), 'shared-local-instance.db');
    writeFileSync(file, rollbackDatabase());
    useWriteAheadLog(file);
    expect(modeOf(file)).toEqual([2, 2]);
  });

  it('is left alone while a crash’s journal waits to be rolled back', () => {
    const file = join(tempDir(), 'shared-local-instance.db');
    writeFileSync(file, rollbackDatabase());
    writeFileSync(`${file}-journal`, 'a hot journal');
    useWriteAheadLog(file);
    expect(modeOf(file)).toEqual([1, 1]);
  });

  it('is refused when it is not a SQLite database', () => {
    const file = join(tempDir(), 'shared-local-instance.db');
    writeFileSync(file, 'not a database at all, but long enough');
    expect(() => useWriteAheadLog(file)).toThrow(/not a SQLite database/);
  });

  it('keeps DynamoDB Local in WAL mode, and a write that answered survives SIGKILL', async () => {
    // Prepare: DynamoDB Local on a new data directory
    const dataDir = tempDir();
    const port = await freePort();
    dynamo = await startDynamo(dataDir, port);
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await client.send(
      new CreateTableCommand({
        TableName: 'wal',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: 'wal' });
    // Act: one write, then DynamoDB Local killed without a chance to checkpoint
    await client.send(new PutItemCommand({ TableName: 'wal', Item: { pk: { S: 'kept' } } }));
    const file = join(dataDir, 'dynamodb', 'shared-local-instance.db');
    expect(existsSync(`${file}-wal`)).toBe(true);
    dynamo.process.kill('SIGKILL');
    await new Promise((done) => dynamo!.process.once('exit', done));
    client.destroy();
    dynamo = await startDynamo(dataDir, port);
    // Assess: still in WAL mode, and the write is there
    expect(modeOf(file)).toEqual([2, 2]);
    const again = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const out = await again.send(new GetItemCommand({ TableName: 'wal', Key: { pk: { S: 'kept' } }, ConsistentRead: true }));
    again.destroy();
    expect(out.Item?.pk?.S).toBe('kept');
  }, 60_000);
});
