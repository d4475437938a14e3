// What the services need, built once per container (Lambda) or per local stack.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ApplicationStore } from '../store/applications.js';
import type { ApplicationLists } from '../store/application-lists.js';
import type { DemandStore } from '../store/demands.js';
import type { DraftStore } from '../store/drafts.js';
import type { OfficeCommentStore } from '../store/office-comments.js';
import type { NoticeWrites } from '../store/notice-writes.js';
import type { NotificationStore } from '../store/notifications.js';
import type { RegistryStore } from '../store/registry.js';
import type { UploadStore } from '../store/uploads.js';
import type { Uploads } from '../uploads.js';
import type { Workflow } from '../workflow.js';

export interface Services {
  config: Config;
  applications: ApplicationStore;
  /** The lists and their search, 已办, case numbers (the API's alone). */
  lists: ApplicationLists;
  registry: RegistryStore;
  /** Upload slots and their checks (the table). */
  uploads: UploadStore;
  /** The uploads bucket: presigned requests and checks of the bytes. */
  bucket: Uploads;
  notifications: NotificationStore;
  /** Each office's stock comments (常用意见). */
  officeComments: OfficeCommentStore;
  /** Applications as typed so far (草稿). */
  drafts: DraftStore;
  /** The demand library (需求库). */
  demands: DemandStore;
  workflow: Workflow;
  now: () => Date;
  log: Logger;
}

/** What the reconciler works with: no registry, whose stores, progress rules and region data stay out of its bundle. */
export type WorkflowServices = Pick<Services, 'config' | 'applications' | 'workflow' | 'now' | 'log'>;

/**
 * What the workflow's own task works with: no workflow to call, so no Step Functions client in its bundle; of the
 * notifications only the items its changes write (not the centre's reads nor the sweeper's work).
 */
export type OutcomeServices = Pick<Services, 'config' | 'applications' | 'registry' | 'now' | 'log'> & { notifications: NoticeWrites };
