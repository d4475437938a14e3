// What the workflow's Lambda task does: record an approval (certificate and registry) or an expiry. It validates no
// form: nothing here imports the catalogue's schemas (forms/catalogue.ts), only the types' basics.
import { DomainError } from '../domain/application.js';
import { decidingLevelNames, type DecidingLevel } from '../domain/chain.js';
import { isApplicationType, typeBasics } from '../../forms/entry.js';
import { releaseGuard } from '../store/applications.js';
import type { OutcomeServices } from './context.js';

export interface OutcomeEvent {
  id: string;
  outcome: 'approve' | 'expire';
  level: DecidingLevel;
}

export async function recordOutcome(s: OutcomeServices, event: OutcomeEvent): Promise<{ status: string; certificateNo: string | null }> {
  switch (event.outcome) {
    case 'approve': {
      const { status, certificateNo } = await s.registry.recordApproval(event.id, s.now);
      return { status, certificateNo };
    }
    case 'expire': {
      const { status } = await expireApplication(s, event.id, event.level);
      return { status, certificateNo: null };
    }
    default:
      throw new DomainError('validation', `unknown outcome ${(event as { outcome: string }).outcome}`);
  }
}

/** Called by the workflow when a level let its hard limit pass; an expired holder releases its plan rule's guard. */
export async function expireApplication(s: OutcomeServices, id: string, level: DecidingLevel): Promise<{ status: string }> {
  const app = await s.applications.get(id);
  if (!app) throw new DomainError('not_found', `申请 ${id} 不存在`);
  if (app.status !== 'PENDING' && app.status !== 'RETURNED') return { status: app.status };
  const at = s.now().toISOString();
  const unique = isApplicationType(app.type) && typeBasics[app.type].unique;
  await s.applications.recordChange({
    app,
    expected: { version: app.version, status: app.status },
    set: { status: 'EXPIRED', updatedAt: at, awaitingRecord: false },
    entry: {
      at,
      action: 'expire',
      level,
      actor: { sub: 'system', name: '系统', role: 'system' },
      comment: app.status === 'RETURNED' ? '申请单位未在期限内修改重新提交' : `${decidingLevelNames[level]}级未在期限内作出决定`,
    },
    outbox: null,
    extra: unique ? [releaseGuard(s.applications.table, app.type, app.regionCode, app.id)] : [],
  });
  return { status: 'EXPIRED' };
}
