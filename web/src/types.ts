// The shapes of the HTTP API (shared/api.md) as the pages read them. Where the server's domain has the very
// shape, it is imported from there (types only: nothing of the server's code reaches the pages).
import type { HistoryEntry, Status } from '#functions/domain/application.js';
import type { DecidingLevel } from '#functions/domain/chain.js';
import type { Subject } from '#functions/domain/process.js';
import type { RegionLevel } from '#functions/domain/region-codes.js';
import type { MaterialRecord, ReplacedMaterial, UploadView } from '#functions/domain/materials.js';
import type { Material } from '#forms/materials.js';
import type { NotificationKind, RobotPlatform, UrgeWait } from '#functions/domain/notifications.js';

export type { HistoryAction as Action } from '#functions/domain/application.js';
export type { ProgressReport } from '#functions/domain/progress.js';
export type { DemandRecord, Subject } from '#functions/domain/process.js';
export type { PipelineReport, PipelineRow } from '#functions/domain/pipeline.js';
export type { RegistryRecord as RegistryItem } from '#functions/domain/registry.js';
export type { DecidingLevel, HistoryEntry, Material, MaterialRecord, RegionLevel, ReplacedMaterial, Status, UploadView };

export type Role = 'applicant' | 'official' | 'admin' | 'village';

export type { NotificationKind, RobotPlatform, UrgeWait } from '#functions/domain/notifications.js';

export interface Notification {
  id: string;
  at: string;
  kind: NotificationKind;
  applicationId?: string;
  /** A notice of the demand library names its need instead. */
  demandId?: string;
  title: string;
  body: string;
  read: boolean;
}

/** The centre's page: `unread` counts up to 100 (100: that many or more). */
export interface NotificationPage extends Page<Notification> {
  unread: number;
}

export interface Urged {
  id: string;
  level: DecidingLevel;
  urgedAt: string;
  nextUrgeAt: string;
}

export interface OfficeChannels {
  office: { level: DecidingLevel; region: string; name: string };
  emails: string[];
  /** The webhook masked (its address and the key's last four characters); the secret never shown. */
  robot: { platform: RobotPlatform; webhookUrl: string; secretSet: boolean } | null;
  updatedAt: string | null;
}

export interface ChannelsInput {
  emails?: string[];
  robot?: { platform: RobotPlatform; webhookUrl: string; secret?: string } | null;
}

export interface FailedDelivery {
  notificationId: string;
  recipient: string;
  applicationId: string;
  kind: NotificationKind;
  title: string;
  channel: 'email' | 'robot';
  attempts: number;
  lastError: string;
  failedAt: string;
}

/** The subset of JSON Schema that the catalogue uses. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: { const: string; title: string }[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface FormType {
  type: string;
  name: string;
  description?: string;
  hostLevels: RegionLevel[];
  unique: boolean;
  parkAllowed?: boolean;
  schema: JsonSchema;
  /** The type's material list (申报材料清单). */
  materials: Material[];
}

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parent: string | null;
  children: { code: string; name: string }[];
}

export interface Issue {
  path?: string;
  message: string;
}

export interface Task {
  level: DecidingLevel;
  region: string;
  since: string;
  dueAt: string;
  expiresAt: string;
  overdue: boolean;
  /** Working days after today up to the limit's last day (0 on that day and after it). */
  workingDaysLeft: number;
}

export type FormValue = Record<string, unknown>;

export interface Application {
  id: string;
  /** 受理号: twelve digits; null only for one stored before case numbers, until backfilled. */
  caseNo: string | null;
  type: string;
  /** An annual report's or a change's certificate. */
  subject?: Subject;
  regionCode: string;
  status: Status;
  currentLevel: DecidingLevel | null;
  form: FormValue;
  applicant: { org: string; sub: string; name?: string };
  submittedAt: string;
  updatedAt: string;
  certificateNo: string | null;
  approvedAt?: string | null;
  task?: Task | null;
  /** 催办: from when the owner may urge (on the application read alone); null when no office awaits it. */
  urge?: { from: string; wait: UrgeWait } | null;
  history?: HistoryEntry[];
  /** The files attached, in the order of the type's list; empty for an application stored before materials. */
  materials?: MaterialRecord[];
  /** Files a resubmission replaced: still readable. */
  replacedMaterials?: ReplacedMaterial[];
}

/** POST /v1/uploads: where and how to send one file's bytes. */
export interface UploadSlot {
  uploadId: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

/** A submission's (or a resubmission's) materials: a new upload under a key, or (resubmitting) a current file kept. */
export type MaterialRef = { key: string; uploadId: string } | { key: string; materialId: string };

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export type { CertificateStatus } from '#functions/domain/certificate.js';

export interface Certificate {
  valid: boolean;
  certificateNo: string;
  title?: string;
  type: string;
  /** The type's and the region's names, as the API gives them (the page needs no catalogue or region reads). */
  typeName: string;
  name: string;
  organisation: string;
  regionCode: string;
  regionName: string;
  approvedAt: string;
  /** Where it stands now (functions/domain/certificate.ts): ACTIVE only while valid. */
  status: import('#functions/domain/certificate.js').CertificateStatus;
  statusName: string;
  /** One sentence: valid until when, or why not (revoked on a date for a reason, the term ended). */
  validity: string;
  validUntil: string | null;
  revokedAt?: string;
  dissolvedAt?: string;
  expiredAt?: string;
  reason?: string;
  /** Current values, and when each last changed (变更). */
  address?: string;
  experts?: { name: string; title: string; affiliation?: string; specialty?: string }[];
  changedAt?: Partial<Record<'name' | 'contact' | 'address' | 'regionCode' | 'experts', string>>;
  /** The annual report of the year now due, and every year's. */
  report?: { year: number; status: string; statusName: string; id: string | null };
  reports?: { year: number; status: string; statusName: string }[];
  /** The needs the station took on (需求库), rated once closed. */
  demands?: import('#functions/domain/demand.js').CertificateDemand[];
  /** Each term's evaluation (期满评估), oldest first; when renewal opens (null without a term, or not valid). */
  evaluations: { at: string; grade: import('#functions/domain/process.js').EvaluationGrade; gradeName: string; validUntil: string }[];
  renewal: { opensAt: string; pending: boolean } | null;
}

/** A certificate's history after approval (GET /v1/certificates/{no}/history). */
export interface CertificateEvent {
  at: string;
  action: 'revoke' | 'dissolve' | 'expire' | 'change' | 'renew';
  actor: { name: string; role: string; level?: string };
  reason: string | null;
  changes?: string[];
  applicationId?: string;
  grade?: import('#functions/domain/process.js').EvaluationGrade;
  validUntil?: string;
}

export interface Claims {
  sub?: string;
  role: Role;
  name: string;
  org?: string;
  level?: DecidingLevel;
  region?: string;
}


/** The search and filters of the application lists (GET /v1/applications, GET /v1/tasks). */
export interface ListFilters {
  q?: string;
  type?: string;
  from?: string;
  to?: string;
  sort?: 'newest' | 'oldest' | '';
}

/** 已办: one decision of the official's office (GET /v1/decisions), as the server's list keeps it. */
export type { DecidedEntry as Decided } from '#functions/store/application-lists.js';

/** 办件查询 (GET /v1/progress): status and levels only, as the server's domain builds it. */
export type { LevelState, ProgressView as ProgressLookup } from '#functions/domain/progress-lookup.js';
export type { CertificateDemand, DemandKind, DemandStatus } from '#functions/domain/demand.js';

/** A response to a need as its reader is shown it: the contact only to the posting office and the responder itself. */
export interface DemandResponseView {
  id: string;
  certificateNo: string;
  stationName: string;
  organisationName: string;
  proposal: string;
  startBy: string | null;
  respondedAt: string;
  status: 'SUBMITTED' | 'MATCHED';
  contact?: { name: string; mobile: string; email?: string };
}

/** A need of the demand library (需求库), as GET /v1/demands and /v1/demands/{id} answer it. */
export interface DemandView {
  id: string;
  kind: import('#functions/domain/demand.js').DemandKind;
  kindName: string;
  industry: string;
  industryName: string;
  regionCode: string;
  regionName: string;
  /** 珠三角带粤东西北: the delta city its region's city pairs with, or null. */
  pairedCity: { code: string; name: string } | null;
  title: string;
  description: string;
  expectedOutcome: string | null;
  wantedBy: string | null;
  status: import('#functions/domain/demand.js').DemandStatus;
  statusName: string;
  postedBy: { level: DecidingLevel; region: string; name: string };
  postedAt: string;
  updatedAt: string;
  version: number;
  matchedAt: string | null;
  closure: { outcome: string; rating: number; comment: string | null; daysOnSite: number | null; peopleTrained: number | null; closedAt: string } | null;
  responseCount?: number;
  mine?: boolean;
  /** Whether the caller is the village account that posted it (the detail only). */
  ownVillage?: boolean;
  /** The village account (村委会) that posted it; null for an office's need. */
  village: { region: string; name: string } | null;
  publishedAt: string | null;
  /** A PENDING village need: its office's time to confirm it. */
  confirmBy: string | null;
  /** A PENDING village need: the countdown to `confirmBy`, as an application's task shows it. */
  confirmCountdown: { overdue: boolean; workingDaysLeft: number } | null;
  /** A RETURNED need: every problem its office listed. */
  issues: Issue[];
  /** Its files (photos, PDFs), each opened through a link of minutes. */
  materials: DemandFile[];
  history?: { at: string; action: import('#functions/domain/demand.js').DemandAction; actor: { name: string }; comment: string | null; issues?: Issue[] }[];
  /** When it had waited the set time without a response (the detail only). */
  overdueAt?: string | null;
  responses?: DemandResponseView[];
  /** The ACTIVE stations near the need: its township's, then its county's (the detail only). */
  nearby?: { certificateNo: string; name: string; type: string; typeName: string; regionCode: string; regionName: string; scope: 'township' | 'county' }[];
}

/** A need's file as the API shows it (its bytes only through a link of minutes). */
export type DemandFile = Omit<import('#functions/domain/demand-materials.js').DemandMaterial, 'object'>;

/** One item of a batch approval's answer (POST /v1/tasks/approvals). */
export type BatchApprovalItem =
  | { applicationId: string; outcome: 'approved'; status: string; currentLevel: string | null }
  | { applicationId: string; outcome: 'refused'; error: string; message: string; issues?: { path: string; message: string }[] };

/** A file of a draft, as it stood when the draft was read (GET /v1/drafts/{id}). */
export interface DraftMaterial {
  key: string;
  uploadId: string;
  fileName: string;
  contentType: string;
  size: number;
  status: 'pending' | 'ready' | 'refused' | 'gone';
  reason?: string;
}

export interface DraftSummary {
  id: string;
  type: string;
  typeName: string;
  title: string;
  regionCode: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: { name: string };
  expiresAt: string;
  materials: number;
}

export interface Draft extends Omit<DraftSummary, 'materials'> {
  form: FormValue;
  materials: DraftMaterial[];
  dropped?: Issue[];
}

/** GET /v1/availability: whether the chosen host region can still take the type. */
export interface Availability {
  type: string;
  regionCode: string;
  regionName: string;
  unique: boolean;
  available: boolean;
  message: string | null;
}

/** An office's stock comments (常用意见): GET /v1/offices/{level}/{region}/comments. */
export interface OfficeComments {
  office: { level: DecidingLevel; region: string; name: string };
  comments: string[];
  /** The office has saved none: these are the platform's suggestions. */
  suggested: boolean;
  version: number;
  updatedAt: string | null;
  updatedBy: { name: string } | null;
}
