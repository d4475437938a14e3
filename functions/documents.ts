// Lambda entry point of GET /v1/applications/{id}/documents/{kind} (申请表, 受理回执, 补正告知书 as PDF): its own
// function, so that pdfkit and the font (Noto Sans SC, copied beside index.mjs) are not in the API's bundle; it reads
// the table only.
import { handle } from 'hono/aws-lambda';
import { cognitoVerifier } from './auth.js';
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { documentsApp } from './http/documents-app.js';
import { logger } from './log.js';
import { ApplicationStore } from './store/applications.js';

const config = parseConfig(process.env, ['tokens']);
const { db } = makeTableClients(config);
const services = { config, applications: new ApplicationStore(db, config.tableName), now: () => new Date(), log: logger };
const app = documentsApp({ services, verify: cognitoVerifier(config.auth.issuer, config.auth.audience), rateLimits: config.rateLimits });

export const handler = handle(app);
