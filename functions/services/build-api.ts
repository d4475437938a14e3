// The API's services: the workflow's, the registry, the notification centre, and the uploads bucket with the file check. Kept apart from
// build.ts so that the S3 signer, the material lists and the check stay out of the reconciler's and the workflow
// task's bundles (test/infra/bundle-size.test.ts).
import type { Clients, LocalKeys } from '../clients.js';
import type { Config } from '../config.js';
import { S3Objects } from '../s3.js';
import { NotificationStore } from '../store/notifications.js';
import { ApplicationLists } from '../store/application-lists.js';
import { DemandStore } from '../store/demands.js';
import { DraftStore } from '../store/drafts.js';
import { OfficeCommentStore } from '../store/office-comments.js';
import { RegistryStore } from '../store/registry.js';
import { UploadStore } from '../store/uploads.js';
import { Uploads } from '../uploads.js';
import { buildWorkflowServices } from './build.js';
import type { Services } from './context.js';

/** The uploads bucket (configuration's UPLOADS_BUCKET, parseConfig's need 'uploads'): signed fetch, no S3 client (functions/s3.ts). */
export function makeBucket(config: Pick<Config<'uploads'>, 'region' | 'uploads'>, local: Pick<LocalKeys, 's3'> = {}): S3Objects {
  return new S3Objects({ bucket: config.uploads.bucket, region: config.region, endpoint: config.uploads.endpoint, credentials: local.s3 });
}

export function buildServices(config: Config, clients: Clients, bucket: S3Objects, overrides: Partial<Services> = {}): Services {
  return {
    ...buildWorkflowServices(config, clients),
    lists: new ApplicationLists(clients.db, config.tableName),
    registry: new RegistryStore(clients.db, config.tableName),
    uploads: new UploadStore(clients.db, config.tableName),
    bucket: new Uploads(bucket),
    notifications: new NotificationStore(clients.db, config.tableName),
    demands: new DemandStore(clients.db, config.tableName),
    drafts: new DraftStore(clients.db, config.tableName),
    officeComments: new OfficeCommentStore(clients.db, config.tableName),
    ...overrides,
  };
}
