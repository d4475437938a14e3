// The shapes of the HTTP API (shared/api.md) as the pages read them.

export type Role = 'applicant' | 'official' | 'admin';
export type DecidingLevel = 'township' | 'county' | 'province';
export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';
export type Status = 'PENDING' | 'RETURNED' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'EXPIRED';
export type Action = 'submit' | 'approve' | 'reject' | 'return' | 'resubmit' | 'withdraw' | 'expire';

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

export interface HistoryEntry {
  at: string;
  action: Action;
  level: DecidingLevel | null;
  actor: { sub: string; name: string; role?: Role; level?: DecidingLevel; region?: string };
  comment: string | null;
  issues?: Issue[];
  changes?: string[];
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

export interface RegistryItem {
  certificateNo: string;
  id: string;
  type: string;
  name: string;
  organisation: string;
  regionCode: string;
  approvedAt: string;
}

export interface Certificate {
  valid: boolean;
  certificateNo: string;
  title?: string;
  type: string;
  name: string;
  organisation: string;
  regionCode: string;
  approvedAt: string;
}

export interface Claims {
  sub?: string;
  role: Role;
  name: string;
  org?: string;
  level?: DecidingLevel;
  region?: string;
}

export interface CountRow {
  code: string;
  name: string;
  count: number;
  byType: Record<string, number>;
}

/** GET /v1/stats: approved counts and progress against the action plan's targets. */
export interface ProgressReport {
  approved: {
    total: number;
    byType: { type: string; name: string; count: number }[];
    byCity: CountRow[];
    byCounty: (CountRow & { city: string })[];
  };
  progress: { goal: string; name: string; count: number; target: number; percent: number }[];
}
