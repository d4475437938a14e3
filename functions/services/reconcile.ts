// Finds work the API recorded but the workflow engine may never have received (a crash or an outage
// between the write and the call) and hands it over again. Safe to run any time, as often as wanted:
// a start is idempotent by execution name and a token completes at most once.
//
// A recorded step stays in the application's outbox until the workflow's next state takes it. One that is still
// there although its token is settled was taken by an execution that ended before going on with it (a call that
// kept failing, a record that could not be written). The application is then carried by a new execution that
// starts from that step (workflows/approval.ts, `Resume`), named `<id>-r1`, `<id>-r2`, … up to MAX_RESUMES.
import { endsWorkflow, finalStatuses, type WorkflowStep } from '../domain/application.js';
import type { ApplicationRecord } from '../domain/application.js';
import type { WorkflowServices } from './context.js';

/** Executions started again for one application before the reconciler leaves it to an operator. */
const MAX_RESUMES = 5;

export async function reconcile(s: WorkflowServices, olderThanMs = 30_000): Promise<{ redelivered: number; resumed: number }> {
  const before = new Date(s.now().getTime() - olderThanMs).toISOString();
  let redelivered = 0;
  let resumed = 0;
  for (const app of await s.applications.listOutbox(before)) {
    const outbox = app.outbox;
    if (!outbox) continue;
    const at = app.updatedAt;
    if (outbox.kind === 'start') {
      await s.workflow.start(outbox.step);
    } else {
      const delivered = await s.workflow.complete(outbox.token, outbox.step);
      const ends = endsWorkflow(outbox.step);
      if (ends) await s.applications.clearOutbox(app.id, at);
      if (!delivered && !ends) {
        if (await resume(s, app, outbox.step)) resumed += 1;
        continue;
      }
      if (!delivered) continue;
    }
    redelivered += 1;
    s.log.warn('reconciler handed recorded work to the workflow again', { id: app.id, kind: outbox.kind, action: outbox.step.action });
  }
  return { redelivered, resumed };
}

/** Starts a new execution from `step` when no execution carries the application any more. True if one was started. */
async function resume(s: WorkflowServices, app: ApplicationRecord, step: WorkflowStep): Promise<boolean> {
  // Decided for good since (expired meanwhile, say): nothing is left to hand over.
  if (finalStatuses.has(app.status)) {
    await s.applications.clearOutbox(app.id, app.updatedAt);
    return false;
  }
  const names = [app.id, ...Array.from({ length: MAX_RESUMES }, (_, i) => `${app.id}-r${i + 1}`)];
  let latest = -1;
  let status: string | null = null;
  for (const [i, name] of names.entries()) {
    const found = await s.workflow.executionStatus(name);
    if (found === null) break;
    [latest, status] = [i, found];
  }
  // Still on its way (its next call being retried): that execution takes the step.
  if (status === 'RUNNING') return false;
  const next = names[latest + 1];
  if (!next) {
    s.log.error('the workflow keeps ending before it takes a recorded step: an operator must look at this application', {
      id: app.id,
      action: step.action,
      executions: names.length,
    });
    return false;
  }
  await s.workflow.start(step, next);
  s.log.warn('reconciler started the workflow again from a step its execution ended before taking', {
    id: app.id,
    action: step.action,
    ended: status,
    execution: next,
  });
  return true;
}
