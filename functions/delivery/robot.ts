// Office group robots: a 企业微信 group robot's webhook (POST JSON to …/webhook/send?key=…) and a 钉钉 custom robot's
// (POST JSON to …/robot/send?access_token=…, signed when it has a 加签 secret: `timestamp` in milliseconds and `sign`,
// the Base64 of HMAC-SHA256 over "timestamp\nsecret" keyed with the secret, URL-encoded). Both answer
// `{ errcode: 0, errmsg: "ok" }`; anything else is a failure to try again.
import { createHmac } from 'node:crypto';
import type { RobotPlatform } from '../domain/notifications.js';

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

/** Posts `text` to the robot; throws with what went wrong (HTTP status, the platform's errcode and errmsg, a timeout). */
export async function sendToRobot(target: RobotTarget, text: string, now: Date, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(robotUrl(target, now), {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: robotBody(text),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  const answer = await response.text();
  if (!response.ok) throw new Error(`robot answered HTTP ${response.status}`);
  let parsed: { errcode?: unknown; errmsg?: unknown };
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw new Error('robot answered something that is not JSON');
  }
  if (parsed.errcode !== 0) throw new Error(`robot refused: errcode ${String(parsed.errcode)} ${String(parsed.errmsg ?? '').slice(0, 100)}`);
}
