// Builds the services from configuration and clients: used by the Lambda entry points and the local stack alike. The
// API's, which hold the uploads bucket and the file check, are built in build-api.ts: neither reaches the workflow's
// functions (the reconciler, the workflow's task).
import { DomainError } from '../domain/application.js';
import type { Config } from '../config.js';
import { logger } from '../log.js';
import type { Clients } from '../clients.js';
import { ApplicationStore } from '../store/applications.js';
import { RegistryStore } from '../store/registry.js';
import { NotificationStore } from '../store/notifications.js';
import { DemandStore } from '../store/demands.js';
import { NoticeWrites } from '../store/notice-writes.js';
import { UploadSweep } from '../store/upload-sweep.js';
import { UploadChecks } from '../store/upload-checks.js';
import { UploadStore } from '../store/uploads.js';
import type { CheckServices } from './upload-check.js';
import { Workflow } from '../workflow.js';
import type { OutcomeServices, Services, WorkflowServices } from './context.js';
import type { Senders, SweepServices } from './sweep.js';

/** The reconciler's services: everything but the registry (functions/reconciler.ts carries no registry code). */
export function buildWorkflowServices(config: Config, clients: Clients): WorkflowServices {
  return {
    config,
    applications: new ApplicationStore(clients.db, config.tableName, config.calendar),
    workflow: new Workflow(clients.sfn, config.stateMachineArn),
    now: () => new Date(),
    log: logger,
  };
}

/** How long one health check's answer is given again: a flood of health checks makes one call a few seconds. */
export const HEALTH_TTL_MS = 5_000;
/** Each call of a health check gets this long; a store that does not answer in it is down for health's purpose. */
const HEALTH_CALL_MS = 5_000;

/**
 * Health: the table and the workflow engine answer a small bounded call each (one GetItem of a key that holds
 * nothing, one execution listed). The answer, good or bad, is kept HEALTH_TTL_MS and shared by concurrent callers:
 * health costs the store the same whether one caller asks or a thousand. Any failure is `unavailable` (503).
 */
export function healthCheck(services: Pick<Services, 'applications' | 'workflow' | 'log'>, now: () => number = Date.now) {
  let last: { at: number; ok: boolean } | undefined;
  let running: Promise<boolean> | undefined;
  const check = async (): Promise<boolean> => {
    const abortSignal = AbortSignal.timeout(HEALTH_CALL_MS);
    try {
      await Promise.all([services.applications.ping(abortSignal), services.workflow.ping(abortSignal)]);
      return true;
    } catch (error) {
      services.log.warn('health check failed', { error: (error as Error).name, errorMessage: (error as Error).message });
      return false;
    }
  };
  return async () => {
    if (!last || now() - last.at >= HEALTH_TTL_MS) {
      running ??= check().then((ok) => {
        last = { at: now(), ok };
        running = undefined;
        return ok;
      });
      await running;
    }
    if (!last!.ok) throw new DomainError('unavailable', '服务暂时不可用，请稍后重试');
  };
}

/** The workflow's task's services: everything but the workflow, from the DynamoDB clients alone (makeTableClients). */
export function buildOutcomeServices(config: Config, clients: Pick<Clients, 'db'>): OutcomeServices {
  return {
    config,
    applications: new ApplicationStore(clients.db, config.tableName, config.calendar),
    registry: new RegistryStore(clients.db, config.tableName),
    notifications: new NoticeWrites(clients.db, config.tableName),
    now: () => new Date(),
    log: logger,
  };
}

/**
 * The sweeper's services: the table's stores it works on (the registry for the terms that end, the uploads whose
 * slots ended), the bucket's files it removes, no workflow.
 */
export function buildSweepServices(config: Config, clients: Pick<Clients, 'db'>, senders: Senders, files: SweepServices['files']): SweepServices {
  return {
    config,
    applications: new ApplicationStore(clients.db, config.tableName, config.calendar),
    uploads: new UploadSweep(clients.db, config.tableName),
    checks: new UploadChecks(clients.db, config.tableName),
    files,
    registry: new RegistryStore(clients.db, config.tableName),
    notifications: new NotificationStore(clients.db, config.tableName),
    demands: new DemandStore(clients.db, config.tableName),
    now: () => new Date(),
    log: logger,
    senders,
  };
}

/** The upload check's services (functions/check-upload.ts): the uploads' records, the check's lease, the bucket's files. */
export function buildCheckServices(config: Config, clients: Pick<Clients, 'db'>, files: CheckServices['files']): CheckServices {
  return {
    uploads: new UploadStore(clients.db, config.tableName),
    checks: new UploadChecks(clients.db, config.tableName),
    files,
    now: () => new Date(),
    log: logger,
  };
}
