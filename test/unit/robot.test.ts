// A robot's send goes only to public addresses, whatever its name resolves to when it is sent: a webhook set with a
// name that leads inside (a private network, this machine, the cloud's metadata address) is refused at send time and
// nothing reaches it; the local stack alone may reach this machine. Failures read in Chinese for the administrators.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, sendToRobot } from '#functions/delivery/robot.js';

let server: Server;
let port: number;
const received: string[] = [];
let answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(body);
      if (req.url?.startsWith('/hang')) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const target = (path = '/robot?key=k', host = 'localhost') => ({ platform: 'wecom' as const, url: `http://${host}:${port}${path}` });

describe('isPublicAddress', () => {
  it.each([
    ['10.0.0.5', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['100.100.100.200', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:127.0.0.1', false],
    ['172.32.0.1', true],
    ['101.91.22.57', true],
    ['203.119.129.1', true],
    ['240e:ff:e020::1', true],
    ['::ffff:101.91.22.57', true],
  ])('%s: %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

describe('sendToRobot', () => {
  it('refuses a name that resolves to this machine, and sends nothing to it', async () => {
    const before = received.length;
    await expect(sendToRobot(target(), '待审批：测试', new Date())).rejects.toThrow(/解析到内网或本机地址/);
    expect(received.length).toBe(before);
  });

  it('refuses an address literal inside, which is connected to without a lookup', async () => {
    const before = received.length;
    await expect(sendToRobot(target('/robot?key=k', '127.0.0.1'), 'x', new Date())).rejects.toThrow(/内网或本机地址/);
    await expect(sendToRobot({ platform: 'wecom', url: 'https://169.254.169.254/robot?key=k' }, 'x', new Date())).rejects.toThrow(/内网或本机地址/);
    expect(received.length).toBe(before);
  });

  it('sends to this machine where the local stack allows it', async () => {
    const before = received.length;
    await sendToRobot(target(), '待审批：测试', new Date(), { loopback: true });
    expect(received.length).toBe(before + 1);
    expect(JSON.parse(received.at(-1)!)).toEqual({ msgtype: 'text', text: { content: '待审批：测试' } });
  });

  it('says in Chinese what went wrong: an HTTP error, a refusal, an answer that is not JSON, a timeout, no server', async () => {
    try {
      answer = { status: 500, body: 'oops' };
      await expect(sendToRobot(target(), 'x', new Date(), { loopback: true })).rejects.toThrow('机器人接口返回 HTTP 500');
      answer = { status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' };
      await expect(sendToRobot(target(), 'x', new Date(), { loopback: true })).rejects.toThrow('机器人拒收：errcode 93000 invalid webhook url');
      answer = { status: 200, body: '<html>' };
      await expect(sendToRobot(target(), 'x', new Date(), { loopback: true })).rejects.toThrow('机器人接口的回答不是 JSON');
      answer = { status: 302, body: '' };
      await expect(sendToRobot(target(), 'x', new Date(), { loopback: true })).rejects.toThrow('机器人接口返回 HTTP 302');
    } finally {
      answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
    }
    await expect(sendToRobot(target('/hang?key=k'), 'x', new Date(), { loopback: true, timeoutMs: 300 })).rejects.toThrow('机器人接口 0.3 秒内没有回答');
    await expect(sendToRobot({ platform: 'wecom', url: 'http://127.0.0.1:1/robot?key=k' }, 'x', new Date(), { loopback: true })).rejects.toThrow(/无法连接机器人接口（ECONNREFUSED）/);
  });
});
