// Test support: the local mail catcher's .eml files read back (infra/local/smtp.ts parseMail), and a robot webhook receiver on 127.0.0.1 that records what it is sent.
import { createServer, type Server } from 'node:http';
import { caughtMail, parseMail, type Mail } from '#infra/local/smtp.js';

export { parseMail, type Mail };

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
