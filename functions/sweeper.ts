// Lambda entry point of the scheduled sweeper: timed notices, notices handed to their channels, deliveries sent.
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { emailSender } from './delivery/email.js';
import { buildSweepServices } from './services/build.js';
import { defaultSenders, sweep } from './services/sweep.js';

const config = parseConfig();
const services = buildSweepServices(config, makeTableClients(config), defaultSenders(emailSender(config.notifications.mail, config.region)));

export const handler = () => sweep(services);
