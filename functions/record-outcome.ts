// Lambda entry point of the workflow's RecordApproval / RecordExpiry tasks.
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { buildOutcomeServices } from './services/build.js';
import { recordOutcome, type OutcomeEvent } from './services/record-outcome.js';

const config = parseConfig();
const services = buildOutcomeServices(config, makeTableClients(config));

export const handler = (event: OutcomeEvent) => recordOutcome(services, event);
