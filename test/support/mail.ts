// Test support: the local mail catcher's .eml files read back (headers unfolded, RFC 2047 words and a base64 or
// quoted-printable text body decoded), and a robot webhook receiver on 127.0.0.1 that records what it is sent.
import { createServer, type Server } from 'node:http';
import { caughtMail } from '#infra/local/smtp.js';

export interface Mail {
  file: string;
  headers: Record<string, string>;
  subject: string;
  to: string;
  messageId: string;
  text: string;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_, _charset: string, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );
}

export function parseMail(file: string, raw: string): Mail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  const body = rest.join('\n\n');
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
        : body;
  return { file, headers, subject: decodeWords(headers.subject ?? ''), to: headers.to ?? '', messageId: headers['message-id'] ?? '', text };
}

/** The mail a stack's catcher holds, oldest first. */
export function mailIn(dir: string): Mail[] {
  return caughtMail(dir).map(({ file, raw }) => parseMail(file, raw));
}

export interface RobotCall {
  path: string;
  query: URLSearchParams;
  body: { msgtype?: string; text?: { content?: string } };
  /** Whether it was taken (the platform's success) or refused (an error code or an HTTP failure). */
  accepted: boolean;
  /** When it arrived (epoch ms). */
  at: number;
}

export interface RobotReceiver {
  url: (path?: string) => string;
  calls: RobotCall[];
  /** What it answers: the platforms' success, an error code, or an HTTP failure. */
  answer: { status: number; errcode: number };
  close: () => Promise<void>;
}

/** A robot endpoint as 企业微信 and 钉钉 run them: POST JSON, answer `{ errcode, errmsg }`; under `/hang` it never answers. */
export async function robotReceiver(): Promise<RobotReceiver> {
  const calls: RobotCall[] = [];
  const answer = { status: 200, errcode: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: RobotCall['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // recorded as empty
      }
      const hangs = url.pathname.startsWith('/hang');
      calls.push({ path: url.pathname, query: url.searchParams, body, accepted: !hangs && answer.status === 200 && answer.errcode === 0, at: Date.now() });
      // A platform that takes the request and never answers: the sender's timeout ends it.
      if (hangs) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: answer.errcode, errmsg: answer.errcode ? 'refused' : 'ok' }));
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: (path = '/robot?key=test-key') => `http://127.0.0.1:${port}${path}`,
    calls,
    answer,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The requests left hanging end with it.
        server.closeAllConnections();
      }),
  };
}
