// The local stack's mail catcher: an SMTP server on 127.0.0.1 (smtp-server, the library nodemailer's author keeps)
// that accepts every message and writes it, as sent, to DATA_DIR/mail/<time>-<n>.eml. Nothing leaves the machine;
// a developer opens the .eml files with any mail reader, or `npm run mail` (infra/local/read-mail.ts) prints them
// decoded (subject and body are base64: the mail carries Chinese). It survives restarts
// because the mail is on disk; the port is new at each start.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailCatcher {
  url: string;
  dir: string;
  close: () => Promise<void>;
}

/** At most this much of one message is kept (a notice is a few hundred bytes). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startMailCatcher(dir: string): Promise<MailCatcher> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'gd-kexie local mail catcher',
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const name = `${Date.now()}-${process.pid}-${++count}.eml`;
        // Written beside, then renamed: a reader never sees half a message.
        writeFileSync(join(dir, `.${name}`), Buffer.concat(chunks));
        renameSync(join(dir, `.${name}`), join(dir, name));
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return { url: `smtp://127.0.0.1:${port}`, dir, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The messages caught so far, oldest first, as raw text. */
export function caughtMail(dir: string): { file: string; raw: string }[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('.'));
  } catch {
    return [];
  }
  return files.sort().map((file) => ({ file, raw: readFileSync(join(dir, file), 'utf8') }));
}

/** A caught message read back: headers unfolded, RFC 2047 words and a base64 or quoted-printable text body decoded. */
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

