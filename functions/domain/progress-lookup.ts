// 办件查询: what anyone holding a case number and its organisation's credit code may learn of an application without
// signing in: its status and where it stands at each level of its chain. Nothing personal (no names, no comments).
import type { ApplicationRecord, HistoryEntry, Status } from './application.js';
import { chainFor, decidingLevelNames, type DecidingLevel } from './chain.js';

export type LevelState = 'approved' | 'pending' | 'returned' | 'rejected' | 'expired' | 'withdrawn' | 'escalated' | 'waiting' | 'not_reached';

export interface ProgressView {
  caseNo: string;
  type: string;
  status: Status;
  currentLevel: DecidingLevel;
  submittedAt: string;
  updatedAt: string;
  levels: { level: DecidingLevel; name: string; state: LevelState; at: string | null }[];
}

const decided: ReadonlySet<HistoryEntry['action']> = new Set(['approve', 'reject', 'return', 'expire', 'escalate']);

export function progressView(app: ApplicationRecord & { caseNo: string }, history: HistoryEntry[]): ProgressView {
  const chain = chainFor(app.regionCode);
  const current = chain.findIndex((step) => step.level === app.currentLevel);
  const levels = chain.map((step, i) => {
    const last = history.findLast((entry) => entry.level === step.level && decided.has(entry.action));
    let state: LevelState;
    if (app.status === 'APPROVED' || (i < current && last?.action !== 'escalate')) state = 'approved';
    else if (i < current) state = 'escalated';
    else if (i > current) state = app.status === 'PENDING' || app.status === 'RETURNED' ? 'waiting' : 'not_reached';
    else state = ({ PENDING: 'pending', RETURNED: 'returned', REJECTED: 'rejected', EXPIRED: 'expired', WITHDRAWN: 'withdrawn', APPROVED: 'approved' } as const)[app.status];
    return { level: step.level, name: decidingLevelNames[step.level], state, at: state === 'waiting' || state === 'not_reached' ? null : (last?.at ?? null) };
  });
  return { caseNo: app.caseNo, type: app.type, status: app.status, currentLevel: app.currentLevel, submittedAt: app.submittedAt, updatedAt: app.updatedAt, levels };
}
