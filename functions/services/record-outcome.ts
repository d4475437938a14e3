// What the workflow's Lambda task does: record an approval (certificate and registry) or an expiry.
import { DomainError } from '../domain/application.js';
import type { DecidingLevel } from '../domain/chain.js';
import { expireApplication } from './applications.js';
import type { Services } from './context.js';

export interface OutcomeEvent {
  id: string;
  outcome: 'approve' | 'expire';
  level: DecidingLevel;
}

export async function recordOutcome(s: Services, event: OutcomeEvent): Promise<{ status: string; certificateNo: string | null }> {
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
