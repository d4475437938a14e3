// Lambda entry point of the scheduled reconciler: work recorded but not yet handed to the workflow.
import { makeClients } from './clients.js';
import { parseConfig } from './config.js';
import { buildWorkflowServices } from './services/build.js';
import { reconcile } from './services/reconcile.js';

const config = parseConfig(process.env, ['workflow']);
const services = buildWorkflowServices(config, makeClients(config));

export const handler = () => reconcile(services);
