// Office group robots: a 企业微信 group robot's webhook (POST JSON to …/webhook/send?key=…) and a 钉钉 custom robot's
// (POST JSON to …/robot/send?access_token=…, signed when it has a 加签 secret: `timestamp` in milliseconds and `sign`,
// the Base64 of HMAC-SHA256 over "timestamp\nsecret" keyed with the secret, URL-encoded). Both answer
// `{ errcode: 0, errmsg: "ok" }`; anything else is a failure to try again. Sent with node:http(s) rather than fetch, so
// that the connection goes to an address checked to be public (fetch takes no lookup of its own).
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress, type RobotPlatform } from '../domain/notifications.js';

export { isPublicAddress };

export interface RobotTarget {
  platform: RobotPlatform;
  url: string;
  secret?: string;
}

/** 钉钉's signature of a request at `timestamp` (ms). */
export function dingTalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** The address a message is posted to: 钉钉's with its timestamp and signature when it has a secret. */
export function robotUrl(target: RobotTarget, now: Date): string {
  if (target.platform !== 'dingtalk' || !target.secret) return target.url;
  const url = new URL(target.url);
  const timestamp = now.getTime();
  url.searchParams.set('timestamp', String(timestamp));
  url.searchParams.set('sign', dingTalkSign(target.secret, timestamp));
  return url.toString();
}

/** A text message: both platforms take `{ msgtype: 'text', text: { content } }` (企业微信 up to 2,048 bytes). */
export function robotBody(text: string): string {
  return JSON.stringify({ msgtype: 'text', text: { content: text } });
}

export interface RobotSendOptions {
  /** The local stack only: robots on this machine (a test's receiver) may be reached. */
  loopback?: boolean;
  timeoutMs?: number;
}

const isLoopback = (ip: string) => ip === '::1' || /^(::ffff:)?127\./i.test(ip);

/**
 * DNS as the connection uses it, refusing a name that leads inside: the URL was checked when it was set (no address
 * literal of a private network), but a name can point anywhere, and again differently later. The connection is made to
 * the address checked here, so no second lookup can swap it.
 */
function guardedLookup(loopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !isPublicAddress(a.address) && !(loopback && isLoopback(a.address)));
      if (refused || !list.length) {
        return callback(Object.assign(new Error(`机器人地址 ${hostname} 解析到内网或本机地址，已拒绝发送`), { code: 'EPRIVATE' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Why a request failed, in Chinese for the administrators' list of failed deliveries. */
function failure(error: unknown, timeoutMs: number): Error {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EPRIVATE') return e;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.code === 'ETIMEDOUT') return new Error(`机器人接口 ${timeoutMs / 1000} 秒内没有回答`);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new Error(`找不到机器人接口的地址（${e.code}）`);
  return new Error(`无法连接机器人接口（${e.code ?? e.message}）`);
}

/** POSTs `body` to `url` through the guarded lookup; the status and the answer's text (no redirect is followed). */
function post(url: URL, body: string, options: Required<RobotSendOptions>): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  // An address literal is connected to without a lookup: checked here the same way.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !isPublicAddress(literal) && !(options.loopback && isLoopback(literal))) {
    return Promise.reject(Object.assign(new Error(`机器人地址 ${literal} 是内网或本机地址，已拒绝发送`), { code: 'EPRIVATE' }));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.loopback),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // An answer is a line of JSON: what comes beyond 64 KiB is not read.
          if ((size += chunk.length) <= 65_536) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => reject(failure(error, options.timeoutMs)));
      },
    );
    req.on('error', (error) => reject(failure(error, options.timeoutMs)));
    req.end(body);
  });
}

/** Posts `text` to the robot; throws with what went wrong (HTTP status, the platform's errcode and errmsg, a timeout), in Chinese. */
export async function sendToRobot(target: RobotTarget, text: string, now: Date, options: RobotSendOptions = {}): Promise<void> {
  const answer = await post(new URL(robotUrl(target, now)), robotBody(text), { loopback: options.loopback ?? false, timeoutMs: options.timeoutMs ?? 10_000 });
  if (answer.status < 200 || answer.status > 299) throw new Error(`机器人接口返回 HTTP ${answer.status}`);
  let parsed: { errcode?: unknown; errmsg?: unknown };
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    throw new Error('机器人接口的回答不是 JSON');
  }
  if (parsed.errcode !== 0) throw new Error(`机器人拒收：errcode ${String(parsed.errcode)} ${String(parsed.errmsg ?? '').slice(0, 100)}`);
}
