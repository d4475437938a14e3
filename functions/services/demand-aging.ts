// The demand library's clock: a published need that waits DEMAND_RESPONSE_DAYS without a response is flagged by the
// sweeper (its item DEMAND#<id> / AGING is on the due index from its posting; a first response removes it). Its own
// module: the sweeper carries this, not the demand library's routes, regions and search.
import { ulid } from 'ulid';
import type { Span } from '../domain/deadlines.js';
import { demandConfirmOverdueNotices, demandUnansweredNotice, type NoticeDraft } from '../domain/notifications.js';
import { transact } from '../store/transactions.js';
import type { DocTransactItem } from '../store/transactions.js';
import type { Services } from './context.js';

/** The sweeper's actor: nobody signed in. */
const systemActor = { sub: 'system', name: '系统', role: 'system' } as const;

/** What the sweeper needs to flag a need unanswered too long. */
export type DemandAgingServices = Pick<Services, 'demands' | 'notifications' | 'now' | 'log'> & { config: Pick<Services['config'], 'demandResponseLimit'> };

/**
 * The sweeper, when a need's wait for its first response is due: a need still PUBLISHED without a response is flagged
 * (`overdueAt`, a history entry), its regions count it as unanswered too long (GET /v1/gaps), and its office is told;
 * in one transaction conditional on the need's version, so a response arriving at the same instant either comes first
 * (nothing is flagged) or retries and finds it flagged (and takes it off the count). Anything else: the wait is let go.
 */
export async function flagUnansweredDemand(s: DemandAgingServices, id: string): Promise<'flagged' | 'answered' | 'stale'> {
  const demand = await s.demands.get(id);
  if (!demand || demand.status !== 'PUBLISHED' || demand.responseCount > 0 || demand.overdueAt) {
    await s.demands.forgetAging(id);
    return 'answered';
  }
  const now = s.now();
  const at = now.toISOString();
  const waited = spanText(s.config.demandResponseLimit);
  const outcome = await s.demands.recordChange({
    expected: demand,
    next: { ...demand, overdueAt: at, updatedAt: at, version: demand.version + 1 },
    event: { at, action: 'overdue', actor: systemActor, comment: `发布已满${waited}，尚无站点响应` },
    effects: [s.demands.agingDone(id), ...s.demands.overdueItems(demand.regionCode, 1), ...noticeItemsOf(s, [demandUnansweredNotice(demand, waited)], now)],
  });
  if (outcome !== 'recorded') return 'stale';
  s.log.info('demand unanswered', { demandId: id, regionCode: demand.regionCode });
  return 'flagged';
}

/** ` 10 个工作日`, ` 30 秒`: how long a need waited, in its notice, its history and the gaps' list. */
export const spanText = (span: Span) => ('seconds' in span ? ` ${span.seconds} 秒` : ` ${span.workingDays} 个工作日`);

/** The demand library's notices as items of a change: the centre only (an e-mail or robot message links to an application, and a need is not one; README, 需求库). */
export function noticeItemsOf(s: Pick<Services, 'notifications'>, drafts: NoticeDraft[], now: Date): DocTransactItem[] {
  return drafts.map((draft) => s.notifications.noticeItem({ ...draft, id: ulid(now.getTime()), at: now.toISOString() }, false));
}

/**
 * The sweeper, when a village's need's wait for its office's confirmation is due: a need still PENDING past its
 * confirmBy has its office reminded and, over a township, its county told (督办), once: the notices are written with the
 * wait's own deletion, conditional on the wait being there, so of two sweeps one tells and the other finds it gone. A
 * need decided or withdrawn meanwhile (its change deletes the wait) or sent back with a new limit (a new wait) is let go.
 */
export async function remindUnconfirmedDemand(s: DemandAgingServices, id: string): Promise<'reminded' | 'settled'> {
  const demand = await s.demands.get(id);
  const now = s.now();
  if (!demand || demand.status !== 'PENDING' || !demand.confirmBy || demand.confirmBy > now.toISOString()) {
    // Settled, or a correction's new limit not yet reached (its own wait, due then, was written with it).
    if (!demand || demand.status !== 'PENDING') await s.demands.forgetConfirmWait(id);
    return 'settled';
  }
  const outcome = await transact(s.demands.db, [
    { item: s.demands.confirmWaitTaken(id), whenConditionFails: 'gone' as const },
    ...noticeItemsOf(s, demandConfirmOverdueNotices(demand), now).map((item) => ({ item })),
  ]);
  if (outcome !== 'written') return 'settled';
  s.log.info('demand confirmation overdue', { demandId: id, office: demand.postedBy.region });
  return 'reminded';
}
