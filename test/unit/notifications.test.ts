// The pure rules of notices: when a wait's timed notices fall, what escalation does per level, when an urge is
// allowed, which webhook addresses are refused, how they are shown again, and 钉钉's signature.
import { describe, expect, it } from 'vitest';
import {
  escalationOf,
  maskWebhookUrl,
  oneWorkingDayBefore,
  parseEscalation,
  urgeAllowedFrom,
  urgeDay,
  urgeOpensAt,
  waitSchedule,
  webhookUrlProblem,
  deliveryText,
  shownTime,
} from '#functions/domain/notifications.js';
import { deadlinesFrom, defaultTimeLimits } from '#functions/domain/deadlines.js';
import { dingTalkSign, robotUrl } from '#functions/delivery/robot.js';

const calendar = { holidays: new Set<string>(), workdays: new Set<string>() };
const cst = (text: string) => new Date(`${text}+08:00`).toISOString();

describe('a wait’s timed notices', () => {
  it('working days: the reminder at 09:00 on the last working day, overdue at the soft limit, the warning the morning of the hard limit’s last day', () => {
    // Prepare: received on Wednesday 2026-12-02 at 10:00; the township has 5/10 working days
    const start = new Date(cst('2026-12-02T10:00:00'));
    const step = { at: start.toISOString(), ...deadlinesFrom(start, defaultTimeLimits.township, calendar) };

    // Act
    const schedule = waitSchedule('decision', step, defaultTimeLimits.township, calendar);

    // Assess: day of receipt not counted; Thu, Fri, Mon, Tue, Wed → soft limit ends Wednesday 12-09 24:00
    expect(step.dueAt).toBe(cst('2026-12-10T00:00:00'));
    expect(schedule).toEqual([
      { at: cst('2026-12-09T09:00:00'), kind: 'reminder' },
      { at: cst('2026-12-10T00:00:00'), kind: 'overdue' },
      { at: cst('2026-12-16T09:00:00'), kind: 'escalating' },
    ]);
  });

  it('skips the weekend and the holidays going back', () => {
    // A limit ending Monday 24:00 after a holiday on that Monday: the reminder is Friday's morning
    const withHoliday = { holidays: new Set(['2026-12-14']), workdays: new Set<string>() };
    expect(oneWorkingDayBefore(cst('2026-12-01T10:00:00'), cst('2026-12-15T00:00:00'), { workingDays: 5 }, withHoliday)).toBe(cst('2026-12-11T09:00:00'));
    // A limit that falls before 09:00 of its day (a resumed clock): the working day before
    expect(oneWorkingDayBefore(cst('2026-12-01T10:00:00'), cst('2026-12-08T08:00:00'), { workingDays: 5 }, calendar)).toBe(cst('2026-12-07T09:00:00'));
    // Nothing before the start
    expect(oneWorkingDayBefore(cst('2026-12-08T10:00:00'), cst('2026-12-09T00:00:00'), { workingDays: 1 }, calendar)).toBeUndefined();
  });

  it('seconds (tests): the reminder halfway to the soft limit, the warning halfway from it to the hard one', () => {
    const at = '2026-12-02T00:00:00.000Z';
    expect(waitSchedule('decision', { at, dueAt: '2026-12-02T00:00:04.000Z', expiresAt: '2026-12-02T00:00:08.000Z' }, { soft: { seconds: 4 }, hard: { seconds: 8 } }, calendar)).toEqual([
      { at: '2026-12-02T00:00:02.000Z', kind: 'reminder' },
      { at: '2026-12-02T00:00:04.000Z', kind: 'overdue' },
      { at: '2026-12-02T00:00:06.000Z', kind: 'escalating' },
    ]);
    // The applicant's correction: one reminder before it would expire
    expect(waitSchedule('correction', { at, dueAt: '2026-12-02T00:00:02.000Z', expiresAt: '2026-12-02T00:00:04.000Z' }, { soft: { seconds: 2 }, hard: { seconds: 4 } }, calendar)).toEqual([
      { at: '2026-12-02T00:00:02.000Z', kind: 'reminder' },
    ]);
  });
});

describe('escalation', () => {
  it('by default an office’s delay passes the application up, and the province holds it', () => {
    const rules = parseEscalation(undefined);
    expect(rules).toEqual({ township: 'escalate', county: 'escalate', province: 'hold' });
    expect(escalationOf({ regionCode: '441882102201' }, 'township', rules)).toEqual({ rule: 'escalate', to: { level: 'county', region: '441882' } });
    expect(escalationOf({ regionCode: '441882102201' }, 'county', rules)).toEqual({ rule: 'escalate', to: { level: 'province', region: '44' } });
    expect(escalationOf({ regionCode: '441882102201' }, 'province', rules)).toEqual({ rule: 'hold', to: { level: 'province', region: '44' } });
    // 东莞 has no county: its townships' pseudo-county decides next
    expect(escalationOf({ regionCode: '441900003' }, 'township', rules)).toEqual({ rule: 'escalate', to: { level: 'county', region: '441900' } });
  });

  it('configurable per level; the province cannot escalate; a typo names itself', () => {
    expect(parseEscalation('township=expire, county=hold')).toEqual({ township: 'expire', county: 'hold', province: 'hold' });
    expect(escalationOf({ regionCode: '441882102' }, 'township', parseEscalation('township=expire'))).toEqual({ rule: 'expire' });
    expect(() => parseEscalation('province=escalate')).toThrow(/nothing is above the province/);
    expect(() => parseEscalation('township=later')).toThrow(/ESCALATION: cannot read "township=later"/);
  });
});

describe('催办', () => {
  it('opens halfway through the soft limit', () => {
    expect(urgeOpensAt({ since: '2026-12-02T00:00:00.000Z', dueAt: '2026-12-12T00:00:00.000Z' })).toBe('2026-12-07T00:00:00.000Z');
  });

  it('once per working day: a weekend’s urge counts for Monday, and the next may be sent on Tuesday', () => {
    expect(urgeDay(new Date(cst('2026-12-02T15:00:00')), calendar)).toEqual({ day: '2026-12-02', nextAt: cst('2026-12-03T00:00:00') });
    expect(urgeDay(new Date(cst('2026-12-04T23:59:00')), calendar)).toEqual({ day: '2026-12-04', nextAt: cst('2026-12-07T00:00:00') });
    expect(urgeDay(new Date(cst('2026-12-05T10:00:00')), calendar)).toEqual({ day: '2026-12-07', nextAt: cst('2026-12-08T00:00:00') });
  });

  it('the page is told from when, and which rule sets it: the later of half the limit and the next working day after the last urge', () => {
    const task = { since: cst('2026-12-02T10:00:00'), dueAt: cst('2026-12-10T00:00:00') };
    const half = cst('2026-12-06T05:00:00');
    expect(urgeAllowedFrom(task, undefined, calendar)).toEqual({ from: half, wait: 'half-limit' });
    // urged on the day it came (at the level before): the next working day is before half the limit
    expect(urgeAllowedFrom(task, cst('2026-12-02T08:00:00'), calendar)).toEqual({ from: half, wait: 'half-limit' });
    // urged on Friday: the next working day, Monday, is after it
    expect(urgeAllowedFrom(task, cst('2026-12-04T16:00:00'), calendar)).toEqual({ from: cst('2026-12-07T00:00:00'), wait: 'once-a-day' });
    expect(urgeAllowedFrom(task, cst('2026-12-07T09:00:00'), calendar)).toEqual({ from: cst('2026-12-08T00:00:00'), wait: 'once-a-day' });
  });
});

describe('robot webhooks', () => {
  const local = { loopbackHttp: false };
  it('takes the platforms’ https addresses with their key', () => {
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=633a31f6-7f9c-4bc4-97a0-0ec1eefa5898', 'wecom', local)).toBeNull();
    expect(webhookUrlProblem('https://oapi.dingtalk.com/robot/send?access_token=abc123', 'dingtalk', local)).toBeNull();
  });

  it.each([
    ['http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', 'https://'],
    ['ftp://example.org/send?key=k', 'https://'],
    ['https://user:pass@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', '用户名或密码'],
    ['https://10.0.0.8/send?key=k', '内网'],
    ['https://169.254.169.254/latest?key=k', '内网'],
    ['https://[::1]/send?key=k', '内网'],
    ['https://127.0.0.1/send?key=k', '内网'],
    ['http://127.0.0.1:9000/send?key=k', 'https://'],
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send', 'key='],
    ['not a url', '有效'],
  ])('refuses %s', (url, says) => {
    expect(webhookUrlProblem(url, 'wecom', local)).toContain(says);
  });

  it('http to this machine only where allowed (the local stack)', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9000/robot?key=k', 'wecom', { loopbackHttp: true })).toBeNull();
    expect(webhookUrlProblem('http://192.168.1.5:9000/robot?key=k', 'wecom', { loopbackHttp: true })).toContain('https://');
  });

  it('is shown again with only the last four characters of its key', () => {
    expect(maskWebhookUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=633a31f6-7f9c-4bc4-97a0-0ec1eefa5898')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5898',
    );
  });

  it('钉钉: timestamp and the HMAC-SHA256 signature of "timestamp\\nsecret", Base64, in the query', () => {
    // The vector computed independently (Python's hmac) from the platform's documented algorithm.
    expect(dingTalkSign('SECthisissecret123', 1577262236757)).toBe('VfJUfkbOaIo4hXJMRyTGPW/pPhuPCOMRa5ccffRBC9Q=');
    const url = new URL(robotUrl({ platform: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECthisissecret123' }, new Date(1577262236757)));
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe('1577262236757');
    expect(url.searchParams.get('sign')).toBe('VfJUfkbOaIo4hXJMRyTGPW/pPhuPCOMRa5ccffRBC9Q=');
    expect(url.search).toContain('sign=VfJUfkbOaIo4hXJMRyTGPW%2FpPhuPCOMRa5ccffRBC9Q%3D');
    // 企业微信 and an unsigned 钉钉 robot: the address as given
    expect(robotUrl({ platform: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }, new Date())).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k');
  });
});

describe('what leaves the system', () => {
  it('the title and a link, nothing else', () => {
    const { subject, text } = deliveryText({ title: '退回修改：连州市大路边镇科技服务站' }, 'https://apply.example.cn/applications/01ABC');
    expect(subject).toBe('【科技工作者上山下乡申报】退回修改：连州市大路边镇科技服务站');
    expect(text).toBe('【科技工作者上山下乡申报】退回修改：连州市大路边镇科技服务站\n查看：https://apply.example.cn/applications/01ABC');
    expect(deliveryText({ title: '催办：某站' }, undefined).text).toContain('请登录申报审批平台查看');
  });
});

describe('shownTime', () => {
  it('says a time in Beijing to the minute, and to the second when it has seconds (limits set in seconds)', () => {
    expect(shownTime('2026-12-02T07:34:00.000Z')).toBe('2026-12-02 15:34');
    expect(shownTime('2026-12-02T07:34:40.250Z')).toBe('2026-12-02 15:34:40');
    expect(shownTime('2026-12-31T16:00:00.000Z')).toBe('2027-01-01 00:00');
  });
});
