// A published need that waits DEMAND_RESPONSE_DAYS (10 working days by default) without a response: the sweeper flags
// it once (its history, its office's notice), its township, county and city count it as unanswered too long (GET
// /v1/gaps), and its first response takes it off that count; a need answered in time is never flagged; a response
// racing the sweeper leaves the counts right whichever comes first. A stack of its own: the sweeps run a month ahead.
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { backfillDemandAging } from '#functions/store/demand-aging-backfill.js';
import { describe, expect, it } from 'vitest';
import { sweep } from '#functions/services/sweep.js';
import { keys } from '#functions/store/keys.js';
import { stackForFile, sweepServicesOf } from '../support/local.js';
import { seedApproved } from './registry-fixtures.js';

const file = stackForFile({ sweepEveryMs: 0 });
const services = () => file.api.stack.services;
const TOWNSHIP = '441882102'; // 大路边镇, 连州市
const DAY = 24 * 3600 * 1000;
/** A month on: past ten working days whatever the holidays. */
const monthLater = () => new Date(Date.now() + 31 * DAY);
const sweepAt = (at: Date) => sweep(sweepServicesOf(services(), { now: () => at }));

const need = (title: string) => ({
  kind: 'training',
  industry: 'planting',
  regionCode: `${TOWNSHIP}201`,
  title,
  description: '村里种植户希望学习水肥一体化技术，减少化肥用量，请有经验的站点来村开展培训。',
});

async function post(title: string): Promise<string> {
  const out = await file.api.call('POST', '/v1/demands', { token: file.tokens.township, body: need(title) });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

const respond = (id: string) => file.api.call('POST', `/v1/demands/${id}/responses`, { token: file.tokens.applicant, body: { proposal: '派农技专家驻村三天开展水肥一体化培训。' } });

/** What the county's gap list says of the township: its need counts, by kind. */
async function townshipCounts(): Promise<Record<string, number>> {
  const gaps = await file.api.call('GET', '/v1/gaps', { token: file.tokens.county });
  expect(gaps.status, gaps.text).toBe(200);
  const township = gaps.body.items.find((item: { regionCode: string }) => item.regionCode === TOWNSHIP);
  return Object.fromEntries(township.missing.filter((m: { count?: number }) => m.count !== undefined).map((m: { kind: string; count: number }) => [m.kind, m.count]));
}

const agingItem = async (id: string) => (await services().demands.db.send(new GetCommand({ TableName: services().config.tableName, Key: keys.demandAging(id), ConsistentRead: true }))).Item;

describe('needs unanswered too long (DEMAND_RESPONSE_DAYS)', () => {
  it('are flagged once when their time has passed, counted in the gaps, their office told, and taken off the count by their first response', async () => {
    // Prepare
    await seedApproved(services(), { type: 'society-station', regionCode: TOWNSHIP, at: new Date() });
    const id = await post('水肥一体化技术培训');

    // Act: a sweep now, then a month on, twice
    const early = await sweepAt(new Date());
    const due = await sweepAt(monthLater());
    const again = await sweepAt(monthLater());

    // Assess: flagged once, at the month's sweep
    expect(early.unansweredDemands).toBe(0);
    expect(due.unansweredDemands).toBe(1);
    expect(again.unansweredDemands).toBe(0);
    const flagged = await file.api.call('GET', `/v1/demands/${id}`, { token: file.tokens.township });
    expect(flagged.body.overdueAt).toEqual(expect.any(String));
    expect(flagged.body.history.at(-1)).toMatchObject({ action: 'overdue', actor: { name: '系统' }, comment: expect.stringContaining('10 个工作日') });
    const notices = await file.api.call('GET', '/v1/notifications', { token: file.tokens.township });
    expect(notices.body.items.filter((n: { kind: string; demandId?: string }) => n.kind === 'demand-unanswered' && n.demandId === id)).toHaveLength(1);
    expect(await townshipCounts()).toEqual({ 'unanswered-demands': 1, 'overdue-demands': 1 });
    const city = await file.api.call('GET', '/v1/gaps?region=4418', { token: file.tokens.admin });
    expect(city.body.items.find((item: { regionCode: string }) => item.regionCode === '441882').missing).toContainEqual(expect.objectContaining({ kind: 'overdue-demands', count: 1 }));

    // Act: its first response
    const responded = await respond(id);

    // Assess: off both counts
    expect(responded.status, responded.text).toBe(201);
    expect(await townshipCounts()).toEqual({});
  });

  it('are not flagged when answered in time, and their wait leaves the due index with the response', async () => {
    // Prepare
    const id = await post('测土配方施肥培训');
    expect(await agingItem(id)).toMatchObject({ dueKind: 'demand' });

    // Act
    const responded = await respond(id);
    const swept = await sweepAt(monthLater());

    // Assess
    expect(responded.status, responded.text).toBe(201);
    expect(swept.unansweredDemands).toBe(0);
    expect(await agingItem(id)).toBeUndefined();
    const shown = await file.api.call('GET', `/v1/demands/${id}`, { token: file.tokens.township });
    expect(shown.body.overdueAt).toBeNull();
    expect(await townshipCounts()).toEqual({});
  });

  it('keep the counts right when a response races the sweeper', async () => {
    for (let round = 0; round < 3; round++) {
      // Prepare
      const id = await post(`病虫害绿色防控培训第${round + 1}期`);

      // Act
      const [responded] = await Promise.all([respond(id), sweepAt(monthLater()), sweepAt(monthLater())]);

      // Assess: answered, whichever came first, and counted nowhere
      expect(responded.status, responded.text).toBe(201);
      expect(await townshipCounts()).toEqual({});
      const flags = (await file.api.call('GET', `/v1/demands/${id}`, { token: file.tokens.township })).body.history.filter((e: { action: string }) => e.action === 'overdue');
      expect(flags.length).toBeLessThanOrEqual(1);
    }
  });

  it('gives needs published before the clock their wait once (the local stack at start), leaving answered ones and a second run alone', async () => {
    // Prepare: two needs as stored before the clock (their waits gone, the migration's marker gone), one answered
    const station = await seedApproved(services(), { type: 'society-station', regionCode: TOWNSHIP, at: new Date() });
    const unanswered = await post('早先发布的沼气池维护培训');
    const answered = await post('早先发布的果树修剪培训');
    // (The organisation holds a certificate from each test of this file: it names the one it responds with.)
    const response = await file.api.call('POST', `/v1/demands/${answered}/responses`, { token: file.tokens.applicant, body: { proposal: '派农技专家驻村三天开展果树修剪培训。', certificateNo: station.certificateNo } });
    expect(response.status, response.text).toBe(201);
    const { db } = services().demands;
    const table = services().config.tableName;
    for (const key of [keys.demandAging(unanswered), keys.demandAging(answered), keys.migration('demand-aging')]) await db.send(new DeleteCommand({ TableName: table, Key: key }));
    const dueOf = (postedAt: Date) => new Date(postedAt.getTime() + 7 * DAY);

    // Act
    const first = await backfillDemandAging(services().demands, dueOf);
    const second = await backfillDemandAging(services().demands, dueOf);

    // Assess: the unanswered need waits again, due a week after its posting; the answered one does not; once only
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(0);
    const wait = await agingItem(unanswered);
    expect(wait).toBeDefined();
    expect(String(wait!.dueSk)).toContain(dueOf(new Date((await file.api.call('GET', `/v1/demands/${unanswered}`, { token: file.tokens.township })).body.postedAt)).toISOString());
    expect(await agingItem(answered)).toBeUndefined();
  });

  it('remind the office of a village\'s need still unconfirmed at its limit, and tell the county over it, once; a need decided in time is let go', async () => {
    // Prepare: two needs of a village of 大路边镇, one decided at once
    const village = await file.api.token({ role: 'village', region: `${TOWNSHIP}206`, name: '东峉塘村委会' });
    const body = (title: string) => ({ ...need(title), regionCode: `${TOWNSHIP}206` });
    const waiting = await file.api.call('POST', '/v1/demands', { token: village, body: body('村里的茶园病虫害绿色防控培训') });
    const decided = await file.api.call('POST', '/v1/demands', { token: village, body: body('村里的稻田养鱼技术培训') });
    expect([waiting.status, decided.status]).toEqual([201, 201]);
    expect((await file.api.call('POST', `/v1/demands/${decided.body.id}/decision`, { token: file.tokens.township, body: { action: 'approve' } })).status).toBe(200);
    const reminders = async (token: string) =>
      ((await file.api.call('GET', '/v1/notifications?limit=100', { token })).body.items as { kind: string; demandId: string }[]).filter((n) => n.kind === 'demand-confirm-overdue');

    // Act: two sweeps a month on
    const first = await sweepAt(monthLater());
    const second = await sweepAt(monthLater());

    // Assess: the township reminded and the county told of the waiting need only, once
    expect(first.unconfirmedDemands).toBe(1);
    expect(second.unconfirmedDemands).toBe(0);
    expect((await reminders(file.tokens.township)).map((n) => n.demandId)).toEqual([waiting.body.id]);
    expect((await reminders(file.tokens.county)).map((n) => n.demandId)).toEqual([waiting.body.id]);
    expect(await services().demands.db.send(new GetCommand({ TableName: services().config.tableName, Key: keys.demandConfirmWait(decided.body.id), ConsistentRead: true })).then((o) => o.Item)).toBeUndefined();
  });
});
