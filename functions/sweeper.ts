// Lambda entry point of the scheduled sweeper: timed notices, notices handed to their channels, deliveries sent.
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { emailSender } from './delivery/email.js';
import { buildSweepServices } from './services/build.js';
import { defaultSenders, sweep } from './services/sweep.js';

/** What a run leaves itself after its last item begins: one send's worst case (an SMTP relay's timeouts, 40 s). */
const FINISH_MS = 40_000;

const config = parseConfig();
const services = buildSweepServices(config, makeTableClients(config), defaultSenders(emailSender(config.notifications.mail, config.region)));

export const handler = (_event: unknown, context: { getRemainingTimeInMillis(): number }) =>
  sweep(services, { deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - FINISH_MS) });
