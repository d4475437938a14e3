// vitest globalSetup: one DynamoDB Local for the whole run. Every file's stacks use it, each with tables of its own
// (harness() suffixes them); a file that stops or kills DynamoDB Local starts its own (harness({ ownDynamoDB: true })).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamo } from '#infra/local/dynamodb.js';
import { freePort } from '#infra/local/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's DynamoDB Local. */
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-tests-'));
  const dynamo = await startDynamo(dataDir, await freePort());
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
