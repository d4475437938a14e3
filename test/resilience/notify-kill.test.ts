// `npm start` killed with SIGKILL while notices are on their way to an office's robot and mailbox: started again on
// the same data, every notice is in the office's centre (those marked read before the kill still read), and the
// robot takes each exactly once: what it took before the kill is not sent again; what was recorded and not yet
// sent, refused and waiting for its retry, or claimed by the killed server and cut off, is sent after the restart.
//
// While the server is killed the robot refuses (HTTP 503), so no message is between the platform's answer and its
// recording at the kill: that window (milliseconds after each send) is the one a kill there sends again, as no robot
// platform takes an idempotency key (README, "Delivery"). Everything else the kill may cut is the test's to find.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/stack.js';
import { npmStarts } from '../support/npm-start.js';
import { eventually } from '../support/local.js';
import { ORG, submission } from '../support/submissions.js';
import { mailIn, robotReceiver, type RobotReceiver } from '../support/mail.js';

const TOWNSHIP = '441882102';
const dataDir = mkdtempSync(join(tmpdir(), 'gd-kexie-notify-kill-'));
const servers = npmStarts(dataDir, { SWEEP_EVERY_MS: '300', DELIVERY_LEASE_SECONDS: '3', DELIVERY_RETRY: '12/1' });
const startServer = servers.start;
let robot: RobotReceiver;

beforeAll(async () => {
  robot = await robotReceiver();
});

afterAll(async () => {
  await servers.stopAll();
  await robot?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const mentions = (text: string | undefined, id: string) => Boolean(text?.includes(`/applications/${id}`));
const taken = (id: string) => robot.calls.filter((call) => call.accepted && mentions(call.body.text?.content, id)).length;
const refused = (id: string) => robot.calls.some((call) => !call.accepted && mentions(call.body.text?.content, id));

type Notice = { id: string; kind: string; applicationId?: string; read: boolean };

describe('the server killed with SIGKILL while notices go out', () => {
  it('every notice is kept, read marks too, and the robot takes each exactly once across the kill and the restart', { timeout: 240_000 }, async () => {
    // Prepare: the township office's robot and mailbox
    const port = await freePort();
    const first = await startServer(port);
    const admin = await first.api.token({ role: 'admin', name: '省科协管理员' });
    const applicant = await first.api.token({ role: 'applicant', org: ORG, name: '申请单位' });
    const township = await first.api.token({ role: 'official', level: 'township', region: TOWNSHIP, name: '大路边镇科协' });
    const channels = { emails: ['dlb-kexie@example.org'], robot: { platform: 'wecom', webhookUrl: robot.url('/robot?key=kill-test') } };
    const set = await first.api.call('PUT', `/v1/offices/township/${TOWNSHIP}/channels`, { token: admin, body: channels });
    expect(set.status, set.text).toBe(200);
    const submit = async (api: typeof first.api) => {
      const out = await api.call('POST', '/v1/applications', { token: applicant, body: submission('society-station', TOWNSHIP) });
      expect(out.status, out.text).toBe(201);
      return out.body.id as string;
    };
    const centre = async (api: typeof first.api) => {
      const out = await api.call('GET', '/v1/notifications?limit=100', { token: township });
      expect(out.status, out.text).toBe(200);
      return out.body as { items: Notice[]; unread: number };
    };

    // Act: two notices taken by the robot (the sweeper sends one at a time, so once it has taken the second the
    // first is recorded as sent); the first marked read
    const sentBefore = [await submit(first.api)];
    await eventually(async () => (taken(sentBefore[0]) ? true : undefined), 30_000, 'the first robot message');
    sentBefore.push(await submit(first.api));
    await eventually(async () => (taken(sentBefore[1]) ? true : undefined), 30_000, 'the second robot message');
    const readBefore = (await centre(first.api)).items.find((n) => n.applicationId === sentBefore[0] && n.kind === 'task')!;
    expect((await first.api.call('POST', `/v1/notifications/${readBefore.id}/read`, { token: township })).status).toBe(200);

    // ... then the robot refuses; a burst recorded, the server killed once some of it was tried (the rest is then
    // recorded only, refused and due again, or claimed and cut off)
    robot.answer.status = 503;
    const burst = await Promise.all(Array.from({ length: 6 }, () => submit(first.api)));
    await eventually(async () => (burst.filter(refused).length >= 2 ? true : undefined), 30_000, 'the robot to refuse some of the burst');
    first.child.kill('SIGKILL');
    await new Promise((done) => (first.child.exitCode !== null || first.child.signalCode !== null ? done(null) : first.child.once('exit', done)));
    const triedBeforeKill = burst.filter(refused).length;

    // ... the robot takes messages again; the server started again on the same data, one more submission
    robot.answer.status = 200;
    const second = await startServer(port);
    const after = await submit(second.api);

    // Assess: the robot has taken every message; past a lease and many sweeps more, none of them twice
    const all = [...sentBefore, ...burst, after];
    await eventually(async () => (all.every((id) => taken(id) > 0) ? true : undefined), 90_000, 'every robot message');
    await new Promise((resolve) => setTimeout(resolve, 2 * 3_000));
    expect(Object.fromEntries(all.map((id) => [id, taken(id)]))).toEqual(Object.fromEntries(all.map((id) => [id, 1])));
    expect(triedBeforeKill, 'some of the burst was tried before the kill').toBeGreaterThanOrEqual(2);

    // ... the office's centre has every task notice, the one marked read before the kill still read
    const { items, unread } = await centre(second.api);
    const tasks = items.filter((n) => n.kind === 'task');
    expect(tasks.map((n) => n.applicationId).sort()).toEqual([...all].sort());
    expect(tasks.filter((n) => n.read).map((n) => n.id)).toEqual([readBefore.id]);
    expect(unread).toBe(all.length - 1);

    // ... and every notice's e-mail is in the catcher (after the kill the mail that was in flight may be there twice:
    // each copy carries its delivery's Message-ID, by which a mailbox keeps one)
    const mail = mailIn(join(dataDir, 'mail'));
    for (const notice of tasks) {
      const copies = mail.filter((m) => mentions(m.text, notice.applicationId!));
      expect(copies.length, notice.applicationId).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.map((m) => m.messageId))).toEqual(new Set([`<${notice.id}.email@notify.gd-kexie>`]));
    }
  });
});
