// The sweeper: takes what has come due on the due index (one Query, never a Scan) and does it, exactly once however
// many sweepers run, each step conditional on the item still being at the turn that was read:
//   - `wait`: a wait's timed notice (reminder, overdue, the warning before the hard limit), written with the timer's
//     move to its next step while the application is still in that wait; a timer of a wait it left is dropped;
//   - `fanout`: a notice handed to its recipient's channels, a delivery per channel;
//   - `delivery`: a delivery claimed with a lease, sent, and marked sent; a failure is tried again with backoff, and
//     after the last attempt it is `failed`, listed for the administrators. A sender that dies mid-send leaves the
//     claim to run out: the delivery comes due again then (sent twice only if it died between sending and marking).
// Deployed it runs every minute (infra/notifications.ts), each run within a deadline; locally every SWEEP_EVERY_MS
// (infra/local/stack.ts).
//   - `term`: a certificate's term (服务期) ended: the certificate EXPIRED (functions/services/certificates.ts), at most
//     once however many sweepers take it (conditional on its version and on the due turn read).
//   - `upload`: an upload's slot ended unattached: its record removed (conditional on still being unattached at that
//     turn, so that no submission can attach it after), then its bytes. Before that, a pending upload comes due when
//     its bytes have had time to arrive: the backstop of the check their arrival starts (an event lost, a function
//     failed), which checks it now (functions/services/upload-check.ts) or, no bytes yet, looks again later.
//   - `report`: a year's annual report deadline passed: a year not filed is marked OVERDUE on the certificate and its
//     county told, and the deadline moves on to the next year's (functions/services/process-records.ts).
import type { ApplicationRecord } from '../domain/application.js';
import { deliveryText, officeOf, timedNotices, type NotificationKind, type Recipient } from '../domain/notifications.js';
import type { DeliverySettings } from '../config.js';
import type { EmailSender } from '../delivery/email.js';
import { sendToRobot, type RobotSendOptions, type RobotTarget } from '../delivery/robot.js';
import { deliveryOf, waitTimerOf, type Channel, type Delivery, type DueItem } from '../store/notifications.js';
import type { Services } from './context.js';
import { noticeItems } from './notices.js';
import { expireTerm } from './certificates.js';
import { uploadKeys } from '../upload-keys.js';
import type { UploadSweep } from '../store/upload-sweep.js';
import type { UploadChecks } from '../store/upload-checks.js';
import { fromItem as uploadOf } from '../store/uploads.js';
import type { S3Objects } from '../s3.js';
import { checkUpload } from './upload-check.js';
import { flagUnansweredDemand, remindUnconfirmedDemand } from './demand-aging.js';
import { takeReportDeadline } from './process-records.js';

export interface Senders {
  email?: EmailSender;
  robot: (target: RobotTarget, text: string, now: Date, options?: RobotSendOptions) => Promise<void>;
}

export type SweepServices = Pick<Services, 'config' | 'applications' | 'registry' | 'notifications' | 'demands' | 'now' | 'log'> & {
  senders: Senders;
  uploads: UploadSweep;
  /** The check's lease and verdict, for the backstop of an upload whose check never ran. */
  checks: UploadChecks;
  /** The uploads bucket's objects: a pending upload's bytes checked, an unattached upload's removed. */
  files: Pick<S3Objects, 'open' | 'delete'>;
};

export interface SweepResult {
  fired: number;
  handed: number;
  sent: number;
  retried: number;
  failed: number;
  dropped: number;
  /** Certificates whose term ended. */
  expired: number;
  /** Uploads removed whose slot ended unattached. */
  swept: number;
  /** Uploads checked by the backstop (no check had run when their bytes had had time to arrive). */
  checked: number;
  /** Annual reports not filed by their deadline (their county told). */
  overdueReports: number;
  /** Published needs flagged for waiting DEMAND_RESPONSE_DAYS without a response (their office told). */
  unansweredDemands: number;
  /** Village needs still unconfirmed at their office's limit: the office reminded, a township's county told. */
  unconfirmedDemands: number;
}

export const defaultSenders = (email: EmailSender | undefined): Senders => ({ email, robot: sendToRobot });

export interface SweepOptions {
  batch?: number;
  rounds?: number;
  /**
   * No item is begun at or after this time (epoch ms): a deployed run stops in time to finish what it began before
   * its function's timeout, and so before its deliveries' leases run out (infra/notifications.ts).
   */
  deadline?: number;
  /** Items taken at once: a robot that hangs until its timeout holds one of them, not the others' e-mails and notices. */
  concurrency?: number;
}

/**
 * Sweeps until nothing new is due, `rounds` batches were read, or the deadline came. `concurrency` workers take the
 * items read; when none is left to take, the next batch is read while the others still work (a send that hangs holds
 * only its own worker). An item is taken once per turn in a run: what the index shows again at a turn already seen
 * (not yet due by the table, someone else's, or still being sent here) is for the next run.
 */
export async function sweep(s: SweepServices, options: SweepOptions = {}): Promise<SweepResult> {
  const { batch = 25, rounds = 20, deadline = Infinity, concurrency = 8 } = options;
  const result: SweepResult = { fired: 0, handed: 0, sent: 0, retried: 0, failed: 0, dropped: 0, expired: 0, swept: 0, checked: 0, overdueReports: 0, unansweredDemands: 0, unconfirmedDemands: 0 };
  const queue: DueItem[] = [];
  const seen = new Set<string>();
  let reads = 0;
  let reading: Promise<boolean> | undefined;
  // One read at a time, shared by the workers that found the queue empty; false when it brought nothing new.
  const refill = () =>
    (reading ??= (async () => {
      if (reads >= rounds || s.now().getTime() >= deadline) return false;
      reads += 1;
      const fresh = (await s.notifications.due(s.now().toISOString(), batch)).filter((item) => !seen.has(item.seen));
      for (const item of fresh) seen.add(item.seen);
      queue.push(...fresh);
      return fresh.length > 0;
    })().finally(() => (reading = undefined)));
  const worker = async () => {
    for (;;) {
      if (s.now().getTime() >= deadline) return;
      const item = queue.shift();
      if (!item) {
        if (!(await refill())) return;
        continue;
      }
      try {
        await take(s, item, result);
      } catch (error) {
        // One item's trouble (its store call timed out) must not hold up the others: it is due still, and taken next time.
        s.log.error('sweep: an item could not be taken', { kind: item.kind, key: item.key.pk, error: (error as Error).name, errorMessage: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return result;
}

async function take(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  // The index is eventually consistent: act on the item as the table holds it, at the turn the index showed.
  const item = await s.notifications.atTurn(due);
  if (!item) return false;
  const current: DueItem = { ...due, item };
  switch (due.kind) {
    case 'wait':
      return fireTimer(s, current, result);
    case 'fanout':
      return fanOut(s, current, result);
    case 'delivery':
      return deliver(s, current, result);
    case 'term':
      return endTerm(s, current, result);
    case 'upload':
      return forgetUpload(s, current, result);
    case 'report':
      return reportDeadlinePassed(s, current, result);
    case 'demand':
      return demandWaited(s, current, result);
    case 'demand-confirm':
      return demandConfirmWaited(s, current, result);
    default:
      s.log.warn('sweep: nothing takes this kind of due item', { kind: due.kind });
      return false;
  }
}

async function demandConfirmWaited(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  if ((await remindUnconfirmedDemand(s, String(due.item.id))) === 'reminded') result.unconfirmedDemands += 1;
  return true;
}

async function demandWaited(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const outcome = await flagUnansweredDemand(s, String(due.item.id));
  if (outcome === 'flagged') result.unansweredDemands += 1;
  return outcome !== 'stale';
}

async function reportDeadlinePassed(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const outcome = await takeReportDeadline(s, due);
  if (outcome === 'flagged') result.overdueReports += 1;
  return outcome !== 'stale';
}

async function endTerm(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const outcome = await expireTerm(s, String(due.item.certificateNo), due.seen);
  if (outcome === 'expired') result.expired += 1;
  return outcome === 'expired';
}

/** How long a retired upload waits before the sweeper tries its removal again, should this run stop before the end. */
const RETIRE_AGAIN_MS = 10 * 60_000;

/** While a pending upload's bytes may still come (its PUT started late on a slow line), the backstop looks this often. */
const LOOK_AGAIN_MS = 5 * 60_000;
/** …for this long after its first look; then the upload waits for its slot's end (a late PUT's own check still runs). */
const LOOK_FOR_MS = 3600_000;

async function forgetUpload(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const id = String(due.item.id);
  const upload = uploadOf(due.item);
  const now = s.now();
  if (upload.status === 'pending' && upload.expiresAt && Date.parse(upload.expiresAt) > now.getTime()) {
    const outcome = await checkUpload(s, upload);
    if (outcome === 'ready' || outcome === 'refused') {
      result.checked += 1;
      return true;
    }
    // No bytes yet, or a check holds it: look again soon while they may still come, at the slot's end after.
    const lookedFor = upload.checkBy ? now.getTime() - Date.parse(upload.checkBy) : Infinity;
    const next = lookedFor < LOOK_FOR_MS ? new Date(Math.min(now.getTime() + LOOK_AGAIN_MS, Date.parse(upload.expiresAt))).toISOString() : upload.expiresAt;
    return (await s.checks.putOff(id, due.seen, next)) === 'put-off';
  }
  // Retired by a run that stopped before the end: its bytes and record are removed now.
  const retired = due.item.status === 'retired' ? { turn: due.seen } : await s.uploads.retire(id, due.seen, new Date(s.now().getTime() + RETIRE_AGAIN_MS).toISOString());
  if (retired === 'moved') return false;
  await s.files.delete(uploadKeys.file(id));
  if ((await s.uploads.remove(id, retired.turn)) === 'moved') return false;
  result.swept += 1;
  return true;
}

const waitStatus = { decision: 'PENDING', correction: 'RETURNED' } as const;

function stillInWait(app: ApplicationRecord | undefined, timer: ReturnType<typeof waitTimerOf>): app is ApplicationRecord {
  return !!app && app.status === waitStatus[timer.wait] && app.currentLevel === timer.level && app.updatedAt === timer.round && !app.awaitingRecord;
}

async function fireTimer(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const timer = waitTimerOf(due.item);
  const [step, ...rest] = timer.steps;
  const now = s.now();
  if (!step || step.at > now.toISOString()) return false;
  const app = await s.applications.get(timer.applicationId);
  if (!stillInWait(app, timer)) {
    await s.notifications.dropTimer(due);
    result.dropped += 1;
    return true;
  }
  // After a stop longer than the gap to the next step (the sweeper down for a day), a reminder that the limit is
  // near is no news any more: only the overdue notice is sent.
  const stale = step.kind === 'reminder' && rest[0] !== undefined && rest[0].at <= now.toISOString();
  const drafts = stale ? [] : timedNotices(app, { ...timer, kind: timer.wait }, step.kind, s.config.escalation[timer.level]);
  // At the soft limit of an office's wait the task becomes overdue in the approval pipeline too: marked on the
  // application (the condition that it is still in the wait) and counted, in the timed notice's own transaction.
  const [waiting, ...counted] =
    step.kind === 'overdue' && timer.wait === 'decision'
      ? s.applications.markOverdueItems(app, { level: timer.level, round: timer.round })
      : [s.applications.stillWaiting(app.id, { status: waitStatus[timer.wait], level: timer.level, round: timer.round })];
  const outcome = await s.notifications.fireTimer(due, waiting, [...noticeItems(s, app, drafts, now), ...counted], rest);
  if (outcome === 'fired') result.fired += 1;
  return outcome === 'fired';
}

/** The e-mail addresses and robot of a recipient, as they are now. */
async function channelsOf(s: SweepServices, recipient: Recipient, applicationId: string): Promise<{ emails: string[]; robot: RobotTarget | null }> {
  if (officeOf(recipient)) {
    const settings = await s.notifications.channels(recipient);
    return { emails: settings?.emails ?? [], robot: settings?.robot ?? null };
  }
  if (recipient.startsWith('org:')) {
    const app = await s.applications.get(applicationId);
    const email = (app?.form as { contact?: { email?: unknown } } | undefined)?.contact?.email;
    return { emails: typeof email === 'string' && email ? [email] : [], robot: null };
  }
  return { emails: [], robot: null };
}

async function fanOut(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const notice = due.item as { id: string; recipient: Recipient; applicationId: string; kind: NotificationKind; title: string };
  const { emails, robot } = await channelsOf(s, notice.recipient, notice.applicationId);
  const channels: Channel[] = [...(emails.length && s.senders.email ? (['email'] as const) : []), ...(robot ? (['robot'] as const) : [])];
  const createdAt = s.now().toISOString();
  const outcome = await s.notifications.fanOut(
    due,
    channels.map((channel) => ({ notificationId: notice.id, recipient: notice.recipient, applicationId: notice.applicationId, kind: notice.kind, title: notice.title, channel, createdAt })),
  );
  if (outcome === 'handed') result.handed += channels.length;
  return outcome === 'handed';
}

/** The delay before attempt `attempt + 1`: doubling from the first, at most six hours, with a little jitter. */
export function retryDelaySeconds(settings: DeliverySettings, attempt: number): number {
  const base = Math.min(6 * 3600, settings.firstRetrySeconds * 2 ** (attempt - 1));
  return base * (0.9 + Math.random() * 0.2);
}

async function deliver(s: SweepServices, due: DueItem, result: SweepResult): Promise<boolean> {
  const delivery = deliveryOf(due.key, due.item);
  const settings = s.config.notifications.delivery;
  if (delivery.status === 'sent' || delivery.status === 'failed') {
    await s.notifications.removeAtTurn(due, 'unlist');
    return true;
  }
  const started = s.now();
  const attempt = await s.notifications.claim(due, new Date(started.getTime() + settings.leaseSeconds * 1000).toISOString());
  if (attempt === undefined) return false;
  try {
    const messageId = await send(s, delivery, started);
    await s.notifications.sent(delivery.key, attempt, s.now().toISOString(), messageId);
    result.sent += 1;
  } catch (error) {
    const why = (error as Error).message.slice(0, 300) || (error as Error).name;
    const at = s.now();
    if (attempt >= settings.attempts) {
      await s.notifications.failed(delivery, attempt, why, at.toISOString());
      s.log.error('a delivery failed for good', { notificationId: delivery.notificationId, channel: delivery.channel, attempts: attempt, error: why });
      result.failed += 1;
    } else {
      await s.notifications.retryLater(delivery.key, attempt, why, new Date(at.getTime() + retryDelaySeconds(settings, attempt) * 1000).toISOString());
      s.log.warn('a delivery failed; it is tried again later', { notificationId: delivery.notificationId, channel: delivery.channel, attempt, error: why });
      result.retried += 1;
    }
  }
  return true;
}

/** Sends one delivery; answers the e-mail's Message-ID. Throws when it could not be sent (or has nowhere to go). */
async function send(s: SweepServices, delivery: Delivery, now: Date): Promise<string | undefined> {
  const { emails, robot } = await channelsOf(s, delivery.recipient, delivery.applicationId);
  const link = s.config.notifications.webUrl ? `${s.config.notifications.webUrl}/applications/${delivery.applicationId}` : undefined;
  const { subject, text } = deliveryText(delivery, link);
  if (delivery.channel === 'robot') {
    if (!robot) throw new Error('该办公室已不再设置机器人');
    await s.senders.robot(robot, text, now, { loopback: s.config.notifications.robotLoopbackHttp });
    return undefined;
  }
  if (!s.senders.email) throw new Error('未配置邮件发送方式');
  if (!emails.length) throw new Error('已没有收件邮箱');
  const messageId = `<${delivery.notificationId}.${delivery.channel}@notify.gd-kexie>`;
  try {
    await s.senders.email.send({ to: emails, subject, text, messageId });
  } catch (error) {
    // The relay's or SES's own words, after what it means to the administrators.
    throw new Error(`邮件发送失败：${(error as Error).message}`);
  }
  return messageId;
}
