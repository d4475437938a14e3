// 批量通过: a county's or the province's office approves several of its tasks in one request, each confirmed in the
// list before. Each is decided in turn exactly as one decision is (decideApplication: the same checks, the same
// transaction, the workflow told); one that cannot be approved (not awaiting this office, past its limit, a renewal
// the province must grade) is reported with its reason, and the rest go on.
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { assertMayBatchApprove } from '../policy.js';
import { decideApplication } from './applications.js';
import type { Services } from './context.js';

export type BatchItem =
  | { applicationId: string; outcome: 'approved'; status: string; currentLevel: string | null }
  | { applicationId: string; outcome: 'refused'; error: string; message: string; issues?: { path: string; message: string }[] };

export async function batchApprove(s: Services, principal: Principal, input: { applicationIds: string[]; comment?: string }): Promise<{ items: BatchItem[] }> {
  assertMayBatchApprove(principal);
  const items: BatchItem[] = [];
  const started = s.now().toISOString();
  for (const applicationId of input.applicationIds) {
    try {
      const app = await decideApplication(s, principal, applicationId, { action: 'approve', ...(input.comment ? { comment: input.comment } : {}) });
      items.push({ applicationId, outcome: 'approved', status: app.status, currentLevel: app.currentLevel ?? null });
    } catch (error) {
      if (error instanceof DomainError) {
        const issues = (error.details as { issues?: { path: string; message: string }[] }).issues;
        items.push({ applicationId, outcome: 'refused', error: error.code, message: error.message, ...(issues ? { issues } : {}) });
      } else {
        // A store or the workflow engine did not answer: the decision may have been recorded before (the workflow is
        // then told by the reconciler), or not at all. The application's history says which.
        s.log.error('batch approval: an item failed', { applicationId, error: (error as Error).name, errorMessage: (error as Error).message });
        items.push(await afterFailure(s, principal, applicationId, started));
      }
    }
  }
  s.log.info('batch approval', { level: principal.level, approved: items.filter((i) => i.outcome === 'approved').length, refused: items.filter((i) => i.outcome === 'refused').length });
  return { items };
}

/** After an unexpected failure: approved if this caller's approval is in the application's history since the batch began. */
async function afterFailure(s: Services, principal: Principal, applicationId: string, since: string): Promise<BatchItem> {
  const refused: BatchItem = { applicationId, outcome: 'refused', error: 'unavailable', message: '暂时无法办理该件，请稍后单独重试' };
  try {
    const found = await s.applications.getWithHistory(applicationId);
    const mine = found?.history.some((e) => e.action === 'approve' && e.level === principal.level && e.actor.sub === principal.sub && e.at >= since);
    return found && mine ? { applicationId, outcome: 'approved', status: found.app.status, currentLevel: found.app.currentLevel ?? null } : refused;
  } catch {
    return refused;
  }
}
