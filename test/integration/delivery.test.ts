// Notices beyond the page, on the local stack: an administrator sets an office's e-mail addresses and group robot;
// each notice then reaches them once (the e-mail in the local catcher with a stable Message-ID, the robot's message
// signed as 钉钉 asks), the applicant's contact e-mail gets the organisation's notices; a failing robot never holds a
// decision up, is tried again and, failing for good, is listed for the administrators. Bad settings are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { eventually, stackForFile, taskInInbox } from '../support/local.js';
import { submission } from '../support/submissions.js';
import { mailIn, robotReceiver, type RobotReceiver } from '../support/mail.js';

// Three attempts, the second a second after the first, the third two after it; a lease far longer than that, so that
// an attempt that is not scheduled again for its retry (only taken over when its lease ran out) shows. The per-caller
// limit is off: the administrator's polls of the deliveries passed 300 a minute in a full run (429), and this file is
// not about limits.
const file = stackForFile({ env: { DELIVERY_RETRY: '3/1', DELIVERY_LEASE_SECONDS: '60', RATE_LIMITS: 'caller=off' }, sweepEveryMs: 200 });
let robot: RobotReceiver;
beforeAll(async () => {
  robot = await robotReceiver();
});
afterAll(() => robot?.close());

const channels = (level: string, region: string) => `/v1/offices/${level}/${region}/channels`;

async function submitted(region: string, email?: string): Promise<string> {
  const body = submission('society-station', region, undefined, (form) => {
    if (email) form.contact.email = email;
    else delete form.contact.email;
  });
  const out = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body });
  expect(out.status, out.text).toBe(201);
  return out.body.id;
}

const callsAbout = (id: string) => robot.calls.filter((c) => c.body.text?.content?.includes(`/applications/${id}`));

describe('an office’s channels', () => {
  it('e-mail and a 企业微信 robot: each notice once, with its title and a link, no personal data', async () => {
    // Prepare
    const { api, tokens } = file;
    const set = await api.call('PUT', channels('township', '441882102'), {
      token: tokens.admin,
      body: { emails: ['Kexie@Dalubian.example.cn', 'duty@dalubian.example.cn'], robot: { platform: 'wecom', webhookUrl: robot.url('/wecom?key=wecom-key-0001') } },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({
      office: { level: 'township', region: '441882102', name: expect.any(String) },
      emails: ['kexie@dalubian.example.cn', 'duty@dalubian.example.cn'],
      robot: { platform: 'wecom', webhookUrl: expect.stringMatching(/\/wecom\?key=\*\*\*\*0001$/), secretSet: false },
    });

    // Act
    const id = await submitted('441882102');

    // Assess: the robot's message and the e-mail, once each
    const call = await eventually(async () => callsAbout(id)[0], 10_000, 'the robot message');
    expect(call.path).toBe('/wecom');
    expect(call.body.msgtype).toBe('text');
    expect(call.body.text!.content).toContain('待审批');
    expect(call.body.text!.content).toContain(`${file.api.stack.url}/applications/${id}`);
    const mail = await eventually(async () => mailIn(file.api.stack.mail.dir).find((m) => m.text.includes(id)), 10_000, 'the e-mail');
    expect(mail.to).toContain('kexie@dalubian.example.cn');
    expect(mail.to).toContain('duty@dalubian.example.cn');
    expect(mail.subject).toMatch(/^【科技工作者上山下乡申报】待审批：/);
    expect(mail.messageId).toMatch(/^<[0-9A-Z]{26}\.email@notify\.gd-kexie>$/);
    const form = submission('society-station', '441882102').form;
    expect(`${mail.text}${call.body.text!.content}`).not.toContain(form.contact.mobile);
    expect(`${mail.text}${call.body.text!.content}`).not.toContain(form.contact.name);
    // Several sweeps later, still once
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(callsAbout(id)).toHaveLength(1);
    expect(mailIn(file.api.stack.mail.dir).filter((m) => m.text.includes(id))).toHaveLength(1);
  });

  it('a 钉钉 robot with its 加签 secret: every message carries timestamp and sign as the platform checks them', async () => {
    // Prepare
    const { api, tokens } = file;
    const secret = 'SEC0123456789abcdef0123456789abcdef';
    const set = await api.call('PUT', channels('county', '441882'), {
      token: tokens.admin,
      body: { emails: [], robot: { platform: 'dingtalk', webhookUrl: robot.url('/dingtalk?access_token=ding-token-7788'), secret } },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body.robot).toEqual({ platform: 'dingtalk', webhookUrl: expect.stringContaining('access_token=****7788'), secretSet: true });
    expect(JSON.stringify((await api.call('GET', channels('county', '441882'), { token: tokens.admin })).body)).not.toContain(secret);

    // Act: the township approves, the county gets the task
    const id = await submitted('441882102');
    await taskInInbox(api, tokens.township, id);
    expect((await api.call('POST', `/v1/applications/${id}/decision`, { token: tokens.township, body: { action: 'approve' } })).status).toBe(200);

    // Assess
    const call = await eventually(async () => callsAbout(id).find((c) => c.path === '/dingtalk'), 10_000, 'the 钉钉 message');
    const timestamp = Number(call.query.get('timestamp'));
    expect(Math.abs(Date.now() - timestamp)).toBeLessThan(60_000);
    expect(call.query.get('access_token')).toBe('ding-token-7788');
    expect(call.query.get('sign')).toBe(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
  });

  it('the applicant’s contact e-mail gets the organisation’s notices (the return)', async () => {
    // Prepare
    const { api } = file;
    const id = await submitted('441882103', 'office@guoshu.example.cn');
    const township = await api.token({ role: 'official', level: 'township', region: '441882103', name: '星子镇科协' });
    await taskInInbox(api, township, id);

    // Act
    const out = await api.call('POST', `/v1/applications/${id}/decision`, { token: township, body: { action: 'return', comment: '请补充', issues: ['缺少场地照片'] } });
    expect(out.status, out.text).toBe(200);

    // Assess: the e-mail says what happened and where to look, not the official's comment
    const mail = await eventually(async () => mailIn(file.api.stack.mail.dir).find((m) => m.to.includes('office@guoshu.example.cn') && m.text.includes(id)), 10_000, 'the applicant’s e-mail');
    expect(mail.subject).toContain('退回修改');
    expect(mail.text).not.toContain('缺少场地照片');
  });
});

describe('a robot that fails', () => {
  it('never holds a decision up; tried again, then listed for the administrators', async () => {
    // Prepare: the robot refuses everything
    const { api, tokens } = file;
    const township = await api.token({ role: 'official', level: 'township', region: '441882104', name: '东陂镇科协' });
    expect((await api.call('PUT', channels('township', '441882104'), { token: tokens.admin, body: { robot: { platform: 'wecom', webhookUrl: robot.url('/failing?key=k') } } })).status).toBe(200);
    robot.answer.errcode = 93000;
    try {
      // Act
      const id = await submitted('441882104');
      await taskInInbox(api, township, id);
      const started = Date.now();
      const decided = await api.call('POST', `/v1/applications/${id}/decision`, { token: township, body: { action: 'approve' } });

      // Assess
      expect(decided.status, decided.text).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      const failed = await eventually(async () => {
        const out = await api.call('GET', '/v1/deliveries/failed', { token: tokens.admin });
        expect(out.status, out.text).toBe(200);
        // The township's (the county's robot, set above, fails too once the application reaches it).
        return out.body.items.find((f: { applicationId: string; recipient: string }) => f.applicationId === id && f.recipient === 'office:township:441882104');
      }, 20_000, 'the failed delivery listed');
      expect(failed).toMatchObject({ channel: 'robot', attempts: 3, kind: 'task', recipient: 'office:township:441882104', lastError: expect.stringContaining('93000') });
      const attempts = robot.calls.filter((c) => c.path === '/failing' && c.body.text?.content?.includes(id));
      expect(attempts).toHaveLength(3);
      // Each retry came at its delay (about 1 s, then 2 s), not at the end of the 60 s lease.
      expect(attempts[2].at - attempts[0].at).toBeLessThan(10_000);
      expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(800);
      expect((await api.call('GET', '/v1/deliveries/failed', { token: township })).status).toBe(403);
    } finally {
      robot.answer.errcode = 0;
    }
  });
});

describe('a robot that hangs', () => {
  it('holds up only its own delivery: another office’s e-mail and robot go out meanwhile', async () => {
    // Prepare: one township's robot takes the request and never answers (the sender gives up after 10 s); another
    // township has a robot that answers and e-mail.
    const { api, tokens } = file;
    const hanging = await api.token({ role: 'official', level: 'township', region: '441882107', name: '东陂镇科协' });
    const other = await api.token({ role: 'official', level: 'township', region: '441882109', name: '九陂镇科协' });
    expect((await api.call('PUT', channels('township', '441882107'), { token: tokens.admin, body: { robot: { platform: 'wecom', webhookUrl: robot.url('/hang?key=k') } } })).status).toBe(200);
    const emailed = `jiubei-${Date.now()}@example.cn`;
    expect((await api.call('PUT', channels('township', '441882109'), { token: tokens.admin, body: { emails: [emailed], robot: { platform: 'wecom', webhookUrl: robot.url('/other?key=k') } } })).status).toBe(200);

    // Act: a task for the hanging office; once its robot holds the send, a task for the other office.
    const first = await submitted('441882107');
    await taskInInbox(api, hanging, first);
    await eventually(async () => robot.calls.find((c) => c.path === '/hang' && c.body.text?.content?.includes(first)), 10_000, 'the hanging robot called');
    const second = await submitted('441882109');
    const submittedAt = Date.now();
    await taskInInbox(api, other, second);

    // Assess: the other office's robot and e-mail came while the first send still hung (its timeout is 10 s).
    const call = await eventually(async () => robot.calls.find((c) => c.path === '/other' && c.body.text?.content?.includes(second)), 15_000, 'the other office’s robot');
    expect(call.at - submittedAt).toBeLessThan(6_000);
    const mail = await eventually(async () => mailIn(file.api.stack.mail.dir).find((m) => m.to.includes(emailed) && m.text.includes(second)), 15_000, 'the other office’s e-mail');
    expect(Date.now() - submittedAt).toBeLessThan(8_000);
    expect(mail.subject).toMatch(/待审批/);
  });
});

describe('bad settings', () => {
  it.each([
    [{ robot: { platform: 'wecom', webhookUrl: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } }, 'robot.webhookUrl', 'https://'],
    [{ robot: { platform: 'wecom', webhookUrl: 'https://10.1.2.3/cgi-bin/webhook/send?key=k' } }, 'robot.webhookUrl', '内网'],
    [{ robot: { platform: 'dingtalk', webhookUrl: 'https://oapi.dingtalk.com/robot/send' } }, 'robot.webhookUrl', 'access_token='],
    [{ robot: { platform: 'wecom', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: 'SEC0123456789' } }, 'robot.secret', '钉钉'],
    [{ robot: { platform: 'dingtalk', webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'abc' } }, 'robot.secret', 'SEC'],
    [{ robot: { platform: 'feishu', webhookUrl: 'https://open.feishu.cn/x' } }, 'robot.platform', 'wecom'],
    [{ emails: ['not-an-address'] }, 'emails.0', '电子邮箱'],
    [{ emails: 'a@b.cn' }, 'emails', '列表'],
    [{ sms: ['13800138000'] }, 'sms', '不允许'],
  ])('%j: 400 at %s, nothing stored', async (body, path, says) => {
    const { api, tokens } = file;
    const out = await api.call('PUT', channels('township', '441882105'), { token: tokens.admin, body });
    expect(out.status, out.text).toBe(400);
    expect(out.body.error).toBe('validation');
    const issue = out.body.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(out.body.issues)).toBeDefined();
    expect(`${issue.message}${out.body.message}`).toContain(says);
    expect((await api.call('GET', channels('township', '441882105'), { token: tokens.admin })).body).toMatchObject({ emails: [], robot: null, updatedAt: null });
  });

  it('only administrators; an office that does not exist is 404', async () => {
    const { api, tokens } = file;
    for (const token of [tokens.township, tokens.applicant, tokens.province]) {
      expect((await api.call('GET', channels('township', '441882102'), { token })).status).toBe(403);
      expect((await api.call('PUT', channels('township', '441882102'), { token, body: { emails: [] } })).status).toBe(403);
    }
    for (const [level, region] of [['township', '441882'], ['county', '441882999'], ['city', '4418'], ['township', '999999999']]) {
      expect((await api.call('GET', channels(level, region), { token: tokens.admin })).status, `${level} ${region}`).toBe(404);
    }
    expect((await api.call('GET', `${channels('township', '441882102')}?all=1`, { token: tokens.admin })).status).toBe(400);
  });
});
