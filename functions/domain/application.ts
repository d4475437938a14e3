// The application and what each decision does to it. Pure: no AWS, no HTTP.
import { nextStepOf, stepOf, type ChainStep, type DecidingLevel } from './chain.js';
import type { Subject } from './process.js';
import type { MaterialRecord, ReplacedMaterial } from './materials.js';

export const statuses = ['PENDING', 'RETURNED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] as const;
export type Status = (typeof statuses)[number];
export const finalStatuses: ReadonlySet<Status> = new Set(['APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED']);

export type HistoryAction = 'submit' | 'approve' | 'reject' | 'return' | 'resubmit' | 'withdraw' | 'expire' | 'escalate' | 'urge';
export type DecisionAction = 'approve' | 'reject' | 'return';

export interface Actor {
  sub: string;
  name: string;
  role: 'applicant' | 'official' | 'admin' | 'village' | 'system';
  level?: DecidingLevel;
  region?: string;
}

export interface HistoryEntry {
  at: string;
  action: HistoryAction;
  level: DecidingLevel | null;
  actor: Actor;
  comment: string | null;
  /** Problems listed when returning (一次性告知); a problem may name a form field. */
  issues?: { path?: string; message: string }[];
  /** Form fields changed by a resubmission, and `materials.<key>` for each material whose files it changed. */
  changes?: string[];
  /** The ids of the materials a resubmission replaced (they stay readable: ApplicationRecord's replacedMaterials). */
  replaced?: string[];
  /** A renewal's approval: the grade given (the county's a proposal, the province's the evaluation). */
  grade?: import('./process.js').EvaluationGrade;
}

export interface PendingTask {
  level: DecidingLevel;
  region: string;
  since: string;
  dueAt: string;
  expiresAt: string;
}

export interface Application {
  id: string;
  /** 受理号 (functions/domain/case-number.ts): null only for one stored before case numbers, until it is backfilled. */
  caseNo: string | null;
  type: string;
  regionCode: string;
  status: Status;
  currentLevel: DecidingLevel;
  form: Record<string, unknown>;
  applicant: { org: string; sub: string; name?: string };
  submittedAt: string;
  updatedAt: string;
  certificateNo: string | null;
  approvedAt: string | null;
  /** Incremented by every recorded change; conditional writes compare it. */
  version: number;
  /** Set while a decision (or the applicant's correction) is awaited, by the workflow. */
  task: PendingTask | null;
  /** The files attached (申报材料), in the order of the type's list; empty for an application stored before materials. */
  materials: MaterialRecord[];
  /** Files a resubmission replaced, oldest first: never overwritten, still readable by whoever may see the application. */
  replacedMaterials: ReplacedMaterial[];
  /** For an annual report or a change (functions/domain/process.ts): the certificate it is about. */
  subject?: Subject;
}

/** What the API left for the workflow engine: a start, or a callback to deliver. Kept until the engine acknowledges. */
export type Outbox = { kind: 'start'; step: WorkflowStep } | { kind: 'callback'; token: string; step: WorkflowStep };

/** The application as the server holds it, with what only the server may see. */
export interface ApplicationRecord extends Application {
  taskToken: string | null;
  outbox: Outbox | null;
  /** Set by the last level's approval until the workflow records the certificate. */
  awaitingRecord: boolean;
  /** While returned, what was left of the level's time limits: the clock stops until the resubmission. */
  paused: { dueInMs: number; expiresInMs: number } | null;
  /** The level whose overdue timer fired for the waiting task (the approval pipeline counts it overdue until the task is settled). */
  overdueLevel?: import('./chain.js').DecidingLevel | null;
  /** Stored before the approval pipeline and not yet counted in it (its first change or the backfill counts it). */
  uncounted?: boolean;
}

/**
 * A submitted application, pending at the first level of its chain, with the workflow's start in its outbox: the one
 * place the whole record is written out (the submission, test fixtures and benchmarks all make theirs here).
 */
export function newApplication(fields: {
  id: string;
  type: string;
  regionCode: string;
  form: Record<string, unknown>;
  applicant: Application['applicant'];
  at: string;
  step: WorkflowStep;
  materials?: MaterialRecord[];
  caseNo?: string | null;
  subject?: Subject;
}): ApplicationRecord {
  return {
    id: fields.id,
    caseNo: fields.caseNo ?? null,
    type: fields.type,
    regionCode: fields.regionCode,
    status: 'PENDING',
    currentLevel: fields.step.level,
    form: fields.form,
    applicant: fields.applicant,
    submittedAt: fields.at,
    updatedAt: fields.at,
    certificateNo: null,
    approvedAt: null,
    version: 1,
    task: null,
    materials: fields.materials ?? [],
    replacedMaterials: [],
    taskToken: null,
    outbox: { kind: 'start', step: fields.step },
    awaitingRecord: false,
    paused: null,
    ...(fields.subject ? { subject: fields.subject } : {}),
  };
}

/** What the workflow is told to do next, in the callback's output. Ids and region codes only. */
export type WorkflowStep = {
  id: string;
  /** `escalate`: a level's hard limit passed and the level above decides (or, held, the same level again). */
  action: 'submit' | 'approve' | 'resubmit' | 'return' | 'reject' | 'withdraw' | 'escalate';
  /** True when the approval was the last level's and the application is to be recorded as approved. */
  final: boolean;
  level: DecidingLevel;
  region: string;
  at: string;
  dueAt: string;
  expiresAt: string;
  timeoutSeconds: number;
};

/** Whether handing `step` over ends the workflow (no next state will take it from the outbox). */
export function endsWorkflow(step: Pick<WorkflowStep, 'action'>): boolean {
  return step.action === 'reject' || step.action === 'withdraw';
}

export class DomainError extends Error {
  constructor(
    readonly code:
      | 'validation'
      | 'forbidden'
      | 'not_found'
      | 'conflict'
      | 'duplicate'
      | 'unavailable'
      | 'unauthorized'
      | 'too_large'
      | 'idempotency_mismatch'
      | 'rate_limited'
      | 'unsupported_media_type',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface DecisionOutcome {
  status: Status;
  currentLevel: DecidingLevel;
  /** The step the workflow moves to; null when the decision ends the application. */
  next: ChainStep | null;
  /** True when a last-level approval must be recorded by the workflow. */
  final: boolean;
}

/**
 * What a decision by `level` does. Approval moves to the next level (or, at the last level, leaves the
 * application PENDING at that level for the workflow to record as APPROVED with its certificate).
 */
export function decisionOutcome(app: Pick<Application, 'regionCode' | 'currentLevel'> & { type?: string }, action: DecisionAction): DecisionOutcome {
  const here = app.currentLevel;
  switch (action) {
    case 'approve': {
      const next = nextStepOf(app, here);
      return next
        ? { status: 'PENDING', currentLevel: next.level, next, final: false }
        : { status: 'PENDING', currentLevel: here, next: null, final: true };
    }
    case 'return':
      return { status: 'RETURNED', currentLevel: here, next: stepOf(app, here)!, final: false };
    case 'reject':
      return { status: 'REJECTED', currentLevel: here, next: null, final: false };
  }
}
