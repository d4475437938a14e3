// Lambda entry point of the workflow's RecordApproval / RecordExpiry tasks.
import { makeClients } from './clients.js';
import { parseConfig } from './config.js';
import { buildServices } from './services/build.js';
import { recordOutcome, type OutcomeEvent } from './services/record-outcome.js';

const config = parseConfig();
const services = buildServices(config, makeClients(config));

export const handler = (event: OutcomeEvent) => recordOutcome(services, event);
