// What a change causes beside itself, as items of its own transaction: its notices (each with its id and time, and
// whether it goes to the recipient's channels too) and the timer of the wait it starts.
import { ulid } from 'ulid';
import type { Application, WorkflowStep } from '../domain/application.js';
import { waitSchedule, type NoticeDraft, type WaitKind } from '../domain/notifications.js';
import type { NoticeWrites } from '../store/notice-writes.js';
import type { DocTransactItem } from '../store/transactions.js';
import type { Services } from './context.js';

type NoticeServices = Pick<Services, 'config'> & { notifications: NoticeWrites };

/** Whether a notice also leaves by e-mail or robot: an office's may (its channels are read when it is handed on); an organisation's when the application gives a contact e-mail; the administrators' stay in the centre. */
function goesOut(draft: NoticeDraft, app: Pick<Application, 'form'>): boolean {
  if (draft.recipient.startsWith('office:')) return true;
  if (draft.recipient.startsWith('org:')) return Boolean((app.form as { contact?: { email?: unknown } }).contact?.email);
  return false;
}

/** The notices as items of the change's transaction, all stamped `at`. */
export function noticeItems(s: NoticeServices, app: Pick<Application, 'form'>, drafts: NoticeDraft[], at: Date): DocTransactItem[] {
  return drafts.map((draft) => s.notifications.noticeItem({ ...draft, id: ulid(at.getTime()), at: at.toISOString() }, goesOut(draft, app)));
}

/** The timer of the wait `step` starts (an office's decision, or the applicant's correction), replacing the last one. */
export function waitTimerItem(s: NoticeServices, step: WorkflowStep, wait: WaitKind): DocTransactItem {
  const limit = wait === 'correction' ? s.config.timeLimits.resubmission : s.config.timeLimits[step.level];
  return s.notifications.waitTimerItem({
    applicationId: step.id,
    wait,
    level: step.level,
    round: step.at,
    dueAt: step.dueAt,
    expiresAt: step.expiresAt,
    steps: waitSchedule(wait, step, limit, s.config.calendar),
  });
}
