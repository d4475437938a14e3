// Lambda entry point of the scheduled sweeper: timed notices, notices handed to their channels, deliveries sent,
// terms ended, uploads never attached removed.
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { emailSender } from './delivery/email.js';
import { S3Objects } from './s3.js';
import { buildSweepServices } from './services/build.js';
import { defaultSenders, sweep } from './services/sweep.js';

/** What a run leaves itself after its last item begins: one send's worst case (an SMTP relay's timeouts, 40 s). */
const FINISH_MS = 40_000;

const config = parseConfig(process.env, ['uploads']);
const files = new S3Objects({ bucket: config.uploads.bucket, region: config.region, endpoint: config.uploads.endpoint });
const services = buildSweepServices(config, makeTableClients(config), defaultSenders(emailSender(config.notifications.mail, config.region)), files);

export const handler = (_event: unknown, context: { getRemainingTimeInMillis(): number }) =>
  sweep(services, { deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - FINISH_MS) });
