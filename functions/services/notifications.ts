// The notification centre, 催办, and the administrators' delivery settings: what the routes call.
import { ulid } from 'ulid';
import { DomainError, type HistoryEntry } from '../domain/application.js';
import { decidingLevelNames, decidingLevels, regionAtLevel, type DecidingLevel } from '../domain/chain.js';
import { maskWebhookUrl, recipients, urgeDay, urgeNotice, urgeOpensAt, webhookUrlProblem, shownTime, type RobotPlatform } from '../domain/notifications.js';
import { findRegion } from '../regions/index.js';
import type { Principal } from '../auth.js';
import { assertMayManageDelivery, assertMayUrge, notificationRecipient } from '../policy.js';
import type { PageRequest } from '../store/applications.js';
import type { Page } from '../store/cursor.js';
import type { ChannelSettings, FailedDelivery, ListedNotification } from '../store/notifications.js';
import type { Services } from './context.js';
import { actorOf } from './applications.js';
import { noticeItems } from './notices.js';

type NoticeView = Omit<ListedNotification, 'recipient'>;

const view = ({ recipient: _recipient, ...notice }: ListedNotification): NoticeView => notice;

/** `GET /v1/notifications`: the caller's recipient's notices, newest first, with the caller's read marks and unread count. */
export async function listNotifications(s: Services, principal: Principal, page: PageRequest, unread?: string): Promise<Page<NoticeView> & { unread: number }> {
  if (unread !== undefined && unread !== 'true' && unread !== 'false') {
    throw new DomainError('validation', 'unread 须为 true 或 false', { issues: [{ path: 'unread', message: 'unread 须为 true 或 false' }] });
  }
  const recipient = notificationRecipient(principal);
  const state = await s.notifications.readState(principal.sub, recipient);
  const [found, count] = await Promise.all([s.notifications.list(recipient, state, page, unread === 'true'), s.notifications.countUnread(recipient, state)]);
  return { items: found.items.map(view), cursor: found.cursor, unread: count };
}

/** `POST /v1/notifications/{id}/read`: 404 for a notice that is not the caller's recipient's. */
export async function markNotificationRead(s: Services, principal: Principal, id: string): Promise<{ id: string; read: true; unread: number }> {
  const recipient = notificationRecipient(principal);
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) || !(await s.notifications.get(recipient, id))) throw new DomainError('not_found', `通知 ${id.slice(0, 40)} 不存在`);
  await s.notifications.markRead(principal.sub, recipient, id);
  return { id, read: true, unread: await s.notifications.countUnread(recipient, await s.notifications.readState(principal.sub, recipient)) };
}

/** `POST /v1/notifications/read-all`. */
export async function markAllNotificationsRead(s: Services, principal: Principal): Promise<{ unread: number }> {
  const recipient = notificationRecipient(principal);
  await s.notifications.markAllRead(principal.sub, recipient);
  return { unread: await s.notifications.countUnread(recipient, await s.notifications.readState(principal.sub, recipient)) };
}

/**
 * `POST /v1/applications/{id}/urge` (催办): the owner urges the office that holds the application, once the office has
 * held it past half its soft limit, at most once per working day (a second urge that day: 429 with when the next
 * may be sent). The urge is in the history and the office's notices, written together with the day's marker.
 */
export async function urgeApplication(s: Services, principal: Principal, id: string): Promise<{ id: string; level: DecidingLevel; urgedAt: string; nextUrgeAt: string }> {
  const found = await s.applications.getWithHistory(id);
  const app = assertMayUrge(principal, found?.app, id);
  const task = app.task;
  if (app.status !== 'PENDING' || !task || !app.taskToken || app.awaitingRecord) {
    throw new DomainError('conflict', app.status === 'RETURNED' ? '申请已退回修改，正等待申请单位重新提交，不能催办' : '该申请当前没有等待审批的办公室，不能催办');
  }
  const now = s.now();
  const opens = urgeOpensAt(task);
  if (now.toISOString() < opens) {
    throw new DomainError('conflict', `${decidingLevelNames[task.level]}级收到申请未满审批期限的一半，${shownTime(opens)} 后可以催办`, { urgeOpensAt: opens });
  }
  const { day, nextAt } = urgeDay(now, s.config.calendar);
  const at = now.toISOString();
  const entry: HistoryEntry = { at, action: 'urge', level: task.level, actor: actorOf(principal), comment: null };
  const outcome = await s.applications.recordUrge(app, entry, { id: ulid(now.getTime()), day, expiresAt: new Date(Date.parse(nextAt) + 86_400_000) }, noticeItems(s, app, [urgeNotice(app, { ...task, dueAt: task.dueAt })], now));
  switch (outcome) {
    case 'recorded':
      return { id, level: task.level, urgedAt: at, nextUrgeAt: nextAt };
    case 'already': {
      const retryAfter = Math.max(1, Math.ceil((Date.parse(nextAt) - now.getTime()) / 1000));
      throw new DomainError('rate_limited', `今天已催办过，下一个工作日（${shownTime(nextAt)} 起）可以再次催办`, { retryAfter, nextUrgeAt: nextAt });
    }
    case 'moved':
    case 'contended':
      throw new DomainError('conflict', '该申请刚刚有了新的办理进展，请刷新后再看是否需要催办');
  }
}

/** The office a channels route names: a Guangdong region of that level (404 otherwise). */
export function officeOf(level: string, region: string): { level: DecidingLevel; region: string; name: string } {
  const known = (decidingLevels as readonly string[]).includes(level) ? (level as DecidingLevel) : undefined;
  const found = known && regionAtLevel(region, known) === region ? findRegion(region) : undefined;
  if (!known || !found || found.level !== known) throw new DomainError('not_found', `没有这个办公室：${level.slice(0, 20)} ${region.slice(0, 20)}`);
  return { level: known, region, name: found.name };
}

export interface ChannelsView {
  office: { level: DecidingLevel; region: string; name: string };
  emails: string[];
  robot: { platform: RobotPlatform; webhookUrl: string; secretSet: boolean } | null;
  updatedAt: string | null;
}

function channelsView(office: ChannelsView['office'], settings: ChannelSettings | undefined): ChannelsView {
  return {
    office,
    emails: settings?.emails ?? [],
    robot: settings?.robot ? { platform: settings.robot.platform, webhookUrl: maskWebhookUrl(settings.robot.url), secretSet: Boolean(settings.robot.secret) } : null,
    updatedAt: settings?.updatedAt ?? null,
  };
}

export async function getOfficeChannels(s: Services, principal: Principal, level: string, region: string): Promise<ChannelsView> {
  assertMayManageDelivery(principal);
  const office = officeOf(level, region);
  return channelsView(office, await s.notifications.channels(recipients.office(office)));
}

export interface ChannelsInput {
  emails?: string[];
  robot?: { platform: RobotPlatform; webhookUrl: string; secret?: string } | null;
}

/** Sets an office's channels: fields left out keep their value. A webhook that cannot be used is refused with its path. */
export async function setOfficeChannels(s: Services, principal: Principal, level: string, region: string, input: ChannelsInput): Promise<ChannelsView> {
  assertMayManageDelivery(principal);
  const office = officeOf(level, region);
  const issues: { path: string; message: string }[] = [];
  if (input.robot) {
    const problem = webhookUrlProblem(input.robot.webhookUrl, input.robot.platform, { loopbackHttp: s.config.notifications.robotLoopbackHttp });
    if (problem) issues.push({ path: 'robot.webhookUrl', message: problem });
    if (input.robot.secret && input.robot.platform !== 'dingtalk') issues.push({ path: 'robot.secret', message: '只有钉钉机器人使用加签密钥' });
  }
  const emails = input.emails ? [...new Set(input.emails)] : undefined;
  if (issues.length) throw new DomainError('validation', '通知渠道设置有误', { issues });
  const recipient = recipients.office(office);
  const before = await s.notifications.channels(recipient);
  const settings: ChannelSettings = {
    emails: emails ?? before?.emails ?? [],
    robot: input.robot === undefined ? (before?.robot ?? null) : input.robot && { platform: input.robot.platform, url: input.robot.webhookUrl, ...(input.robot.secret ? { secret: input.robot.secret } : {}) },
    updatedAt: s.now().toISOString(),
    updatedBy: principal.sub,
  };
  await s.notifications.setChannels(recipient, settings);
  s.log.info('office channels set', { office: recipient, emails: settings.emails.length, robot: settings.robot?.platform ?? null });
  return channelsView(office, settings);
}

/** `GET /v1/deliveries/failed`: deliveries that failed for good, newest first (administrators). */
export async function listFailedDeliveries(s: Services, principal: Principal, page: PageRequest): Promise<Page<FailedDelivery>> {
  assertMayManageDelivery(principal);
  return s.notifications.listFailed(page);
}
