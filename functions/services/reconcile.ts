// Finds work the API recorded but the workflow engine may never have received (a crash or an outage
// between the write and the call) and hands it over again. Safe to run any time, as often as wanted:
// a start is idempotent by execution name and a token completes at most once.
import type { Services } from './context.js';

export async function reconcile(s: Services, olderThanMs = 30_000): Promise<{ redelivered: number }> {
  const before = new Date(s.now().getTime() - olderThanMs).toISOString();
  let redelivered = 0;
  for (const app of await s.applications.listOutbox(before)) {
    const outbox = app.outbox;
    if (!outbox) continue;
    const at = app.updatedAt;
    if (outbox.kind === 'start') {
      await s.workflow.start(outbox.step);
    } else {
      const delivered = await s.workflow.complete(outbox.token, outbox.step);
      const ends = outbox.step.action === 'reject' || outbox.step.action === 'withdraw';
      if (!delivered || ends) await s.applications.clearOutbox(app.id, at);
      if (!delivered) continue;
    }
    redelivered += 1;
    s.log('warn', 'reconciler handed recorded work to the workflow again', { id: app.id, kind: outbox.kind, action: outbox.step.action });
  }
  return { redelivered };
}
