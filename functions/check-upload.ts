// Lambda entry point of the upload check: S3 invokes it for each object created under files/ (infra/uploads.ts), and
// it checks the upload those bytes belong to (functions/services/upload-check.ts). A failure throws, so that the
// invocation is tried again (S3's asynchronous invocation: twice more); the sweeper's backstop checks what still
// slips through.
import { makeTableClients } from './clients.js';
import { parseConfig } from './config.js';
import { S3Objects } from './s3.js';
import { buildCheckServices } from './services/build.js';
import { objectsCreated, type ObjectCreatedEvent } from './services/upload-check.js';

const config = parseConfig(process.env, ['uploads']);
const files = new S3Objects({ bucket: config.uploads.bucket, region: config.region, endpoint: config.uploads.endpoint });
const services = buildCheckServices(config, makeTableClients(config), files);

export async function handler(event: ObjectCreatedEvent): Promise<void> {
  await objectsCreated(services, config.uploads.bucket, event);
}
