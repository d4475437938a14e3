// Builds the services from configuration and clients: used by the Lambda entry points and the local stack alike.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Config } from '../config.js';
import { logger } from '../log.js';
import type { Clients } from '../clients.js';
import { ApplicationStore } from '../store/applications.js';
import { RegistryStore } from '../store/registry.js';
import { Workflow } from '../workflow.js';
import type { OutcomeServices, Services, WorkflowServices } from './context.js';

/** One JSON line per event (functions/log.ts): the request's correlation id on it, personal data masked. */
export function jsonLog(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) {
  logger[level](message, fields);
}

export function buildServices(config: Config, clients: Clients, overrides: Partial<Services> = {}): Services {
  return {
    ...buildWorkflowServices(config, clients),
    registry: new RegistryStore(clients.db, config.tableName),
    ...overrides,
  };
}

/** The reconciler's services: everything but the registry (functions/reconciler.ts carries no registry code). */
export function buildWorkflowServices(config: Config, clients: Clients): WorkflowServices {
  return {
    config,
    applications: new ApplicationStore(clients.db, config.tableName),
    workflow: new Workflow(clients.sfn, config.stateMachineArn),
    now: () => new Date(),
    log: jsonLog,
  };
}

/** Health: the table answers and the workflow engine answers. */
export function healthCheck(config: Config, clients: Clients) {
  return async () => {
    await Promise.all([
      clients.dynamodb.send(new DescribeTableCommand({ TableName: config.tableName })),
      // Only the API answers health, and its configuration needs STATE_MACHINE_ARN.
      clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: config.stateMachineArn!, maxResults: 1 })),
    ]);
  };
}

/** The workflow's task's services: everything but the workflow, from the DynamoDB clients alone (makeTableClients). */
export function buildOutcomeServices(config: Config, clients: Pick<Clients, 'db'>): OutcomeServices {
  return {
    config,
    applications: new ApplicationStore(clients.db, config.tableName),
    registry: new RegistryStore(clients.db, config.tableName),
    now: () => new Date(),
    log: jsonLog,
  };
}
