// Lambda entry point of the HTTP API.
import { handle } from 'hono/aws-lambda';
import { createApp } from './http/app.js';
import { cognitoVerifier } from './auth.js';
import { makeClients } from './clients.js';
import { parseConfig } from './config.js';
import { buildServices, healthCheck } from './services/build.js';

const config = parseConfig(process.env, ['workflow', 'tokens']);
const services = buildServices(config, makeClients(config));
const app = createApp({
  services,
  verify: cognitoVerifier(config.auth.issuer, config.auth.audience),
  health: healthCheck(services),
  rateLimits: config.rateLimits,
});

export const handler = handle(app);
