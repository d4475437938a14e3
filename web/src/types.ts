// The shapes of the HTTP API (shared/api.md) as the pages read them. Where the server's domain has the very
// shape, it is imported from there (types only: nothing of the server's code reaches the pages).
import type { HistoryEntry, Status } from '#functions/domain/application.js';
import type { DecidingLevel } from '#functions/domain/chain.js';
import type { RegionLevel } from '#functions/domain/region-codes.js';

export type { HistoryAction as Action } from '#functions/domain/application.js';
export type { ProgressReport } from '#functions/domain/progress.js';
export type { RegistryRecord as RegistryItem } from '#functions/domain/registry.js';
export type { DecidingLevel, HistoryEntry, RegionLevel, Status };

export type Role = 'applicant' | 'official' | 'admin';

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
}

export type FormValue = Record<string, unknown>;

export interface Application {
  id: string;
  type: string;
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
  history?: HistoryEntry[];
}

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
  name: string;
  organisation: string;
  regionCode: string;
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
}

export interface Claims {
  sub?: string;
  role: Role;
  name: string;
  org?: string;
  level?: DecidingLevel;
  region?: string;
}

