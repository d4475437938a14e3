// /v1/notifications: the caller's notification centre; /v1/offices/{level}/{region}/channels and /v1/deliveries/failed:
// where notices go beyond the page (administrators).
import { Hono } from 'hono';
import { fieldIssues } from '#forms/fields.js';
import { DomainError } from '../../domain/application.js';
import { jsonBody, pageOf, type Env } from '../request.js';
import type { Services } from '../../services/context.js';
import {
  getOfficeChannels,
  listFailedDeliveries,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  setOfficeChannels,
  type ChannelsInput,
} from '../../services/notifications.js';
import { channelSettingsSchema } from '../schemas.js';
import { noQuery, pageParams, queryOf } from './query.js';

function parseChannels(body: unknown): ChannelsInput {
  const parsed = channelSettingsSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new DomainError('validation', '通知渠道设置有误', { issues: fieldIssues(parsed.error) });
}

export function notificationRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/', async (c) => {
    const { unread } = queryOf(c, ['unread', ...pageParams]);
    return c.json(await listNotifications(s, c.get('principal'), pageOf(c), unread));
  });
  r.post('/read-all', noQuery, async (c) => c.json(await markAllNotificationsRead(s, c.get('principal'))));
  r.post('/:notificationId/read', noQuery, async (c) => c.json(await markNotificationRead(s, c.get('principal'), c.req.param('notificationId'))));
  return r;
}

export function deliveryRoutes(s: Services) {
  const r = new Hono<Env>();
  r.get('/offices/:level/:region/channels', noQuery, async (c) => c.json(await getOfficeChannels(s, c.get('principal'), c.req.param('level'), c.req.param('region'))));
  r.put('/offices/:level/:region/channels', noQuery, async (c) =>
    c.json(await setOfficeChannels(s, c.get('principal'), c.req.param('level'), c.req.param('region'), parseChannels(await jsonBody(c)))),
  );
  r.get('/deliveries/failed', async (c) => {
    queryOf(c, pageParams);
    return c.json(await listFailedDeliveries(s, c.get('principal'), pageOf(c)));
  });
  return r;
}
